"""Judging work: a change's counters against its base's, exactly.

The counters (buffers, rows, WAL bytes) are counted by the server, so two runs of the same migration give the
same figures: any counter that differs by more than THRESHOLD, or a plan of another shape, is called out as
"more work" or "less work" (or "other plan"), with the figures. Execution time is shown beside them, not judged.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass

from certlog.model.evidence import OperationWork

THRESHOLD = 0.10
JUDGED = ("buffers", "rows", "rows_examined", "wal_bytes")
MORE, LESS, OTHER_PLAN, SAME = "more work", "less work", "other plan", "same work"
FAILED, NOT_COMPARED = "failed", "not compared"  # the change's statement failed; the base's did


def fingerprint(plans: Iterable[str]) -> str:
    """A short name for a set of plan shapes (node types, index and relation names, children in order)."""
    return hashlib.sha256("\n".join(sorted(plans)).encode()).hexdigest()[:12]


@dataclass(frozen=True)
class Difference:
    counter: str
    base: float
    head: float

    @property
    def ratio(self) -> float:
        return self.head / self.base if self.base else float("inf")

    def text(self) -> str:
        ratio = f"x{self.ratio:.2f}" if self.base else "from 0"
        return f"{self.counter} {_figure(self.base)} -> {_figure(self.head)} ({ratio})"


@dataclass(frozen=True)
class WorkJudgement:
    name: str
    base: OperationWork
    head: OperationWork
    differences: tuple[Difference, ...]
    plan_changed: bool

    @property
    def verdict(self) -> str:
        if self.head.error:
            return FAILED
        if self.base.error:
            return NOT_COMPARED
        if any(d.head > d.base for d in self.differences):
            return MORE
        if self.differences:
            return LESS
        return OTHER_PLAN if self.plan_changed else SAME

    @property
    def flagged(self) -> bool:
        return self.verdict != SAME

    def line(self) -> str:
        if self.head.error or self.base.error:
            side = "change" if self.head.error else "base"
            return f"{self.verdict.upper():>10}  {self.name}: the {side}'s statement failed: " + (
                self.head.error or self.base.error)
        said = "; ".join(d.text() for d in self.differences)
        if self.plan_changed:
            said = "; ".join(s for s in (said, f"plan {self.base.fingerprint} -> {self.head.fingerprint}") if s)
        return f"{self.verdict.upper() if self.flagged else self.verdict:>10}  {self.name}" + (
            f": {said}" if said else f": {_figure(self.head.buffers)} buffers, {_figure(self.head.wal_bytes)} "
                                     "WAL bytes, as the base")


def judge(base: OperationWork, head: OperationWork, threshold: float = THRESHOLD) -> WorkJudgement:
    if base.error or head.error:
        return WorkJudgement(base.name, base, head, (), False)
    differences = []
    for counter in JUDGED:
        before, after = float(getattr(base, counter)), float(getattr(head, counter))
        if abs(after - before) > threshold * before or (before == 0 and after != 0):
            differences.append(Difference(counter, before, after))
    return WorkJudgement(base.name, base, head, tuple(differences), base.fingerprint != head.fingerprint)


def judge_all(base: list[OperationWork], head: list[OperationWork]) -> list[WorkJudgement]:
    theirs = {o.name: o for o in base}
    return [judge(theirs[o.name], o) for o in head if o.name in theirs]


def _figure(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) else f"{value:,.1f}"
