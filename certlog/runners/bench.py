"""`certlog bench`: the benchmarks (pytest-benchmark), at one or more table sizes, or judged against a base.

  certlog bench                 the benchmarks at CERTLOG_BENCH_SCALES; reports/bench/scale.md and scale.png
  certlog bench --against [REF] this tree's migrations against REF's, interleaved (certlog.runners.against)
  certlog bench --compare       against the baseline committed for this kind of machine in bench/baselines/<machine>/
                                (a first run on a new kind of machine saves one beside its reports)
  certlog bench --work          each hot path's work, counted by the server, at CERTLOG_BENCH_SCALES (runners.work);
                                with --against, both sides' work only, untimed

Both comparisons judge each benchmark the same way (certlog.reporting.comparison); --against writes
reports/bench/compare.md and compare.png (and both sides' pytest-benchmark JSON), --compare
compare-baseline.md and compare-baseline.png.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from certlog import host
from certlog.errors import EXIT_FAILED, EXIT_OK, UsageError
from certlog.model.latency import LatencySummary
from certlog.paths import ROOT
from certlog.plugin import invocation
from certlog.reporting import comparison, plots
from certlog.reporting.markdown import table
from certlog.settings import Settings

BASELINES = ROOT / "bench" / "baselines"


def machine_key() -> str:
    """The kind of machine a baseline belongs to: its CPU model and cores, as a directory name."""
    slug = re.sub(r"[^a-z0-9]+", "-", host.cpu_model().lower()).strip("-")
    return f"{slug}-{host.cores()}c"


def run(settings: Settings, *, against: str | None, compare: bool, fail: str | None, work: bool = False,
        say=print) -> int:
    check_arguments(settings, against, compare, fail)
    if compare and work:
        raise UsageError("--work counts work at CERTLOG_BENCH_SCALES or, with --against, on both sides; "
                         "a machine's baseline holds timings only")
    if against is not None:
        from certlog.runners import against as change

        return change.run(settings, None if against == "merge-base" else against, fail, say=say, timed=not work)
    if work:
        from certlog.runners import work as counted

        return counted.run(settings, say=say)
    out = settings.report_dir / "bench"
    out.mkdir(parents=True, exist_ok=True)
    current = out / "bench.json"
    code = invocation.run(invocation.arguments(
        "bench", paths=("bench",), addopts="-ra --strict-markers", junit=out / "junit-bench.xml",
        extra=("--benchmark-only", "--benchmark-save-data", "--benchmark-sort=name",
               "--benchmark-columns=median,iqr,min,max,rounds", f"--benchmark-json={current}")))
    if not current.exists():
        return code or EXIT_FAILED
    say(f"certlog bench: scale report {write_scale_report(current, out)}")
    if not compare:
        return code
    baseline = next((b for b in baselines(out) if b.exists()), None)
    if baseline is None:
        saved = baselines(out)[1]
        saved.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(current, saved)
        say(f"certlog bench: no baseline for this kind of machine ({machine_key()}): this run is saved as {saved}; "
            f"later runs compare against it; to share it, copy it to {baselines(out)[0].relative_to(ROOT)} and "
            "commit it")
        return code
    return _judge_files(baseline, current, comparison.threshold_of(fail), out, say) or code


def baselines(out: Path) -> tuple[Path, Path]:
    """Where this kind of machine's baseline is: committed in the repository, else saved by a first run beside its
    reports (a run writes nothing into the repository's tree)."""
    return BASELINES / machine_key() / "baseline.json", out / "baselines" / machine_key() / "baseline.json"


def check_arguments(settings: Settings, against: str | None, compare: bool, fail: str | None) -> None:
    """Arguments that cannot work together are refused before anything starts."""
    if against is not None and compare:
        raise UsageError("--against and --compare are two different comparisons (with a REF's migrations on one "
                         "server, or with this machine's saved baseline): give one")
    if fail is not None and against is None and not compare:
        raise UsageError(f"--fail {fail}: the threshold of a comparison; give it with --against or --compare")
    comparison.threshold_of(fail)
    if against is not None and "CERTLOG_BENCH_SCALES" in settings.given:
        raise UsageError("CERTLOG_BENCH_SCALES sets the table sizes of certlog bench alone; --against compares at "
                         "one size, CERTLOG_SEED_ROWS")


def _judge_files(base: Path, head: Path, threshold: float, out: Path, say) -> int:
    def samples(path: Path) -> dict[str, list[float]]:
        return {b["name"]: b["stats"].get("data", []) for b in json.loads(path.read_text())["benchmarks"]}

    before, after = samples(base), samples(head)
    judgements = [comparison.judge(name, before[name], after[name], threshold)
                  for name in sorted(set(before) & set(after)) if len(before[name]) > 1 and len(after[name]) > 1]
    shown = base.relative_to(ROOT) if base.is_relative_to(ROOT) else base
    unmatched = sorted(set(before) ^ set(after))
    if unmatched or not judgements:  # a comparison of nothing must not pass
        say(f"certlog bench: the baseline {shown} and this run do not time the same benchmarks "
            f"({', '.join(unmatched[:4]) or 'none with two rounds or more'}); save a new baseline by deleting it")
        return EXIT_FAILED
    (out / "compare-baseline.png").write_bytes(comparison.chart(judgements, threshold))
    context = (f"Base: the baseline saved for this kind of machine ({shown}), timed in another run "
               f"at another time; this run: {head.name}. Unlike --against, the two sides did not see the same "
               "noise: a busier machine now counts against the change.")
    (out / "compare-baseline.md").write_text(comparison.markdown(
        judgements, threshold, base=f"baseline {base.parent.name}", head="this run", context=context,
        chart_file="compare-baseline.png"))
    for judgement in judgements:
        say(judgement.line(threshold))
    return EXIT_FAILED if any(j.fails for j in judgements) else EXIT_OK


def scale_table(bench_json: Path) -> tuple[str, dict[str, list[tuple[int, float]]]]:
    """Markdown table of every benchmark at every scale, and the p99 series for the chart."""
    by_name: dict[str, dict[int, dict]] = {}
    for b in json.loads(bench_json.read_text())["benchmarks"]:
        name = re.sub(r"\[\d+rows-?", "[", b["name"]).replace("[]", "")
        by_name.setdefault(name, {})[b["extra_info"].get("rows", 0)] = b
    rows, series = [], {}
    for name, scales in sorted(by_name.items()):
        base = None
        for size, b in sorted(scales.items()):
            stats = b["stats"]
            summary = LatencySummary(tuple(x * 1000 for x in stats.get("data") or [stats["max"]]))
            median = stats["median"] * 1000
            base = base or median
            rows.append((f"`{name}`", f"{size:,}", f"{median:.3f}", f"{summary.p99:.3f}", f"{stats['max'] * 1000:.3f}",
                         stats["rounds"], f"{median / base:.2f}", b["extra_info"].get("scan", "")))
            if size:
                series.setdefault(name, []).append((size, summary.p99))
    return table(["Benchmark", "Rows", "Median ms", "p99 ms", "Max ms", "Rounds", "x smallest table", "Plan"],
                 rows), series


def write_scale_report(bench_json: Path, out_dir: Path) -> Path:
    text, series = scale_table(bench_json)
    out_dir.mkdir(parents=True, exist_ok=True)
    growing = {k: v for k, v in series.items() if len(v) > 1} or series
    (out_dir / "scale.png").write_bytes(plots.scale_curve(growing, "p99 latency against table size", "p99 (ms)"))
    path = out_dir / "scale.md"
    path.write_text(f"# Benchmarks by table size ({machine_key()})\n\n{text}\n\n![p99 by table size](scale.png)\n")
    return path


def command(settings: Settings, args, extra: list[str]) -> int:
    return run(settings, against=args.against, compare=args.compare, fail=args.fail, work=args.work)
