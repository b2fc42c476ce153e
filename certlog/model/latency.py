"""Timing many round trips and summarising them as percentiles."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class LatencySummary:
    samples_ms: tuple[float, ...]

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile, p in (0, 100]."""
        ordered = sorted(self.samples_ms)
        rank = max(1, -(-len(ordered) * p // 100))
        return ordered[int(rank) - 1]

    @property
    def p50(self) -> float:
        return self.percentile(50)

    @property
    def p95(self) -> float:
        return self.percentile(95)

    @property
    def p99(self) -> float:
        return self.percentile(99)

    @property
    def max(self) -> float:
        return max(self.samples_ms)

    @property
    def mean(self) -> float:
        return statistics.fmean(self.samples_ms)

    def as_dict(self) -> dict[str, float]:
        return {"n": len(self.samples_ms), "p50_ms": self.p50, "p95_ms": self.p95, "p99_ms": self.p99,
                "max_ms": self.max, "mean_ms": self.mean}

    def line(self) -> str:
        return (f"n={len(self.samples_ms)} p50={self.p50:.3f} ms p95={self.p95:.3f} ms "
                f"p99={self.p99:.3f} ms max={self.max:.3f} ms")


def measure(call: Callable[[object], object], inputs: Iterable[object]) -> tuple[LatencySummary, list[object]]:
    """Time `call(x)` for each input; return the summary and every result, for checking."""
    samples, results = [], []
    for x in inputs:
        started = time.perf_counter_ns()
        results.append(call(x))
        samples.append((time.perf_counter_ns() - started) / 1e6)
    return LatencySummary(tuple(samples)), results
