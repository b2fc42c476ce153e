"""AC-8, PERF-1, PERF-2: the lookups are index scans at the seeded scale, never sequential scans."""

import pytest
from psycopg import sql

from certlog.cronjob import calls as cron
from certlog.database import plans, queries

TABLE = "cert_notification_log"
COMPOSITE_INDEX = "cert_notification_log_certification_id_notification_type_idx"


def _assert_index_only_access(plan, index):
    scans = plans.scans_of(plan, TABLE)
    assert scans, plans.summary(plan)
    assert not [s for s in scans if s.node_type == "Seq Scan"], plans.summary(plan)
    assert index in {n.index for n in plans.nodes(plan)}, plans.summary(plan)


@pytest.mark.requirement("AC-8", "PERF-2")
def test_composite_lookup_with_literals_is_an_index_scan(superuser, sample, templates, evidence):
    params = {"certification_id": sample["certification_id"], "notification_type": sample["notification_type"]}
    plan = plans.explain(superuser, queries.text("composite_lookup"), params)
    evidence.record("plan_composite_literal", {"rows": templates["legacy"].seed.log_rows, "plan": plan,
                                               "text": plans.summary(plan)})
    _assert_index_only_access(plan, COMPOSITE_INDEX)
    assert plan["Plan"]["Actual Rows"] == 1


@pytest.mark.requirement("AC-8", "PERF-2")
def test_composite_lookup_as_a_prepared_generic_plan_is_an_index_scan(superuser, sample, evidence):
    superuser.execute("set local plan_cache_mode = force_generic_plan")
    superuser.execute("prepare composite_lookup(uuid, text) as select * from public.cert_notification_log "
                      "where certification_id = $1 and notification_type = $2")
    execute = sql.SQL("execute composite_lookup({}, {})").format(
        sql.Literal(str(sample["certification_id"])), sql.Literal(sample["notification_type"]))
    plan = plans.explain(superuser, execute.as_string(superuser))
    evidence.record("plan_composite_generic", {"plan": plan, "text": plans.summary(plan)})
    _assert_index_only_access(plan, COMPOSITE_INDEX)


@pytest.mark.requirement("PERF-1")
def test_dedup_lookup_is_a_unique_index_scan(superuser, sample, evidence):
    plan = plans.explain(superuser, queries.text("dedup_lookup"), {"key": sample["idempotency_key"]})
    evidence.record("plan_dedup", {"plan": plan, "text": plans.summary(plan)})
    _assert_index_only_access(plan, "cert_notification_log_idempotency_key_key")


def _pairs(conn, seeded: int, unseen: int):
    return conn.execute(
        "(select certification_id, notification_type from public.cert_notification_log order by md5(id::text) "
        "limit %s) union all select gen_random_uuid(), 'expired' from generate_series(1, %s)",
        (seeded, unseen)).fetchall()


def _batch_params(pairs):
    return cron.batch_check_params(pairs)


@pytest.mark.requirement("PERF-2")
def test_a_nightly_batch_check_uses_the_composite_index(superuser, evidence):
    """A night's batch (1 000 pairs, 900 already sent) probes the composite index, no Seq Scan."""
    plan = plans.explain(superuser, queries.text("batch_check"), _batch_params(_pairs(superuser, 900, 100)))
    evidence.record("plan_batch_check_nightly", {"pairs": 1000, "text": plans.summary(plan)})
    _assert_index_only_access(plan, COMPOSITE_INDEX)
    assert plan["Plan"]["Actual Rows"] == 900


@pytest.mark.requirement("PERF-2")
def test_a_batch_check_of_every_seeded_pair_answers_in_one_round_trip(superuser, templates, evidence):
    """All 50 000 seeded pairs plus 1 000 unseen ones: the right answer in one statement, by index probes."""
    seeded = templates["legacy"].seed.log_rows
    plan = plans.explain(superuser, queries.text("batch_check"), _batch_params(_pairs(superuser, seeded, 1000)))
    evidence.record("plan_batch_check_full", {"pairs": seeded + 1000, "text": plans.summary(plan)})
    _assert_index_only_access(plan, COMPOSITE_INDEX)
    assert plan["Plan"]["Actual Rows"] == seeded


@pytest.mark.requirement("PERF-2")
def test_the_batch_check_names_exactly_the_pairs_already_sent(superuser):
    pairs = _pairs(superuser, 300, 200)  # 300 sent, then 200 never sent
    assert cron.already_sent(superuser, pairs) == list(range(300))
