"""Judging a change by its timings: per benchmark, the ratio of medians (change / base) with a bootstrap
confidence interval, one verdict line, a Markdown table, a chart, and pytest-benchmark JSON per side.

A benchmark is "slower" only when the whole 95% interval lies above 1 + threshold, "faster" when it lies
below 1 / (1 + threshold), otherwise "no change": noise alone does not fail a change.
"""

from __future__ import annotations

import json
import math
import platform
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from certlog import repository
from certlog.reporting import plots
from certlog.reporting.markdown import table

RESAMPLES = 2_000
CONFIDENCE = 0.95
SLOWER, FASTER, NO_CHANGE = "slower", "faster", "no change"
FAILED, NOT_COMPARED = "failed", "not compared"  # the change's rounds failed; the base's did


@dataclass(frozen=True)
class Judgement:
    name: str
    base_median_ms: float
    head_median_ms: float
    ratio: float
    low: float
    high: float
    rounds: int
    verdict: str
    error: str = ""

    @property
    def fails(self) -> bool:
        return self.verdict in (SLOWER, FAILED)

    def line(self, threshold: float) -> str:
        if self.error:
            return f"{self.verdict.upper() if self.fails else self.verdict:>9}  {self.name}: {self.error}"
        return (f"{self.verdict.upper() if self.verdict == SLOWER else self.verdict:>9}  {self.name}: "
                f"{self.head_median_ms:.3f} ms against {self.base_median_ms:.3f} ms, x{self.ratio:.2f} "
                f"(95% interval x{self.low:.2f} to x{self.high:.2f}; fails beyond x{1 + threshold:.2f})")


def judge(name: str, base: list[float], head: list[float], threshold: float, *, seed: int = 0) -> Judgement:
    """Bootstrap the ratio of medians head/base (both resampled, fixed seed: the same data, the same answer)."""
    rng = np.random.default_rng(seed)
    a, b = np.asarray(base), np.asarray(head)
    ratios = (np.median(rng.choice(b, (RESAMPLES, b.size)), axis=1)
              / np.median(rng.choice(a, (RESAMPLES, a.size)), axis=1))
    low, high = np.quantile(ratios, [(1 - CONFIDENCE) / 2, (1 + CONFIDENCE) / 2])
    ratio = float(np.median(b) / np.median(a))
    verdict = SLOWER if low > 1 + threshold else FASTER if high < 1 / (1 + threshold) else NO_CHANGE
    return Judgement(name, float(np.median(a)) * 1e3, float(np.median(b)) * 1e3, ratio, float(low), float(high),
                     min(a.size, b.size), verdict)


def failure(name: str, error: str, *, side: str) -> Judgement:
    """A workload whose rounds raised an error on one side: the change's failing fails the comparison."""
    nan = float("nan")
    verdict = FAILED if side == "change" else NOT_COMPARED
    return Judgement(name, nan, nan, nan, nan, nan, 0, verdict, f"the {side}'s round failed: {error}")


def markdown(judgements: list[Judgement], threshold: float, *, base: str, head: str, context: str,
             chart_file: str = "compare.png") -> str:
    """The table; `context` says what was compared with what, how, on how many rows."""
    rows = [(f"`{j.name}`", j.rounds, f"{j.base_median_ms:.3f}", f"{j.head_median_ms:.3f}", f"x{j.ratio:.2f}",
             f"x{j.low:.2f} to x{j.high:.2f}", f"**{j.verdict}**" if j.fails else j.verdict) if not j.error else
            (f"`{j.name}`", "", "", "", "", "", f"**{j.verdict}**: {j.error}") for j in judgements]
    failing = [j.name for j in judgements if j.fails]
    head_line = (f"**{len(failing)} slower or failing** ({', '.join(failing)})" if failing
                 else "no benchmark is slower")
    return "\n".join([
        f"# Benchmarks: {head} against {base}", "",
        f"{head_line}; a benchmark fails only when its whole {CONFIDENCE:.0%} interval lies beyond "
        f"x{1 + threshold:.2f}. The ratio is of medians, change / base.", "", context, "",
        table(["Benchmark", "Rounds each", f"{base} median ms", f"{head} median ms", "Ratio",
               f"{CONFIDENCE:.0%} interval", "Verdict"], rows), "",
        f"![ratio with its interval, per benchmark]({chart_file})", ""])


def chart(judgements: list[Judgement], threshold: float) -> bytes:
    return plots.ratio_chart([(j.name, j.ratio, j.low, j.high) for j in judgements if not j.error], 1 + threshold)


def _commit(ref: str) -> dict:
    return {"id": repository.said("rev-parse", ref), "branch": repository.said("rev-parse", "--abbrev-ref", "HEAD"),
            "dirty": repository.head()["dirty"] if ref == "HEAD" else False, "project": "certlog-verify"}


def benchmark_json(path: Path, samples: dict[str, list[float]], *, ref: str, extra: dict) -> None:
    """pytest-benchmark's JSON for one side (so `pytest-benchmark compare base.json head.json` reads it)."""
    from pytest_benchmark import __version__
    from pytest_benchmark.stats import Stats

    benchmarks = []
    for name, data in samples.items():
        if len(data) < 2:  # a workload whose rounds failed on this side
            continue
        stats = Stats()
        for duration in data:
            stats.update(duration)
        benchmarks.append({"group": None, "name": name, "fullname": f"certlog/workloads::{name}", "params": None,
                           "param": None, "extra_info": extra,
                           "options": {"disable_gc": False, "timer": "perf_counter", "min_rounds": len(data),
                                       "max_time": 0, "min_time": 0, "warmup": True},
                           "stats": {**stats.as_dict(), "iterations": 1, "data": data}})
    machine = {"node": platform.node(), "processor": platform.processor(), "machine": platform.machine(),
               "python_implementation": platform.python_implementation(), "python_version": platform.python_version(),
               "python_compiler": platform.python_compiler(), "release": platform.release(),
               "system": platform.system(), "cpu": {}}
    document = {"machine_info": machine,
                "commit_info": _commit(ref), "benchmarks": benchmarks,
                "datetime": datetime.now(UTC).isoformat(), "version": __version__}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1))


def threshold_of(text: str | None, default: float = 0.25) -> float:
    """A percentage, '25%', '25' or 'median:25%' (pytest-benchmark's form), as a fraction."""
    from certlog.errors import UsageError

    if text is None:
        return default
    value = text.rsplit(":", 1)[-1].strip().removesuffix("%")
    try:
        fraction = float(value) / 100
    except ValueError:
        fraction = math.nan
    if not 0 < fraction < math.inf:
        raise UsageError(f"--fail {text!r}: give a percentage above 0 such as 25%")
    return fraction
