"""WORK-1, WORK-2: what each hot path costs the server, counted, and an index set proven minimal and sufficient.

The counted table is built from the migrated template for counting alone (certlog.session.measure: one COPY in
sent_at order, VACUUM FREEZE); every workload of certlog.cronjob.workloads is counted there. The scale curve's
far end, 5 000 000 rows, takes minutes to seed, so it is counted outside the suite
(`CERTLOG_BENCH_SCALES=5000000 certlog bench --work`) and kept in bench/work/; the evidence shows it beside this
run's 50 000 rows, saying so. Where the gate's bench step counted this commit against its base
(reports/bench/work-compare.json), its verdicts are shown too.
"""

import json

import pytest

from certlog.cronjob.workloads import WORKLOADS
from certlog.model.evidence import HypotheticalIndex, WorkPerOperation, WorkScale, WorkVerdict
from certlog.model.work import THRESHOLD, judge
from certlog.paths import ROOT
from certlog.repository import head
from certlog.session import hypothetical, measure

FAR_END = ROOT / "bench" / "work" / "5000000.json"  # `CERTLOG_BENCH_SCALES=5000000 certlog bench --work`'s work.json
REPEATED = ("dedup_lookup_hit", "cron_upsert[all-new]")  # one reading, one writing: counted again on copies


COUNTERS = {"pg_stat_statements", "auto_explain"}  # the tests' needs(...): where they lack, nothing is built


@pytest.fixture(scope="module")
def counted(harness, task_scale_rows):
    """The counted table at the task's scale, and what loading its rows cost (None where the server cannot count:
    the tests' own check of what they need then says so)."""
    if not harness.available_extensions >= COUNTERS:
        yield None
        return
    template, seed_cost = measure.measured_template(harness.workspace, harness.migrated["legacy"].name,
                                                    harness.data, what="counted")
    yield template, seed_cost
    harness.workspace.drop(template)


@pytest.fixture(scope="module")
def work(harness, counted):
    return measure.work_all(harness.workspace, counted[0]) if counted else None


@pytest.fixture(scope="module")
def index_verdicts(harness, counted, work):
    return hypothetical.verdicts(harness.workspace, counted[0], work) if counted else None


def _far_end() -> tuple[list[WorkScale], list[HypotheticalIndex]]:
    """The scale curve's far end, and hypopg's verdicts there (each named with its scale)."""
    if not FAR_END.exists():
        return [], []
    kept = WorkPerOperation.model_validate_json(FAR_END.read_text())
    scales = [s.model_copy(update={"source": s.source if s.source != "this run" else
                                   "counted outside the suite (`CERTLOG_BENCH_SCALES=5000000 certlog bench --work`), "
                                   f"kept in {FAR_END.relative_to(ROOT)}"}) for s in kept.scales]
    rows = ", ".join(f"{s.rows:,} rows" for s in kept.scales)
    return scales, [h.model_copy(update={"operation": f"{h.operation} at {rows}"}) for h in kept.hypothetical]


def _comparison(settings) -> tuple[list[WorkVerdict], str]:
    """The gate's bench step's verdicts, where it counted this very commit."""
    path = settings.report_dir / "bench" / "work-compare.json"
    if not path.exists():
        return [], ""
    found = json.loads(path.read_text())
    if found["head"]["commit"] != head()["id"]:
        return [], ""
    return [WorkVerdict(**v) for v in found["verdicts"]], found["context"]


@pytest.mark.requirement("WORK-1")
@pytest.mark.needs("pg_stat_statements", "auto_explain")
def test_every_hot_path_costs_the_same_work_each_time_it_is_counted(harness, settings, counted, work,
                                                                    index_verdicts, evidence):
    template, seed_cost = counted
    again = [measure.work_of(harness.workspace, template, w) for w in WORKLOADS if w.name in REPEATED]
    comparison, context = _comparison(settings)
    scale = WorkScale(rows=harness.data.rows, operations=work, storage=measure.storage(harness.workspace, template),
                      seed=seed_cost)
    far_scales, far_verdicts = _far_end()
    evidence.put(WorkPerOperation(scales=[scale, *far_scales], hypothetical=[*index_verdicts[0], *far_verdicts],
                                  indexes=index_verdicts[1], repeated=[a.name for a in again],
                                  comparison=comparison, comparison_context=context))
    assert [w.name for w in work] == [w.name for w in WORKLOADS]
    assert not [f"{w.name}: {w.error}" for w in work if w.error]
    first = {w.name: w for w in work}
    for second in again:
        judged = judge(first[second.name], second, threshold=0)
        assert not judged.flagged, f"counted twice, not alike: {judged.line()}"
    assert all(w.buffers > 0 for w in work), [(w.name, w.buffers) for w in work]
    assert seed_cost.wal_bytes_per_10k > 0 and seed_cost.buffers_per_10k > 0


@pytest.mark.requirement("WORK-2")
@pytest.mark.needs("pg_stat_statements", "auto_explain", "hypopg")
def test_no_hypothetical_index_lowers_a_hot_paths_cost_by_more_than_10_percent(index_verdicts):
    found, _ = index_verdicts
    assert found, "hypopg is not installed on this server (Debian: postgresql-15-hypopg)"
    wanted = [f"{h.operation}: {h.best_index} saves {h.saving:.0%}" for h in found if h.saving > THRESHOLD]
    assert not wanted


@pytest.mark.requirement("WORK-2")
@pytest.mark.needs("pg_stat_statements", "auto_explain")
def test_each_real_index_is_used_by_a_hot_path_or_needed_by_a_constraint(index_verdicts):
    _, uses = index_verdicts
    idle = [u.index for u in uses if not u.used_by and u.needed_for == "nothing else"]
    assert uses and not idle
