"""The cron job's two calls for a whole batch, as PostgREST runs them for the Edge Function:
the upsert with ignoreDuplicates (1 000 rows: all new, half new, all duplicates) and the
batch-check RPC over 50 000 pairs."""

import uuid
from datetime import date, timedelta

import pytest

from certlog.cronjob import calls as cron
from certlog.database import plans, queries
from certlog.standin.postgrest import postgrest_session

INSERT_BATCH = 1_000
CHECK_PAIRS = 50_000


def _batch(seeded, new_count, day):
    """INSERT_BATCH notifications: `new_count` new ones (a day not used before), the rest replays of seeded ones."""
    replays = [cron.Notification(r["certification_id"], r["notification_type"], r["recipient_id"], r["scheduled_on"])
               for r in seeded[:INSERT_BATCH - new_count]]
    new = [cron.Notification(r["certification_id"], r["notification_type"], r["recipient_id"], day)
           for r in seeded[INSERT_BATCH:INSERT_BATCH + new_count]]
    return cron.upsert_body(replays + new)


@pytest.mark.parametrize("new_share", [1.0, 0.5, 0.0], ids=["all-new", "half-new", "all-duplicates"])
def test_cron_upsert(benchmark, record, server, scaled_db, rows, new_share):
    new_count = int(INSERT_BATCH * new_share)
    days = (date(2027, 1, 1) + timedelta(days=i) for i in range(100_000))
    with postgrest_session(server, scaled_db) as api:
        with api.request("service_role") as conn:
            seeded = cron.seeded(conn, 2 * INSERT_BATCH)
        conn = api.conn

        def setup():  # untimed: a new transaction as service_role, the body for a day not used before
            if conn.info.transaction_status != 0:
                conn.rollback()
            conn.autocommit = False
            conn.execute("select set_config('role', 'service_role', true)")
            return (_batch(seeded, new_count, next(days)),), {}

        stored = benchmark.pedantic(lambda body: cron.upsert_json(conn, body), setup=setup, rounds=30,
                                    warmup_rounds=2)
        conn.rollback()
        conn.autocommit = True
    record(rows=rows, batch=INSERT_BATCH, new=new_count)
    assert len(stored) == new_count


def test_batch_check_rpc_of_50000_pairs(benchmark, record, server, superuser_of, scaled_db, rows):
    statement = queries.text("postgrest_rpc_already_sent")
    with postgrest_session(server, scaled_db) as api, api.request("service_role") as conn:
        seeded = cron.seeded(conn, CHECK_PAIRS)
        pairs = [(r["certification_id"], r["notification_type"]) for r in seeded]
        pairs += [(uuid.uuid4(), "expired") for _ in range(CHECK_PAIRS - len(seeded))]
        params = {"body": cron.already_sent_body(pairs)}  # the client's own encoding stays out of the timing
        found = benchmark.pedantic(lambda: conn.execute(statement, params).fetchone()[0], rounds=10, warmup_rounds=1)
    with superuser_of(scaled_db) as admin:
        record(rows=rows, pairs=CHECK_PAIRS, plan=plans.explain_nested(admin, statement, params)[0])
    assert found == list(range(1, len(seeded) + 1))
