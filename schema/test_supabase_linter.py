"""PLAT-2: the checks of Supabase's database linter (splinter) that concern this migration, as catalog queries.

Each query lists the offending objects; the migration must have none.
The INFO rls_enabled_no_policy is intended (internal table) and not checked.
"""

import pytest

from certlog.database import queries
from certlog.model.evidence import LinterCheck

LEVELS = {
    "lint_rls_disabled_in_public": "ERROR",
    "lint_policy_exists_rls_disabled": "ERROR",
    "lint_function_search_path_mutable": "WARN",
    "lint_security_definer_executable": "WARN",
    "lint_unindexed_foreign_keys": "INFO",
    "lint_duplicate_index": "WARN",
    "lint_rls_policy_always_true": "WARN",
}
LINTS = list(LEVELS)


@pytest.mark.requirement("PLAT-2")
@pytest.mark.parametrize("lint", LINTS, ids=[name.removeprefix("lint_") for name in LINTS])
def test_supabase_linter_finds_nothing(catalog, lint, evidence):
    offending = [r["object"] for r in queries.rows(catalog, lint)]
    evidence.put(LinterCheck(check=lint.removeprefix("lint_"), level=LEVELS[lint], offending=offending))
    assert offending == []
