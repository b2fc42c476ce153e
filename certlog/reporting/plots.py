"""PNG charts for the evidence report (matplotlib, no display needed)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402


def latency_histogram(samples_ms: list[float], budget_ms: float, title: str) -> bytes:
    fig, ax = plt.subplots(figsize=(7, 3.2), dpi=110)
    low, high = max(min(samples_ms), 1e-3), max(max(samples_ms), budget_ms)
    ax.hist(samples_ms, bins=np.logspace(np.log10(low), np.log10(high), 80), color="#3b82f6")
    ax.axvline(budget_ms, color="#dc2626", linestyle="--", label=f"budget {budget_ms:g} ms")
    ax.set_xscale("log")
    ax.set_xlabel("round-trip latency (ms, log scale)")
    ax.set_ylabel("lookups")
    ax.set_title(title)
    ax.legend()
    return _png(fig)


def scale_curve(series: dict[str, list[tuple[int, float]]], title: str, ylabel: str) -> bytes:
    fig, ax = plt.subplots(figsize=(10, 4), dpi=110)
    for name, points in sorted(series.items()):
        points = sorted(points)
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=name)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("rows in cert_notification_log")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1))
    ax.grid(True, which="both", alpha=0.3)
    return _png(fig)


def ratio_chart(rows: list[tuple[str, float, float, float]], limit: float) -> bytes:
    """Per benchmark: the ratio change / base with its confidence interval, and the failing limit."""
    fig, ax = plt.subplots(figsize=(9, 0.45 * len(rows) + 1.2), dpi=110)
    names = [r[0] for r in rows]
    ratios = np.array([r[1] for r in rows])
    errors = np.array([[r[1] - r[2] for r in rows], [r[3] - r[1] for r in rows]])
    y = np.arange(len(rows))
    colours = ["#dc2626" if r[2] > limit else "#3b82f6" for r in rows]
    ax.errorbar(ratios, y, xerr=errors, fmt="none", ecolor="#555", capsize=3)
    ax.scatter(ratios, y, color=colours, zorder=3)
    ax.axvline(1.0, color="#999", linewidth=1)
    ax.axvline(limit, color="#dc2626", linestyle="--", label=f"fails beyond x{limit:.2f}")
    ax.set_yticks(y, names, fontsize=8)
    ax.invert_yaxis()
    ax.set_xlabel("median time, change / base (95% interval)")
    ax.legend(fontsize=8, loc="lower right")
    return _png(fig)


def _png(fig) -> bytes:
    buffer = io.BytesIO()
    fig.tight_layout()
    fig.savefig(buffer, format="png")
    plt.close(fig)
    return buffer.getvalue()


def ascii_histogram(samples_ms: list[float], buckets: list[float]) -> str:
    """A text histogram for Markdown: one bar per bucket upper bound."""
    counts, lower = [], 0.0
    for upper in buckets:
        counts.append((f"{lower:g}-{upper:g} ms", sum(1 for s in samples_ms if lower <= s < upper)))
        lower = upper
    counts.append((f">= {lower:g} ms", sum(1 for s in samples_ms if s >= lower)))
    widest = max(c for _, c in counts) or 1
    return "\n".join(f"{label:>14} | {'#' * round(40 * c / widest):<40} {c}" for label, c in counts)
