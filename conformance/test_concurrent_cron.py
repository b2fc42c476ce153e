"""RULE-3, TEST-4 under stress: overlapping cron runs send every notification exactly once."""

import random
import threading
from collections import Counter
from datetime import date, timedelta

import pytest

from certlog.cronjob import calls as cron
from certlog.database import connections as databases
from certlog.model.evidence import Measurements
from certlog.standin.postgrest import postgrest_session

WORKERS = 8
NOTIFICATIONS = 1_000
BATCH = 250


def _overlapping_run(server, db, notifications, seed):
    """WORKERS concurrent service_role sessions, each inserting every notification in its own shuffled batches."""
    stored: list[list[str]] = [[] for _ in range(WORKERS)]
    errors: list[BaseException] = []
    start = threading.Barrier(WORKERS)

    def worker(index):
        mine = list(notifications)
        random.Random(seed + index).shuffle(mine)
        try:
            with postgrest_session(server, db) as api:
                start.wait(timeout=30)
                for at in range(0, len(mine), BATCH):
                    with api.request("service_role", commit=True) as conn:
                        stored[index] += cron.upsert(conn, mine[at:at + BATCH])
        except BaseException as exc:  # noqa: BLE001 - every error is a finding
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(WORKERS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    return stored, errors


def _difference(found: Counter, expected: list[str]) -> tuple[int, int, int]:
    """(keys missing, keys not expected, keys found more than once): all zero when found is exactly expected."""
    return (len(set(expected) - set(found)), len(set(found) - set(expected)),
            sum(1 for count in found.values() if count > 1))


def _keys_in_table(server, db, keys):
    with databases.connect(server, db) as conn:
        return Counter(k for (k,) in conn.execute(
            "select idempotency_key from public.cert_notification_log where idempotency_key = any(%s)", (keys,)))


def _tonight(server, db, day: date, limit: int) -> list[cron.Notification]:
    """What the job would send on `day`: the rule's notifications of no type their certification has a row of
    (read as the owner, not through the batch check: a slow batch check is PERF-2's finding, not this test's)."""
    with databases.connect(server, db) as conn:
        due = cron.due(conn, day)
        logged = set(conn.execute("select certification_id, notification_type from public.cert_notification_log "
                                  "where certification_id = any(%s)", ([n.certification_id for n in due],)).fetchall())
    return [n for n in due if (n.certification_id, n.notification_type) not in logged][:limit]


NIGHT = date(2026, 11, 25)


@pytest.mark.requirement("RULE-3", "TEST-4")
def test_eight_overlapping_cron_runs_store_every_notification_once(server, fresh_db, evidence):
    today = _tonight(server, fresh_db, NIGHT, NOTIFICATIONS)
    keys = [n.key for n in today]
    stored, errors = _overlapping_run(server, fresh_db, today, seed=1)
    returned = Counter(k for per_worker in stored for k in per_worker)
    in_table = _keys_in_table(server, fresh_db, keys)
    evidence.put(Measurements(title="Overlapping cron runs (concurrent service_role upserts of the same notifications)",
                              figures={"workers": WORKERS, "notifications": len(keys), "batch": BATCH,
                                       "rows returned": sum(returned.values()), "rows stored": sum(in_table.values()),
                                       "duplicates": sum(c - 1 for c in in_table.values() if c > 1),
                                       "errors": len(errors)}))
    assert errors == [], f"{len(errors)} of {WORKERS} runs failed, first: {errors[0]!r}"
    assert len(keys) == NOTIFICATIONS
    assert sum(returned.values()) == len(set(keys)) == len(keys)
    assert _difference(returned, keys) == _difference(in_table, keys) == (0, 0, 0)


@pytest.mark.requirement("IMPL-1", "RULE-3")
def test_the_next_nights_overlapping_run_stores_nothing_sent_the_night_before(server, fresh_db):
    """Run N (a slow retry) and run N+1 overlap: what both find due has one key (its due day), so one row; what only
    run N+1 finds due (a more urgent notification) is new."""
    today = _tonight(server, fresh_db, NIGHT, 500)
    tomorrow_due = _tonight(server, fresh_db, NIGHT + timedelta(days=1), 100_000)
    both = {n.key for n in today} & {n.key for n in tomorrow_due}
    first, errors_today = _overlapping_run(server, fresh_db, today, seed=2)
    second, errors_tomorrow = _overlapping_run(server, fresh_db, tomorrow_due, seed=3)
    failed = errors_today + errors_tomorrow
    assert failed == [], f"{len(failed)} of {2 * WORKERS} runs failed, first: {failed[0]!r}"
    assert len(both) > 100  # most of tonight's notifications are still the most urgent tomorrow
    assert sum(map(len, first)) == 500
    assert not {k for w in first for k in w} & {k for w in second for k in w}  # nothing stored twice
    every = list({n.key: n for n in today + tomorrow_due})
    assert _difference(_keys_in_table(server, fresh_db, every), every) == (0, 0, 0)
