"""The cron job's database work (certlog.cronjob.workloads), timed with pytest-benchmark as service_role:
the dedup lookup (hit, miss), the composite lookup, the upsert of 1 000 rows (all new, half new, all
duplicates) and the batch-check RPC over 50 000 pairs. Each round is one PostgREST-style request."""

import json

import pytest

from certlog.cronjob.workloads import WORKLOADS
from certlog.database import plans
from certlog.standin.postgrest import SWITCH, claims, postgrest_session


@pytest.mark.parametrize("workload", WORKLOADS, ids=lambda w: w.name)
def test_workload(benchmark, record, server, scaled_db, rows, workload):
    with postgrest_session(server, scaled_db) as api:
        with api.request("service_role") as conn:
            state = workload.prepare(conn)
            plan = plans.explain(conn, *workload.explain(state)) if workload.explain else None
        conn = api.conn
        claims_json = json.dumps(claims("service_role"))

        def setup():  # untimed: a new request (transaction, role switched), the round's input
            if conn.info.transaction_status != 0:
                conn.rollback()
            conn.autocommit = False
            conn.execute(SWITCH, ("service_role", claims_json))
            return (workload.setup(conn, state),), {}

        result = benchmark.pedantic(lambda args: workload.run(conn, state, args), setup=setup,
                                    rounds=workload.rounds, warmup_rounds=min(10, workload.rounds // 3))
        conn.rollback()
        conn.autocommit = True
    record(rows=rows, plan=plan, **workload.params)
    assert workload.check(state, result)
