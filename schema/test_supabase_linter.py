"""PLAT-2: the one check of Supabase's linter that the pinned CLI's advisors do not make, as a catalog query.

Hosted Supabase's advisors flag a SECURITY DEFINER function that anon or authenticated may execute (splinter
0028/0029, WARN); `supabase db advisors` of CLI 3.1.0 has no such lint, so lint_security_definer_executable.sql
stays until the pinned CLI has it (conformance/test_supabase_advisors.py shows it silent on such a function and
this query finding it). Every other lint is the advisors' own (conformance/test_supabase_advisors.py).
"""

import pytest

from certlog.database import queries
from certlog.model.evidence import LinterCheck


@pytest.mark.requirement("PLAT-2")
def test_no_security_definer_function_is_executable_by_clients(catalog, evidence):
    offending = [r["object"] for r in queries.rows(catalog, "lint_security_definer_executable")]
    evidence.put(LinterCheck(check="security_definer_function_executable", level="WARN", offending=offending))
    assert offending == []
