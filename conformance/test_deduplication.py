"""AC-3, TEST-4, IMPL-1: duplicates are impossible; the cron job's retry returns cleanly."""

import json
from datetime import date

import psycopg
import pytest

from certlog.cronjob import calls as cron
from certlog.standin.postgrest import postgrest_session

TODAY = date(2026, 11, 25)


def _cron_insert(conn, sample, scheduled_on=TODAY, notification_type="expiry_warning_7d"):
    """The Edge Function's upsert of one notification; the keys it stored."""
    return cron.upsert(conn, [cron.Notification(sample["certification_id"], notification_type,
                                                sample["recipient_id"], scheduled_on)])


@pytest.mark.requirement("AC-3")
def test_a_second_row_with_the_same_key_raises_unique_violation(superuser, sample):
    with pytest.raises(psycopg.errors.UniqueViolation) as caught:
        superuser.execute(
            "insert into public.cert_notification_log (certification_id, notification_type, recipient_id, "
            "idempotency_key) values (%s, 'expired', %s, %s)",
            (sample["certification_id"], sample["recipient_id"], sample["idempotency_key"]))
    assert caught.value.sqlstate == "23505"
    assert caught.value.diag.constraint_name == "cert_notification_log_idempotency_key_key"


@pytest.mark.requirement("TEST-4", "IMPL-1", "SEC-2")
def test_cron_retry_as_service_role_inserts_once_then_returns_cleanly(server, fresh_db, sample):
    with postgrest_session(server, fresh_db) as api:
        with api.request("service_role", commit=True) as conn:
            first = _cron_insert(conn, sample)
        with api.request("service_role", commit=True) as conn:
            second = _cron_insert(conn, sample)
        with api.request("service_role") as conn:
            stored = conn.execute("select count(*) from public.cert_notification_log where certification_id = %s "
                                  "and notification_type = 'expiry_warning_7d' and sent_at::date = current_date",
                                  (sample["certification_id"],)).fetchone()[0]
    assert (len(first), second, stored) == (1, [], 1)


@pytest.mark.requirement("IMPL-1")
def test_the_next_scheduled_day_is_a_new_notification(postgrest, sample):
    with postgrest.request("service_role") as conn:
        today = _cron_insert(conn, sample, TODAY)
        retry = _cron_insert(conn, sample, TODAY)
        tomorrow = _cron_insert(conn, sample, date(2026, 11, 26))
    assert (len(today), len(retry), len(tomorrow)) == (1, 0, 1)


@pytest.mark.requirement("AC-3", "TEST-4")
def test_replaying_a_seeded_notification_inserts_nothing(postgrest, sample):
    row = {key: str(sample[key]) for key in ("certification_id", "notification_type", "recipient_id",
                                             "idempotency_key")}
    with postgrest.request("service_role") as conn:
        replay = cron.upsert_json(conn, json.dumps([row]))
    assert replay == []
