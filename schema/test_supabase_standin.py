"""PLAT-1: the database under test behaves like a Supabase project, or the RLS tests would prove nothing."""

import pytest

from certlog.database import connections as databases
from certlog.database import queries
from certlog.settings import PRIVILEGE_MODES

EXPECTED_ROLES = {
    # role: (superuser, bypassrls, login, inherit, member of)
    "postgres": (False, True, True, True, ["anon", "authenticated", "service_role"]),
    "anon": (False, False, False, True, []),
    "authenticated": (False, False, False, True, []),
    "service_role": (False, True, False, True, []),
    "authenticator": (False, False, True, False, ["anon", "authenticated", "service_role"]),
}
NEW_TABLE_PRIVILEGES = {  # what anon holds on a table postgres creates in public, by default-privilege mode
    "legacy": {"SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER"},
    "revoked": {"TRUNCATE", "REFERENCES", "TRIGGER"},
}


@pytest.mark.requirement("PLAT-1")
@pytest.mark.parametrize("role", sorted(EXPECTED_ROLES))
def test_supabase_role_has_its_real_attributes(superuser, role):
    found = {r["role"]: r for r in queries.rows(superuser, "standin_roles")}[role]
    assert (found["superuser"], found["bypassrls"], found["login"], found["inherit"],
            [m for m in found["member_of"] if m in EXPECTED_ROLES]) == EXPECTED_ROLES[role]


@pytest.mark.requirement("PLAT-1")
@pytest.mark.parametrize("mode", PRIVILEGE_MODES)
def test_a_new_table_gets_the_default_privileges_of_the_mode(server, shared_dbs, mode):
    with databases.connect(server, shared_dbs[mode], user="postgres") as conn:
        conn.execute("create table public.certlog_probe (id int)")
        granted = {p for (p,) in conn.execute(
            "select p from unnest(array['SELECT', 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', "
            "'TRIGGER']) p where has_table_privilege('anon', 'public.certlog_probe', p)")}
        conn.rollback()
    assert granted == NEW_TABLE_PRIVILEGES[mode]
