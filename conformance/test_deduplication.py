"""AC-3, TEST-4, IMPL-1, RULE-3: duplicates are impossible; the cron job's retry, and a later night's run of the
same notification, return cleanly and store nothing more."""

import json
from datetime import timedelta

import psycopg
import pytest

from certlog.cronjob import calls as cron
from certlog.database import queries
from certlog.standin.postgrest import postgrest_session


def _cron_insert(conn, sample, notification_type="expiry_warning_7d", *, expires_on=None):
    """The Edge Function's upsert of one notification of the sample's certification; the keys it stored."""
    return cron.upsert(conn, [cron.Notification(sample["certification_id"], notification_type,
                                                sample["recipient_id"], expires_on or sample["expires_on"])])


@pytest.mark.requirement("AC-3")
@pytest.mark.parametrize("kind", ["the same notification", "another notification"])
def test_a_second_row_with_the_same_key_raises_unique_violation(superuser, sample, kind):
    """Another notification under a key already there, and the same one again: both refused as duplicates (the
    same one is not skipped silently)."""
    notification_type = sample["notification_type"] if kind == "the same notification" else "expired"
    with pytest.raises(psycopg.errors.UniqueViolation) as caught:
        queries.insert_row(superuser, sample["certification_id"], notification_type, sample["recipient_id"],
                           sample["idempotency_key"])
    assert caught.value.sqlstate == "23505"
    assert caught.value.diag.constraint_name == "cert_notification_log_idempotency_key_key"


@pytest.mark.requirement("TEST-4", "IMPL-1")
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


@pytest.mark.requirement("IMPL-1", "RULE-3")
def test_a_later_nights_run_of_the_same_notification_makes_the_same_key(postgrest, sample):
    """The key is made from the notification's due day: tonight's run, its retry and tomorrow's (a late send after
    a missed night, or an overlapping run) all make one key, so one row."""
    tonight = cron.Notification(sample["certification_id"], "expiry_warning_7d", sample["recipient_id"],
                                sample["expires_on"])
    with postgrest.request("service_role") as conn:
        stored = cron.upsert(conn, [tonight])
        retry = cron.upsert(conn, [tonight])
        tomorrow = cron.upsert(conn, [tonight])  # the same cycle, the same due day, whatever night it runs
    assert (stored, retry, tomorrow) == ([tonight.key], [], [])


@pytest.mark.requirement("RULE-3")
def test_a_corrected_expiry_date_sends_nothing_again_and_a_renewal_sends_anew(postgrest, sample):
    """Its expiry corrected 3 days later: another due day, another key, the same cycle: the database skips it.
    Renewed a year later: a new cycle, a new notification."""
    def move(conn, days: int):
        expires_on = sample["expires_on"] + timedelta(days=days)
        conn.execute("update public.peer_mentor_certifications set expires_on = %s where id = %s",
                     (expires_on, sample["certification_id"]))
        return _cron_insert(conn, sample, expires_on=expires_on)

    with postgrest.request("service_role") as conn:
        first = _cron_insert(conn, sample)
        corrected = move(conn, 3)
        renewed = move(conn, 365)
        rows = conn.execute("select count(*) from public.cert_notification_log where certification_id = %s "
                            "and notification_type = 'expiry_warning_7d'", (sample["certification_id"],)).fetchone()[0]
    assert (len(first), corrected, len(renewed), rows) == (1, [], 1, 2)


@pytest.mark.requirement("TEST-4")
def test_replaying_a_seeded_notification_inserts_nothing(postgrest, sample):
    row = {key: str(sample[key]) for key in ("certification_id", "notification_type", "recipient_id",
                                             "idempotency_key")}
    with postgrest.request("service_role") as conn:
        replay = cron.upsert_json(conn, json.dumps([row]))
    assert replay == []
