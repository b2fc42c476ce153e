"""Running the benchmarks: baselines per machine, comparisons, and the scale report.

Baselines live in bench/baselines/<machine key>/ (pytest-benchmark file storage); the
machine key is the CPU model and core count, so a run is only compared with runs of
the same kind of machine. A first run on a new kind of machine saves the baseline.
"""

from __future__ import annotations

import json
import os
import platform
import re
from pathlib import Path

from certlog.paths import ROOT
from certlog.reporting import plots

BASELINES = ROOT / "bench" / "baselines"
DEFAULT_FAIL = "median:30%"


def machine_key() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1]
                break
    except OSError:
        pass
    slug = re.sub(r"[^a-z0-9]+", "-", model.lower()).strip("-")
    return f"{slug}-{os.cpu_count()}c"


def storage() -> Path:
    return BASELINES / machine_key()


def saved_baseline() -> str | None:
    """The run number of the saved baseline for this machine, if there is one."""
    found = sorted(storage().glob("*/*_baseline.json"))
    return found[-1].name.split("_", 1)[0] if found else None


def pytest_args(report_dir: Path, *, compare: bool, fail: str = DEFAULT_FAIL) -> tuple[list[str], str]:
    args = ["-p", "no:cacheprovider", "bench", "-o", "addopts=-ra --strict-markers", "--benchmark-only",
            f"--benchmark-storage=file://{storage()}", "--benchmark-save-data", "--benchmark-sort=name",
            f"--benchmark-json={report_dir / 'bench.json'}", f"--junitxml={report_dir / 'junit-bench.xml'}"]
    if not compare:
        return args, "no comparison asked"
    baseline = saved_baseline()
    if baseline is None:
        return args + ["--benchmark-save=baseline"], (
            f"no baseline for this machine ({machine_key()}): this run is saved as the baseline in "
            f"{storage().relative_to(ROOT)}; commit it so later runs compare against it")
    return args + [f"--benchmark-compare={baseline}", f"--benchmark-compare-fail={fail}"], (
        f"compared with baseline {baseline} of {machine_key()}; a regression beyond {fail} fails")


def _percentile(data: list[float], p: float) -> float:
    ordered = sorted(data)
    return ordered[max(0, -(-len(ordered) * p // 100) - 1).__int__()]


def scale_table(bench_json: Path) -> tuple[str, dict[str, list[tuple[int, float]]]]:
    """Markdown table of every benchmark at every scale, and the p99 series for the chart."""
    runs = json.loads(bench_json.read_text())["benchmarks"]
    by_name: dict[str, dict[int, dict]] = {}
    for b in runs:
        name = re.sub(r"\[\d+rows-?", "[", b["name"]).replace("[]", "")
        by_name.setdefault(name, {})[b["extra_info"].get("rows", 0)] = b
    lines = ["| Benchmark | Rows | Median ms | p99 ms | Max ms | Rounds | x smallest table | Plan |",
             "|---|---|---|---|---|---|---|---|"]
    series: dict[str, list[tuple[int, float]]] = {}
    for name, scales in sorted(by_name.items()):
        base = None
        for rows, b in sorted(scales.items()):
            stats = b["stats"]
            data = stats.get("data") or [stats["max"]]
            p99 = _percentile(data, 99) * 1000
            median = stats["median"] * 1000
            base = base or median
            lines.append(f"| `{name}` | {rows:,} | {median:.3f} | {p99:.3f} | {stats['max'] * 1000:.3f} | "
                         f"{stats['rounds']} | {median / base:.2f} | {b['extra_info'].get('scan', '')} |")
            if rows:
                series.setdefault(name, []).append((rows, p99))
    return "\n".join(lines), series


def write_scale_report(bench_json: Path, out_dir: Path) -> Path:
    table, series = scale_table(bench_json)
    out_dir.mkdir(parents=True, exist_ok=True)
    chart = out_dir / "scale.png"
    growing = {k: v for k, v in series.items() if len(v) > 1} or series
    chart.write_bytes(plots.scale_curve(growing, "p99 latency against table size", "p99 (ms)"))
    path = out_dir / "scale.md"
    path.write_text(f"# Benchmarks by table size ({machine_key()})\n\n{table}\n\n![p99 by table size](scale.png)\n")
    return path


def run(settings, *, against: str | None, compare: bool, fail: str | None, say=print) -> int:
    import os

    import pytest

    if against is not None:
        from certlog.runners import against as change

        return change.run(settings, None if against == "merge-base" else against, fail, say=say)
    os.chdir(ROOT)
    args, plan = pytest_args(settings.report_dir, compare=compare, fail=fail or DEFAULT_FAIL)
    say(f"certlog bench: {plan}", flush=True)
    code = int(pytest.main([*args, "--certlog-command=bench"]))
    bench_json = settings.report_dir / "bench.json"
    if bench_json.exists():
        say(f"certlog bench: scale report {write_scale_report(bench_json, settings.report_dir / 'bench')}")
    return code
