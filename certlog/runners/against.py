"""`certlog bench --against REF`: this tree's migrations against REF's, on one server, in one run.

Both sides are migrated and seeded alike (the same base, the same rows, one COPY in sent_at order); each side's
work is counted by the server on that table (certlog.session.measure) and judged exactly (certlog.model.work: a plan
change or a counter off by more than 10% is "more work" or "less work"); then every workload of
certlog.cronjob.workloads is timed for both, on copies of those tables, round by round, alternating which side
goes first, so both see the same noise. The judgement of the timings per workload is certlog.reporting.comparison's.
With timed=False (certlog bench --against --work) only the work is counted.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import tarfile
import time
from pathlib import Path

import psycopg

from certlog.cronjob.workloads import WORKLOADS, Workload
from certlog.errors import EXIT_FAILED, EXIT_OK, UsageError
from certlog.model.evidence import WorkScale
from certlog.model.work import FAILED, judge_all
from certlog.paths import ROOT
from certlog.reporting import comparison
from certlog.reporting import work as work_report
from certlog.repository import MIGRATIONS_IN_GIT, git, head
from certlog.session import measure
from certlog.session import templates as build
from certlog.session.harness import Harness
from certlog.settings import Settings
from certlog.standin.postgrest import claims, postgrest_session

WARMUP = 3  # rounds per side before the timed ones; fewer for a workload of few rounds (a tenth of them)


def resolve(ref: str | None) -> tuple[str, str]:
    """(the commit, how to name it): REF, or by default the merge base of HEAD with main."""
    if ref is None:
        for main in ("main", "origin/main"):
            found = git("merge-base", "HEAD", main)
            if found.returncode == 0:
                return found.stdout.strip(), f"merge base with {main}"
        raise UsageError("no branch main to compare with: pass --against REF (a commit, tag or branch)")
    found = git("rev-parse", "--verify", f"{ref}^{{commit}}")
    if found.returncode != 0:
        raise UsageError(f"--against {ref}: not a commit in this repository ({found.stderr.strip()})")
    return found.stdout.strip(), ref


def _sql_files(directory: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(directory.glob("*.sql"))}


def _context(commit: str, name: str, same: bool, settings: Settings, pinned: bool | None) -> str:
    """What was compared: both sides' commits, whether their migrations differ at all, the table's size, how."""
    tree = head()
    ours = settings.migrations_dir.resolve() == (ROOT / MIGRATIONS_IN_GIT).resolve()
    sentences = [
        f"Base: {name}, commit {commit[:12]}; change: "
        + (f"this tree, commit {tree['id'][:12]}"
           + (" with uncommitted changes to the migrations" if tree["dirty"] else "")
           if ours else f"the migrations of {settings.migrations_dir} (CERTLOG_MIGRATIONS_DIR)") + ".",
        "The two sides' migrations are byte for byte the same (their work was counted once)." if same else
        "The two sides' migrations differ.",
        f"Each side's table holds {settings.seed_rows:,} log rows (CERTLOG_SEED_ROWS), seeded alike.",
        "Rounds interleaved (base, change, base, ...) on one server, in one run." if pinned is not None else
        "Work counted only, not timed.",
        "" if pinned is None else "The client and both sides' server processes ran on one core." if pinned else
        "The server processes could not be pinned to the client's core (not this machine's processes)."]
    return " ".join(s for s in sentences if s)


def extract(commit: str, target: Path) -> Path:
    """REF's supabase/migrations, as committed, into `target`."""
    out = git("archive", commit, MIGRATIONS_IN_GIT, text=False)
    if out.returncode != 0:
        raise UsageError(f"{commit[:12]} has no {MIGRATIONS_IN_GIT}: {out.stderr.decode().strip()}")
    with tarfile.open(fileobj=io.BytesIO(out.stdout)) as archive:
        archive.extractall(target, filter="data")
    return target / MIGRATIONS_IN_GIT


