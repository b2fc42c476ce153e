"""Measurements a run collects for the reviewer, and the file they are saved to."""

from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass
from datetime import UTC, datetime
from pathlib import Path


class Evidence:
    """A dict of named measurements, filled by fixtures and tests, saved as JSON at the end."""

    def __init__(self) -> None:
        self.items: dict[str, object] = {"started_at": datetime.now(UTC).isoformat(timespec="seconds")}

    def record(self, key: str, value: object) -> None:
        self.items[key] = _plain(value)

    def add(self, key: str, *path: str, value: object) -> None:
        """Set one entry of a nested table, e.g. add("observed_privileges", mode, role, operation, value=...)."""
        table = self.items.setdefault(key, {})
        for part in path[:-1]:
            table = table.setdefault(part, {})
        table[path[-1]] = _plain(value)

    def get(self, key: str, default=None):
        return self.items.get(key, default)


def _plain(value):
    if is_dataclass(value):
        return _plain(asdict(value))
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    return value


def save(path: Path, evidence: Evidence, tests: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"evidence": evidence.items, "tests": tests}, indent=2, default=str))
    tmp.replace(path)


def load(path: Path) -> dict:
    return json.loads(path.read_text())
