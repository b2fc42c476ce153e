"""RULE-3: the database keeps one row per certification, notification type and cycle, whatever key a run
makes (an expiry date corrected between two runs gives another due day, so another key) and however two runs
overlap: the second waits for the first, then finds its row and is skipped, as a key already there is."""

import threading
import time
from datetime import UTC, datetime, timedelta
from datetime import time as clock

import psycopg
import pytest

from certlog.cronjob import calls as cron
from certlog.database import connections as databases
from certlog.database import queries
from certlog.standin.postgrest import postgrest_session

WAITING = ("select count(*) from pg_stat_activity where pid = %s and wait_event_type = 'Lock' "
           "and wait_event = 'advisory'")


def _seven_days(sample, expires_on) -> cron.Notification:
    return cron.Notification(sample["certification_id"], "expiry_warning_7d", sample["recipient_id"], expires_on)


@pytest.mark.requirement("RULE-3")
def test_two_overlapping_runs_store_one_row_per_cycle_the_second_waits_for_the_first(server, fresh_db, sample):
    """Run N holds its (uncommitted) row; run N+1, which read the expiry date after a correction, brings the same
    notification under another key: it must wait for run N, then be skipped."""
    first = _seven_days(sample, sample["expires_on"])
    corrected = _seven_days(sample, sample["expires_on"] + timedelta(days=2))
    outcome: dict = {}
    with postgrest_session(server, fresh_db) as run_n, postgrest_session(server, fresh_db) as run_next:
        with run_n.request("service_role", commit=True) as conn:
            assert cron.upsert(conn, [first]) == [first.key]  # not committed yet
            later = threading.Thread(target=lambda: outcome.update(
                stored=_upsert_committed(run_next, corrected)))
            later.start()
            waited = _waits_for_a_lock(server, fresh_db, run_next.conn.info.backend_pid, later)
        later.join(timeout=30)
    with databases.connect(server, fresh_db) as conn:
        rows = conn.execute("select count(*) from public.cert_notification_log where certification_id = %s and "
                            "notification_type = 'expiry_warning_7d'", (sample["certification_id"],)).fetchone()[0]
    assert waited, "run N+1 did not wait for run N's row: nothing serialises the two"
    assert (outcome.get("stored"), rows) == ([], 1)


def _upsert_committed(session, notification) -> list[str]:
    with session.request("service_role", commit=True) as conn:
        return cron.upsert(conn, [notification])


def _waits_for_a_lock(server, db, pid: int, thread: threading.Thread) -> bool:
    """Whether `pid` comes to wait on an advisory lock while `thread` runs (5 s at most)."""
    deadline = time.monotonic() + 5
    with databases.connect(server, db, autocommit=True) as watch:
        while time.monotonic() < deadline and thread.is_alive():
            if watch.execute(WAITING, (pid,)).fetchone()[0]:
                return True
            time.sleep(0.01)
    return False


@pytest.mark.requirement("RULE-3")
@pytest.mark.parametrize(("moved", "stored"), [(14, False), (15, True)], ids=["14 days: a correction",
                                                                               "15 days: a new cycle"])
def test_an_expiry_date_moved_14_days_is_the_same_cycle_and_15_days_a_new_one(server, fresh_db, sample, moved,
                                                                              stored):
    """The 7-day warning sent on its due day; the expiry date then moved: by up to 14 days the database skips the
    warning under its new key, beyond that it stores it (a new cycle)."""
    sent = _seven_days(sample, sample["expires_on"])
    with databases.connect(server, fresh_db, autocommit=True) as admin:
        queries.insert_row(admin, sent.certification_id, sent.notification_type, sent.recipient_id, sent.key,
                           datetime.combine(sent.due_on, clock(2), UTC))
        admin.execute("update public.peer_mentor_certifications set expires_on = expires_on + %s where id = %s",
                      (moved, sample["certification_id"]))
    with postgrest_session(server, fresh_db) as api, api.request("service_role") as conn:
        again = cron.upsert(conn, [_seven_days(sample, sample["expires_on"] + timedelta(days=moved))])
    assert bool(again) is stored


@pytest.mark.requirement("SEC-3")
def test_a_malformed_key_for_a_notification_already_sent_is_refused_not_taken_for_a_duplicate(superuser, sample):
    """The database's check of the key judges it before the cycle's row is looked for."""
    with pytest.raises(psycopg.errors.CheckViolation):
        queries.insert_row(superuser, sample["certification_id"], sample["notification_type"], sample["recipient_id"],
                           sample["idempotency_key"][:63])
