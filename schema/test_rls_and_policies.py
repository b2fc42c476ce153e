"""AC-5, SEC-1, PLAT-2: RLS enabled, and no policy that opens the table to anon or authenticated."""

import pytest

from certlog.database import queries

CLIENT_ROLES = {"anon", "authenticated", "public"}


@pytest.mark.requirement("AC-5", "PLAT-2")
def test_row_level_security_is_enabled(superuser, evidence):
    status = queries.one(superuser, "rls_status")
    evidence.record("rls_status", status)
    assert status["rls_enabled"] is True


@pytest.mark.requirement("SEC-1")
def test_no_policy_lets_anon_or_authenticated_read_or_write(superuser):
    policies = queries.one(superuser, "rls_status")["policies"]
    assert [p for p in policies if CLIENT_ROLES & set(p["roles"])] == []


@pytest.mark.requirement("SEC-1", "PLAT-2")
def test_no_policy_is_always_true(superuser):
    policies = queries.one(superuser, "rls_status")["policies"]
    assert [p for p in policies if (p["using"] or "").strip("() ") == "true"
            or (p["with_check"] or "").strip("() ") == "true"] == []
