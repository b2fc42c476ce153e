"""Each requirement's verdict, from the outcomes of the tests that state it (never decided anywhere else)."""

from __future__ import annotations

from dataclasses import dataclass

from certlog.model.evidence import Evidence, TestOutcome
from certlog.model.requirements import INCOMPLETE, PASS, Requirement, catalogue, verdict


@dataclass(frozen=True)
class RequirementVerdict:
    requirement: Requirement
    verdict: str
    tests: list[TestOutcome]

    @property
    def passed(self) -> bool:
        return self.verdict == PASS


def requirement_verdicts(tests: list[TestOutcome], *, complete: bool,
                         collected: dict[str, list[str]] | None = None) -> list[RequirementVerdict]:
    """Each requirement's verdict; in a run that stopped early no requirement passes (its other tests never ran),
    and one whose collected tests all never ran is NOT RUN."""
    planned = {r for requirements in (collected or {}).values() for r in requirements}
    out = []
    for req in catalogue().values():
        proving = [t for t in tests if req.id in t.requirements]
        found = verdict([t.outcome for t in proving], planned=req.id in planned)
        out.append(RequirementVerdict(req, INCOMPLETE if found == PASS and not complete else found, proving))
    return out


def verdicts_of(evidence: Evidence) -> list[RequirementVerdict]:
    """The verdicts of a run's saved evidence: complete or not, and what it meant to run."""
    run = evidence.run
    return requirement_verdicts(evidence.tests, complete=bool(run and run.complete),
                                collected=run.collected if run else None)


def table(verdicts: list[RequirementVerdict]) -> str:
    """The terminal's summary: one line per requirement, the failing tests under it."""
    width = max(len(v.requirement.id) for v in verdicts)
    lines = []
    for v in verdicts:
        failing = [t.nodeid for t in v.tests if t.outcome != "passed"]
        line = f"{v.verdict:<11} {v.requirement.id:<{width}}  {v.requirement.text[:90]}"
        lines.append(line + "".join(f"\n{'':>12}{'':<{width}}  x {n}" for n in failing[:5]))
    return "\n".join(lines)
