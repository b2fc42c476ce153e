"""A session's saved results: its Evidence as JSON, read back into the same types; reports/runs/ kept small."""

from __future__ import annotations

import json
from pathlib import Path

from certlog.model.evidence import Evidence
from certlog.paths import write_atomically


def save(path: Path, evidence: Evidence) -> None:
    write_atomically(path, evidence.model_dump_json(indent=1).encode())


def load(path: Path) -> Evidence:
    return Evidence.model_validate(json.loads(path.read_text()))


RUNS_KEPT = 40  # files of reports/runs/ (each session's results, a verify run's JUnit XML beside its own)


def prune_runs(directory: Path, keep: int = RUNS_KEPT) -> None:
    """The newest `keep` files of `directory` stay (their names start with when they started); older ones go."""
    if not directory.is_dir():
        return
    for old in sorted(p for p in directory.iterdir() if p.is_file())[:-keep]:
        old.unlink(missing_ok=True)  # a session beside this one may be pruning too
