"""`certlog bench --work`: what each hot path costs the server, counted, at every scale of CERTLOG_BENCH_SCALES.

Per scale: the people and a migrated template (legacy privileges), then the counted table
(certlog.session.measure) and every workload's counters on it, the storage, the seed's cost per row (the CPU
time of SEED_LOADS loads, for the host's noise) and hypopg's verdicts. Writes reports/bench/work.json (a
WorkPerOperation, which the evidence shows) and work.md. Nothing is timed with a clock but the server's own
execution time, shown beside the counters.
"""

from __future__ import annotations

from certlog.database import seed
from certlog.errors import EXIT_OK
from certlog.model.evidence import WorkPerOperation, WorkScale
from certlog.reporting.work import scales_markdown
from certlog.session import hypothetical, measure
from certlog.session import templates as build
from certlog.session.harness import Harness
from certlog.settings import Settings

SEED_LOADS = 3
ONE_LOAD_ABOVE = 500_000  # rows: a load of more takes minutes; its CPU time is one load's (the noise is 50 000's)


def count_scale(rig: Harness, rows: int, *, seed_loads: int = SEED_LOADS, say=print) -> tuple[WorkScale, list]:
    """The counters at one scale, and hypopg's verdicts there (the templates it builds are dropped after)."""
    settings = rig.settings
    data = seed.plan(rows, settings.seed)
    made = []
    try:
        say(f"certlog bench: [{rows:,} rows] the people, a migrated template")
        base = build.build_base(rig.workspace, rig.provenance, data, what=f"base_{rows}", template=rig.cron_template)
        made.append(base)
        migrated = build.build_migrated(rig.workspace, rig.cli, base, "legacy", settings.migrations_dir,
                                        what=f"migrated_{rows}").name
        made.append(migrated)
        say(f"certlog bench: [{rows:,} rows] the counted table (one COPY in sent_at order, VACUUM FREEZE)")
        counted, seed_cost = measure.measured_template(rig.workspace, migrated, data, what=f"counted_{rows}")
        made.append(counted)
        if seed_loads > 1 and rows <= ONE_LOAD_ABOVE:
            cpu = seed_cost.cpu_seconds_per_10k + measure.seed_cpu(rig.workspace, migrated, data, seed_loads - 1)
            seed_cost = seed_cost.model_copy(update={"cpu_seconds_per_10k": cpu})
        say(f"certlog bench: [{rows:,} rows] counting every workload")
        operations = measure.work_all(rig.workspace, counted)
        say(f"certlog bench: [{rows:,} rows] hypopg")
        verdicts = hypothetical.verdicts(rig.workspace, counted, operations)
        scale = WorkScale(rows=rows, operations=operations, storage=measure.storage(rig.workspace, counted),
                          seed=seed_cost)
        return scale, verdicts
    finally:
        for name in reversed(made):
            rig.workspace.drop(name)


def run(settings: Settings, *, say=print) -> int:
    out = settings.report_dir / "bench"
    out.mkdir(parents=True, exist_ok=True)
    rig = Harness.open(settings, lambda message: say(f"certlog bench: {message}", flush=True))
    try:
        scales, verdicts = [], None
        for rows in settings.bench_scales:
            scale, found = count_scale(rig, rows, say=lambda m: say(m, flush=True))
            scales.append(scale)
            verdicts = found if verdicts is None or rows == settings.seed_rows else verdicts
    finally:
        rig.close()
    hypothetical_indexes, uses = verdicts or ([], [])
    record = WorkPerOperation(scales=scales, hypothetical=hypothetical_indexes, indexes=uses)
    (out / "work.json").write_text(record.model_dump_json(indent=1))
    (out / "work.md").write_text(f"# Work per operation\n\n{scales_markdown(record)}\n")
    say(f"certlog bench: {out / 'work.md'}, {out / 'work.json'}")
    return EXIT_OK
