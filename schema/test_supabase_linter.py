"""PLAT-2: the checks of Supabase's database linter (splinter) that concern this migration, as catalog queries.

Each query lists the offending objects; the migration must have none.
The INFO rls_enabled_no_policy is intended (internal table) and not checked.
"""

import pytest

from certlog.database import queries

LINTS = [
    "lint_rls_disabled_in_public",
    "lint_policy_exists_rls_disabled",
    "lint_function_search_path_mutable",
    "lint_security_definer_executable",
    "lint_unindexed_foreign_keys",
    "lint_duplicate_index",
    "lint_rls_policy_always_true",
]


@pytest.mark.requirement("PLAT-2")
@pytest.mark.parametrize("lint", LINTS, ids=[name.removeprefix("lint_") for name in LINTS])
def test_supabase_linter_finds_nothing(superuser, lint, evidence):
    offending = [r["object"] for r in queries.rows(superuser, lint)]
    evidence.add("supabase_linter", lint.removeprefix("lint_"), value=offending)
    assert offending == []
