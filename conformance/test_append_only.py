"""IMPL-2: the log is append-only; UPDATE is refused for every role, with a clear message and SQLSTATE."""

import psycopg
import pytest

from certlog.standin.postgrest import claims

UPDATE = "update public.cert_notification_log set sent_at = now() where idempotency_key = %s"


@pytest.mark.requirement("IMPL-2")
@pytest.mark.parametrize("role", ["postgres", "supabase_admin"])
def test_owner_and_superuser_updates_are_refused_by_the_table(superuser, sample, role):
    superuser.execute(f"set local role {role}")
    with pytest.raises(psycopg.errors.ObjectNotInPrerequisiteState) as caught:
        superuser.execute(UPDATE, (sample["idempotency_key"],))
    assert caught.value.sqlstate == "55000"
    assert "append-only" in caught.value.diag.message_primary


@pytest.mark.requirement("IMPL-2")
@pytest.mark.parametrize("role", ["anon", "authenticated", "service_role"])
def test_api_role_updates_are_refused(postgrest, sample, role):
    subject = sample["own_coordinator"] if role == "authenticated" else None
    with postgrest.request(role, claims(role, sub=subject)) as conn, pytest.raises(
            psycopg.errors.InsufficientPrivilege):
        conn.execute(UPDATE, (sample["idempotency_key"],))
