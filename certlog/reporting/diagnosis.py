"""How precisely a wrong migration points at its cause: for each broken migration run through the whole suite, the
requirements it turned FAIL against those it declares it breaks; precision and recall over the catalogue."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from certlog.reporting.markdown import table

RECALL_NEEDED, PRECISION_NEEDED = 1.0, 0.9


@dataclass(frozen=True)
class Diagnosis:
    mutant: str
    declared: frozenset[str]  # the requirements it says it breaks
    failed: frozenset[str]  # the requirements the whole suite turned FAIL
    not_run: frozenset[str] = frozenset()  # requirements whose tests never ran (the session stopped first)
    failing: tuple[tuple[str, str], ...] = ()  # (requirement, its first failing test and message) for each FAIL

    @property
    def found(self) -> frozenset[str]:
        return self.declared & self.failed

    @property
    def extra(self) -> frozenset[str]:
        return self.failed - self.declared

    @property
    def missed(self) -> frozenset[str]:
        return self.declared - self.failed


def precision_recall(diagnoses: Iterable[Diagnosis]) -> tuple[float, float]:
    """Over every mutant together: of the requirements turned FAIL, how many it declared (precision); of those
    declared, how many turned FAIL (recall). 1.0 where there is nothing to count."""
    every = list(diagnoses)
    found = sum(len(d.found) for d in every)
    failed, declared = sum(len(d.failed) for d in every), sum(len(d.declared) for d in every)
    return (found / failed if failed else 1.0), (found / declared if declared else 1.0)


def precise_enough(diagnoses: Iterable[Diagnosis]) -> bool:
    precision, recall = precision_recall(diagnoses)
    return recall >= RECALL_NEEDED and precision >= PRECISION_NEEDED


def markdown(diagnoses: list[Diagnosis], title: str) -> str:
    precision, recall = precision_recall(diagnoses)

    def ids(found: frozenset[str]) -> str:
        return ", ".join(sorted(found)) or "none"

    rows = [(f"`{d.mutant}`", ids(d.declared), ids(d.failed), ids(d.missed), ids(d.extra), ids(d.not_run))
            for d in diagnoses]
    verdict = "meets" if precise_enough(diagnoses) else "**does not meet**"
    return (f"# {title}\n\nPrecision {precision:.0%} (of the requirements turned FAIL, the share the mutant declared), "
            f"recall {recall:.0%} (of those declared, the share turned FAIL), over {len(diagnoses)} broken "
            f"migrations: {verdict} the bar (recall {RECALL_NEEDED:.0%}, precision {PRECISION_NEEDED:.0%}).\n\n"
            + table(["Mutant", "Declares it breaks", "Turned FAIL", "Missed", "Also FAIL", "Not run"], rows) + "\n"
            + _unexpected(diagnoses))


def _unexpected(diagnoses: list[Diagnosis]) -> str:
    """Where a mutant turned FAIL a requirement it does not declare: the test that did it, and why."""
    lines = [f"- `{d.mutant}` turned **{requirement}** FAIL: {why}"
             for d in diagnoses for requirement, why in d.failing if requirement in d.extra]
    return ("\n## Requirements turned FAIL that the mutant does not declare\n\n" + "\n".join(lines) + "\n"
            if lines else "")
