"""Supabase's advisors (splinter, as `supabase db advisors` runs it) and how the suite judges what they report.

A lint at WARN or ERROR fails PLAT-2, and so does `unindexed_foreign_keys`, an INFO: the contract indexes every
foreign key of the table. The other INFO lints are listed in the evidence and fail nothing:
`rls_enabled_no_policy` is the table's design (internal, no client policy) and `unused_index` names indexes the
seeded workload had no reason to use (the purge's, the foreign key's).
"""

from __future__ import annotations

from dataclasses import dataclass

# The lints `supabase db advisors` of CLI 3.1.0 makes, with their levels (splinter's SQL in the pinned binary): the
# evidence lists each, found or not. A lint a newer CLI adds is recorded as it comes.
CHECKED = {
    "auth_rls_initplan": "WARN", "auth_users_exposed": "ERROR", "duplicate_index": "WARN",
    "extension_in_public": "WARN", "extension_versions_outdated": "WARN", "fkey_to_auth_unique": "ERROR",
    "foreign_table_in_api": "WARN", "function_search_path_mutable": "WARN", "insecure_queue_exposed_in_api": "ERROR",
    "materialized_view_in_api": "WARN", "multiple_permissive_policies": "WARN", "no_primary_key": "INFO",
    "policy_exists_rls_disabled": "ERROR", "rls_disabled_in_public": "ERROR", "rls_enabled_no_policy": "INFO",
    "rls_policy_always_true": "WARN", "rls_references_user_metadata": "ERROR", "security_definer_view": "ERROR",
    "sensitive_columns_exposed": "ERROR", "table_bloat": "INFO", "unindexed_foreign_keys": "INFO",
    "unsupported_reg_types": "WARN", "unused_index": "INFO",
}
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


def by_lint(found: list[Lint]) -> list[tuple[str, str, list[Lint]]]:
    """(name, level, what it found) for every lint the advisors make and every other one they reported."""
    levels = {**CHECKED, **{lint.name: lint.level for lint in found}}
    return [(name, level, [lint for lint in found if lint.name == name]) for name, level in sorted(levels.items())]


def fails(name: str, level: str) -> bool:
    return Lint(name, level, "", "").fails
