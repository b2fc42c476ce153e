"""The requirement catalogue and each requirement's verdict from test outcomes."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass

from certlog.model import DATA

PASS, FAIL, NOT_COVERED = "PASS", "FAIL", "NOT COVERED"
INCOMPLETE = "INCOMPLETE"  # its tests that ran passed, but the run stopped before the rest


@dataclass(frozen=True)
class Requirement:
    id: str
    category: str
    text: str


def catalogue() -> dict[str, Requirement]:
    data = tomllib.loads((DATA / "requirements.toml").read_text())
    return {r["id"]: Requirement(**r) for r in data["requirement"]}


def verdict(outcomes: list[str]) -> str:
    """PASS only when at least one test proves it and every one of them passed (a skip is not a pass)."""
    if not outcomes:
        return NOT_COVERED
    return PASS if all(o == "passed" for o in outcomes) else FAIL
