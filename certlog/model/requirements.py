"""The requirement catalogue and each requirement's verdict from test outcomes."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

from certlog.model import DATA

PASS, FAIL, NOT_COVERED = "PASS", "FAIL", "NOT COVERED"
INCOMPLETE = "INCOMPLETE"  # its tests that ran passed, but the run stopped before the rest
NOT_RUN = "NOT RUN"  # it has tests, but none of them ran (the run stopped first)


@dataclass(frozen=True)
class Requirement:
    id: str
    category: str
    text: str


def catalogue() -> dict[str, Requirement]:
    data = tomllib.loads((DATA / "requirements.toml").read_text())
    return {r["id"]: Requirement(**r) for r in data["requirement"]}


def verdict(outcomes: list[str], *, planned: bool = False) -> str:
    """PASS only when at least one test proves it and every one of them passed (a skip is not a pass); with no
    outcome, NOT RUN where a test was meant to prove it (`planned`), else NOT COVERED."""
    if not outcomes:
        return NOT_RUN if planned else NOT_COVERED
    return PASS if all(o == "passed" for o in outcomes) else FAIL
