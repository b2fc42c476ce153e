"""The cron job's lookups, one round trip each, as service_role: dedup (hit, miss) and composite."""

import itertools
import random

from certlog.cronjob import calls as cron
from certlog.database import plans, queries
from certlog.standin.postgrest import postgrest_session

SAMPLE = 2_000


def _seeded(conn, limit=SAMPLE):
    return cron.seeded(conn, limit)


def test_dedup_lookup_hit(benchmark, record, server, scaled_db, rows):
    with postgrest_session(server, scaled_db) as api, api.request("service_role") as conn:
        keys = itertools.cycle([r["idempotency_key"] for r in _seeded(conn)])
        statement = queries.text("dedup_lookup")
        record(rows=rows, plan=plans.explain(conn, statement, {"key": next(keys)}))
        result = benchmark(lambda: conn.execute(statement, {"key": next(keys)}, prepare=True).fetchall())
    assert result == [(1,)]


def test_dedup_lookup_miss(benchmark, record, server, scaled_db, rows):
    rng = random.Random(rows)
    keys = itertools.cycle([f"{rng.getrandbits(256):064x}" for _ in range(SAMPLE)])
    with postgrest_session(server, scaled_db) as api, api.request("service_role") as conn:
        statement = queries.text("dedup_lookup")
        record(rows=rows, plan=plans.explain(conn, statement, {"key": next(keys)}))
        result = benchmark(lambda: conn.execute(statement, {"key": next(keys)}, prepare=True).fetchall())
    assert result == []


def test_composite_lookup(benchmark, record, server, scaled_db, rows):
    with postgrest_session(server, scaled_db) as api, api.request("service_role") as conn:
        pairs = itertools.cycle([{"certification_id": r["certification_id"],
                                  "notification_type": r["notification_type"]} for r in _seeded(conn)])
        statement = queries.text("composite_lookup")
        record(rows=rows, plan=plans.explain(conn, statement, next(pairs)))
        result = benchmark(lambda: conn.execute(statement, next(pairs), prepare=True).fetchall())
    assert len(result) == 1
