"""IMPL-3: the retention purge removes rows older than 1 year, and only service_role may run it."""

import psycopg
import pytest

from certlog.database import queries
from certlog.standin.postgrest import claims


@pytest.mark.requirement("IMPL-3")
def test_service_role_purges_exactly_the_rows_older_than_a_year(postgrest):
    with postgrest.request("service_role") as conn:
        older = queries.one(conn, "count_older_than", {"older_than": "1 year"})["n"]
        total = conn.execute("select count(*) from public.cert_notification_log").fetchone()[0]
        removed = queries.one(conn, "purge")["removed"]
        left_older = queries.one(conn, "count_older_than", {"older_than": "1 year"})["n"]
        left = conn.execute("select count(*) from public.cert_notification_log").fetchone()[0]
    assert older > 0
    assert (removed, left_older, left) == (older, 0, total - older)


@pytest.mark.requirement("IMPL-3")
@pytest.mark.parametrize("role", ["anon", "authenticated"])
def test_clients_cannot_run_the_purge(postgrest, sample, role):
    subject = sample["own_coordinator"] if role == "authenticated" else None
    with postgrest.request(role, claims(role, sub=subject)) as conn, pytest.raises(
            psycopg.errors.InsufficientPrivilege):
        queries.one(conn, "purge")


@pytest.mark.requirement("IMPL-3")
@pytest.mark.parametrize("older_than", ["1 day", "30 days", "-1 year"])
def test_a_retention_shorter_than_the_warning_window_is_refused(postgrest, older_than):
    with postgrest.request("service_role") as conn, pytest.raises(psycopg.errors.InvalidParameterValue):
        conn.execute("select public.purge_cert_notification_log(%s::interval)", (older_than,))
