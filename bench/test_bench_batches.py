"""The cron job's batches in one round trip: the insert with ON CONFLICT DO NOTHING, and the batch check."""

import uuid
from datetime import date, timedelta

import pytest

from certlog.cronjob import calls as cron
from certlog.database import plans, queries
from certlog.standin.postgrest import postgrest_session

INSERT_BATCH = 1_000
CHECK_PAIRS = 50_000


def _insert_params(seeded, new_count, day):
    """A batch of INSERT_BATCH rows: `new_count` new notifications, the rest replays of seeded ones."""
    rows = [(r["certification_id"], r["notification_type"], r["recipient_id"], r["scheduled_on"])
            for r in seeded[:INSERT_BATCH - new_count]]
    rows += [(r["certification_id"], r["notification_type"], r["recipient_id"], day)
             for r in seeded[INSERT_BATCH:INSERT_BATCH + new_count]]
    return {"certification_ids": [r[0] for r in rows], "notification_types": [r[1] for r in rows],
            "recipient_ids": [r[2] for r in rows], "scheduled_ons": [r[3] for r in rows]}


@pytest.mark.parametrize("new_share", [1.0, 0.5, 0.0], ids=["all-new", "half-new", "all-duplicates"])
def test_cron_batch_insert(benchmark, record, server, scaled_db, rows, new_share):
    new_count = int(INSERT_BATCH * new_share)
    statement = queries.text("cron_batch_insert")
    days = (date(2027, 1, 1) + timedelta(days=i) for i in range(100_000))
    with postgrest_session(server, scaled_db) as api:
        with api.request("service_role") as conn:
            seeded = queries.rows(conn, "seeded_notifications", {"limit": 2 * INSERT_BATCH})
        conn = api.conn

        def setup():  # untimed: a new transaction as service_role, a batch for a day not used before
            if conn.info.transaction_status != 0:
                conn.rollback()
            conn.autocommit = False
            conn.execute("select set_config('role', 'service_role', true)")
            return (_insert_params(seeded, new_count, next(days)),), {}

        stored = benchmark.pedantic(lambda params: conn.execute(statement, params).fetchall(),
                                    setup=setup, rounds=30, warmup_rounds=2)
        conn.rollback()
        conn.autocommit = True
    record(rows=rows, batch=INSERT_BATCH, new=new_count)
    assert len(stored) == new_count


def test_batch_check_of_50000_pairs(benchmark, record, server, scaled_db, rows):
    statement = queries.text("batch_check")
    with postgrest_session(server, scaled_db) as api, api.request("service_role") as conn:
        seeded = queries.rows(conn, "seeded_notifications", {"limit": CHECK_PAIRS})
        unseen = CHECK_PAIRS - len(seeded)
        pairs = [(r["certification_id"], r["notification_type"]) for r in seeded]
        pairs += [(uuid.uuid4(), "expired") for _ in range(unseen)]
        params = cron.batch_check_params(pairs)  # the client's own encoding stays out of the timing
        record(rows=rows, pairs=CHECK_PAIRS, plan=plans.explain(conn, statement, params))
        found = benchmark.pedantic(lambda: conn.execute(statement, params).fetchall(), rounds=10, warmup_rounds=1)
    assert [position for (position,) in found] == list(range(1, len(seeded) + 1))
