"""Supabase's advisors (splinter, as `supabase db advisors` runs it) and how the suite judges what they report.

A lint at WARN or ERROR fails PLAT-2, and so does `unindexed_foreign_keys`, an INFO: the contract indexes every
foreign key of the table. The other INFO lints are listed in the evidence and fail nothing:
`rls_enabled_no_policy` is the table's design (internal, no client policy) and `unused_index` names indexes the
seeded workload had no reason to use (the purge's, the foreign key's).
"""

from __future__ import annotations

from dataclasses import dataclass

FAILING_LEVELS = frozenset({"WARN", "ERROR"})
FAILING_INFO = frozenset({"unindexed_foreign_keys"})


@dataclass(frozen=True)
class Lint:
    name: str
    level: str  # INFO, WARN or ERROR
    detail: str
    cache_key: str

    @property
    def fails(self) -> bool:
        return self.level in FAILING_LEVELS or self.name in FAILING_INFO


def lints(document: dict | None) -> list[Lint]:
    """The lints of the CLI's JSON (`{"results": [...]}`); none when it printed no document."""
    return [Lint(name=r["name"], level=r["level"], detail=r["detail"], cache_key=r.get("cacheKey", ""))
            for r in (document or {}).get("results", [])]


def failing(found: list[Lint]) -> list[Lint]:
    return [lint for lint in found if lint.fails]