CLAIMS = json.dumps(claims("service_role"))


class _Side:
    """One side's database, session (as PostgREST's, closed with `stack`) and workload state."""

    def __init__(self, server, dbname: str, stack: contextlib.ExitStack) -> None:
        self.conn = stack.enter_context(postgrest_session(server, dbname)).conn
        self.state: dict = {}
        self.samples: dict[str, list[float]] = {}

    def request(self) -> None:
        if self.conn.info.transaction_status != 0:
            self.conn.rollback()
        self.conn.autocommit = False
        self.conn.execute("select set_config('role', 'service_role', true), "
                          "set_config('request.jwt.claims', %s, true)", (CLAIMS,))

    def round(self, workload: Workload) -> tuple[float, object]:
        self.request()
        args = workload.setup(self.conn, self.state)
        started = time.perf_counter()
        result = workload.run(self.conn, self.state, args)
        return time.perf_counter() - started, result


@contextlib.contextmanager
def one_core(backends: list[int]):
    """The client and both sides' server processes on one core, so that neither side's round trips get the
    other's scheduling luck (a server process on the client's core answers a round trip markedly faster than
    one on another core). Where the server processes are not this machine's to pin (a container, an external
    server), nothing is pinned, and the judgement says so."""
    previous = os.sched_getaffinity(0)
    core = {min(previous)}
    try:
        for pid in backends:
            os.sched_setaffinity(pid, core)
        pinned = bool(backends)
    except OSError:  # not this user's processes, or gone
        pinned = False
    if pinned:
        os.sched_setaffinity(0, core)
    try:
        yield pinned
    finally:
        os.sched_setaffinity(0, previous)


