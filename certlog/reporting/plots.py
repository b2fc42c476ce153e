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
