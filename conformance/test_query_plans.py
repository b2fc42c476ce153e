"""AC-8, PERF-1, PERF-2: the lookups are index scans at the seeded scale, never sequential scans.

The batch check is the RPC the Edge Function calls: its plan is the plan of the statement inside
the function, captured with auto_explain while the call runs as PostgREST runs it. The task's
lookup (AC-8) must be an index scan; the dedup lookup and the batch check must use an index on
their own columns (any such index: a copy of one is the index set's concern, PLAT-2).
"""

import pytest
from psycopg import sql

from certlog.cronjob import calls as cron
from certlog.database import plans, queries
from certlog.model.contract import load
from certlog.model.evidence import Plan

TABLE = load().table
COMPOSITE_COLUMNS = list(load().composite_index.columns)
KEY_COLUMNS = list(load().unique_key_index.columns)


def _index_access_only(plan, conn=None, columns=None):
    """No sequential scan of the table, and an index scan; with `columns`, of an index whose key starts with them."""
    scans = plans.scans_of(plan, TABLE)
    assert scans, plans.summary(plan)
    assert not [s for s in scans if s.node_type == "Seq Scan"], plans.summary(plan)
    used = {n.index for n in plans.nodes(plan) if n.index}
    assert used, plans.summary(plan)
    if columns:
        fitting = {row["index"].split(".")[-1] for row in queries.rows(
            conn, "indexes_leading_with", {"table": f"{load().schema}.{TABLE}", "columns": columns})}
        assert used & fitting, f"no index on ({', '.join(columns)}) used: {plans.summary(plan)}"


@pytest.fixture
def at_task_scale(task_scale_rows):
    return task_scale_rows


@pytest.mark.requirement("AC-8")
def test_composite_lookup_with_literals_is_an_index_scan(superuser, sample, at_task_scale, evidence):
    params = {"certification_id": sample["certification_id"], "notification_type": sample["notification_type"]}
    plan = plans.explain(superuser, queries.text("composite_lookup"), params)
    evidence.put(Plan(title="Composite lookup, literals (the task's EXPLAIN ANALYZE)", rows=at_task_scale,
                      text=plans.summary(plan)))
    _index_access_only(plan)
    assert plan["Plan"]["Actual Rows"] == 1


@pytest.mark.requirement("AC-8")
def test_composite_lookup_as_a_prepared_generic_plan_is_an_index_scan(superuser, sample, at_task_scale, evidence):
    superuser.execute("set local plan_cache_mode = force_generic_plan")
    superuser.execute("prepare composite_lookup(uuid, text) as select * from public.cert_notification_log "
                      "where certification_id = $1 and notification_type = $2")
    execute = sql.SQL("execute composite_lookup({}, {})").format(
        sql.Literal(str(sample["certification_id"])), sql.Literal(sample["notification_type"]))
    plan = plans.explain(superuser, execute.as_string(superuser))
    evidence.put(Plan(title="Composite lookup, prepared generic plan ($1, $2)", rows=at_task_scale,
                      text=plans.summary(plan)))
    _index_access_only(plan)


@pytest.mark.requirement("PERF-1")
def test_dedup_lookup_is_a_unique_index_scan(superuser, sample, at_task_scale, evidence):
    plan = plans.explain(superuser, queries.text("dedup_lookup"), {"key": sample["idempotency_key"]})
    evidence.put(Plan(title="Dedup lookup (SELECT 1 ... WHERE idempotency_key = $1)", rows=at_task_scale,
                      text=plans.summary(plan)))
    _index_access_only(plan, superuser, KEY_COLUMNS)


def _pairs(conn, seeded: int, unseen: int) -> list[cron.Notification]:
    """`seeded` notifications already in the log, then `unseen` ones of certifications that do not exist."""
    rows = conn.execute(
        "(select l.certification_id, l.notification_type, l.recipient_id, c.expires_on "
        "from public.cert_notification_log l join public.peer_mentor_certifications c on c.id = l.certification_id "
        "order by md5(l.idempotency_key) limit %s) "
        "union all select gen_random_uuid(), 'expired', gen_random_uuid(), date '2027-01-01' "
        "from generate_series(1, %s)", (seeded, unseen)).fetchall()
    return [cron.Notification(*row) for row in rows]


def _rpc_plan(conn, pairs):
    nested = plans.explain_nested(conn, queries.text("postgrest_rpc_already_sent"),
                                  {"body": cron.already_sent_body(pairs)})
    probing = [plan for plan in nested if "public.cert_notification_log" in plan["Query Text"]]  # not the helpers'
    assert len(probing) == 1, nested
    return probing[0]


@pytest.mark.needs("auto_explain")
@pytest.mark.requirement("PERF-2")
def test_a_nightly_batch_check_probes_the_composite_index(superuser, at_task_scale, evidence):
    """A night's batch (1 000 pairs, 900 already sent), through the RPC, probes the composite index."""
    plan = _rpc_plan(superuser, _pairs(superuser, 900, 100))
    evidence.put(Plan(title="Batch check RPC, a night's 1 000 pairs (the statement inside the function)",
                      rows=at_task_scale, text=plans.summary(plan)))
    _index_access_only(plan, superuser, COMPOSITE_COLUMNS)
    assert plan["Plan"]["Actual Rows"] == 900


@pytest.mark.needs("auto_explain")
@pytest.mark.requirement("PERF-2")
def test_a_batch_check_of_every_seeded_pair_answers_in_one_round_trip(superuser, at_task_scale, evidence):
    """All 50 000 seeded pairs plus 1 000 unseen ones: the right answer from one RPC, by index probes."""
    plan = _rpc_plan(superuser, _pairs(superuser, at_task_scale, 1000))
    evidence.put(Plan(title=f"Batch check RPC, all {at_task_scale + 1000:,} pairs", rows=at_task_scale,
                      text=plans.summary(plan)))
    _index_access_only(plan, superuser, COMPOSITE_COLUMNS)
    assert plan["Plan"]["Actual Rows"] == at_task_scale


@pytest.mark.requirement("RULE-2")
def test_the_batch_check_names_exactly_the_pairs_already_sent(postgrest, superuser):
    pairs = _pairs(superuser, 300, 200)  # 300 sent, then 200 never sent
    with postgrest.request("service_role") as conn:
        assert cron.already_sent(conn, pairs) == list(range(300))