def time_both(base: _Side, head: _Side, workload: Workload, threshold: float) -> comparison.Judgement:
    """Both sides' rounds, interleaved; a side whose round fails (an error, a wrong answer) is judged so."""
    names = {id(base): "base", id(head): "change"}
    results = {}
    try:
        for side in (base, head):
            side.request()
            side.state = workload.prepare(side.conn)
            for _ in range(min(WARMUP, max(1, workload.rounds // 10))):
                side.round(workload)
            side.samples[workload.name] = []
        for i in range(workload.rounds):
            for side in ((base, head) if i % 2 == 0 else (head, base)):
                seconds, results[id(side)] = side.round(workload)
                side.samples[workload.name].append(seconds)
    except psycopg.Error as exc:
        side.conn.rollback()
        error = str(exc).splitlines()[0]
        return comparison.failure(workload.name, f"{type(exc).__name__}: {error}", side=names[id(side)])
    for side in (base, head):
        if not workload.check(side.state, results[id(side)]):
            return comparison.failure(workload.name, "its answer was wrong", side=names[id(side)])
    return comparison.judge(workload.name, base.samples[workload.name], head.samples[workload.name], threshold)


def run(settings: Settings, ref: str | None, fail: str | None, *, say=print, timed: bool = True) -> int:
    threshold = comparison.threshold_of(fail)
    commit, name = resolve(ref)
    out = settings.report_dir / "bench"
    out.mkdir(parents=True, exist_ok=True)
    rig = Harness.open(settings, lambda message: say(f"certlog bench: {message}", flush=True))
    judgements, counted = [], {}
    try:
        base_migrations = extract(commit, rig.scratch.path / "base")
        same = _sql_files(base_migrations) == _sql_files(settings.migrations_dir)
        say(f"certlog bench: this tree's migrations against {name} ({commit[:12]}), "
            + (f"threshold +{threshold:.0%}" if timed else "work counted, not timed"), flush=True)
        sides, templates = {}, {}
        # Identical migrations are counted once: the counters are the server's, the same every run for the same
        # migrations (README, Benchmarks); both sides are still timed, each on a copy of its own.
        built = (("head", settings.migrations_dir),) if same else (("base", base_migrations),
                                                                    ("head", settings.migrations_dir))
        for label, migrations in built:
            def progress(message: str, label: str = label) -> None:
                say(f"  [{label}] {message}")

            migrated = build.build_migrated(rig.workspace, rig.cli, rig.base, "legacy", migrations,
                                            what=f"migrated_{label}", progress=progress)
            templates[label], counted[label] = count_side(rig, migrated.name, label, say)
        if same:
            templates["base"], counted["base"] = templates["head"], counted["head"]
        if timed:  # timed on copies of the counted tables: seeded alike on both sides
            for label in ("base", "head"):
                sides[label] = _Side(rig.server, rig.workspace.create(f"bench_{label}", template=templates[label]),
                                     rig.stack)
        pinned = None
        if timed:
            backends = [s.conn.info.backend_pid for s in sides.values()] if rig.server.kind == "embedded" else []
            with one_core(backends) as pinned:
                for workload in WORKLOADS:
                    say(f"certlog bench: {workload.name} ({workload.rounds} rounds each, interleaved)", flush=True)
                    judgements.append(time_both(sides["base"], sides["head"], workload, threshold))
    finally:
        rig.close()
    work_judgements = judge_all(counted["base"].operations, counted["head"].operations)
    context = _context(commit, name, same, settings, pinned)
    write_work(out, counted, work_judgements, commit=commit, name=name, context=context)
    for judgement in work_judgements:
        say(judgement.line())
    work_md = "\n".join(["## Work per operation: counted by the server", "",
                         work_report.judgement_summary(work_judgements), "",
                         work_report.judgement_table(work_judgements, base=name, head="this tree"), ""])
    if not timed:
        (out / "compare-work.md").write_text(f"# Work: this tree against {name}\n\n{context}\n\n{work_md}")
        say(f"certlog bench: {out / 'compare-work.md'}, {out / 'work-compare.json'}")
        return EXIT_FAILED if any(j.verdict == FAILED for j in work_judgements) else EXIT_OK
    extra = {"rows": settings.seed_rows, "seed": settings.seed}
    comparison.benchmark_json(out / "base.json", sides["base"].samples, ref=commit, extra=extra)
    comparison.benchmark_json(out / "head.json", sides["head"].samples, ref="HEAD", extra=extra)
    (out / "compare.png").write_bytes(comparison.chart(judgements, threshold))
    (out / "compare.md").write_text(comparison.markdown(
        judgements, threshold, base=name, head="this tree", context=context) + "\n" + work_md)
    for judgement in judgements:
        say(judgement.line(threshold))
    slower = [j for j in judgements if j.fails]
    say(f"certlog bench: {len(slower)} slower or failing; {out / 'compare.md'}, {out / 'compare.png'}, "
        "base.json and head.json (pytest-benchmark compare reads them), work-compare.json")
    return EXIT_FAILED if slower else EXIT_OK


def count_side(rig: Harness, migrated: str, label: str, say) -> tuple[str, WorkScale]:
    """One side's table built for counting from its migrated template, and its work counted there."""
    say(f"  [{label}] counting each workload's work", flush=True)
    template, seed_cost = measure.measured_template(rig.workspace, migrated, rig.data, what=f"counted_{label}")
    return template, WorkScale(rows=rig.settings.seed_rows, operations=measure.work_all(rig.workspace, template),
                               storage=measure.storage(rig.workspace, template), seed=seed_cost)


def write_work(out: Path, counted: dict[str, WorkScale], judgements: list, *, commit: str, name: str,
               context: str) -> None:
    """Both sides' counters and the verdicts, as JSON (the evidence's Work section reads it)."""
    document = {"base": {"ref": name, "commit": commit, "work": counted["base"].model_dump()},
                "head": {"ref": "this tree", "commit": head()["id"], "work": counted["head"].model_dump()},
                "context": context,
                "verdicts": [{"operation": j.name, "verdict": j.verdict, "said": j.line().strip()} for j in judgements]}
    (out / "work-compare.json").write_text(json.dumps(document, indent=1))
