"""AC-5, SEC-2, PLAT-1: table privileges as the catalog has them, in both default-privilege modes."""

import pytest

from certlog.database import connections as databases
from certlog.database import queries
from certlog.settings import PRIVILEGE_MODES

EXPECTED = {
    "anon": set(),
    "authenticated": set(),
    "service_role": {"SELECT", "INSERT"},
}


@pytest.mark.requirement("AC-5", "SEC-2", "PLAT-1")
@pytest.mark.parametrize("mode", PRIVILEGE_MODES)
@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_role_holds_exactly_the_expected_table_privileges(server, shared_dbs, mode, role, evidence):
    with databases.connect(server, shared_dbs[mode]) as conn:
        found = queries.rows(conn, "table_privileges")
    evidence.record(f"catalog_privileges_{mode}", found)
    granted = {r["privilege"] for r in found if r["role"] == role and r["granted"]}
    assert granted == EXPECTED[role]
