"""PLAT-1: the database under test behaves like a Supabase project, or the RLS tests would prove nothing.

One test per fact of ../shared/notes/supabase-environment.md that vanilla PostgreSQL 15 can copy.
What it cannot copy (supautils, pg-safeupdate) is listed in the README; the client tests send what
PostgREST sends (UPDATE and DELETE with a filter), so every refusal is the one hosted Supabase gives.
"""

import pytest

from certlog.database import connections as databases
from certlog.database import queries
from certlog.settings import PRIVILEGE_MODES

ROLES = {
    # role: (superuser, bypassrls, login, inherit, member of)
    "postgres": (False, True, True, True, ["anon", "authenticated", "pg_monitor", "pg_read_all_data",
                                           "pg_signal_backend", "service_role"]),
    "anon": (False, False, False, True, []),
    "authenticated": (False, False, False, True, []),
    "service_role": (False, True, False, True, []),
    "authenticator": (False, False, True, False, ["anon", "authenticated", "service_role"]),
}
ROLE_SETTINGS = {
    ("anon", "statement_timeout"): "3s",
    ("authenticated", "statement_timeout"): "8s",
    ("authenticator", "lock_timeout"): "8s",
    ("authenticator", "pgrst.db_schemas"): "public, graphql_public",
    ("authenticator", "statement_timeout"): "8s",
    ("postgres", "search_path"): '"$user", public, extensions',
}
DEFAULT_PRIVILEGES = {  # what a client role gets on what postgres creates in public, by default-privilege mode
    "legacy": {"table": ["DELETE", "INSERT", "REFERENCES", "SELECT", "TRIGGER", "TRUNCATE", "UPDATE"],
               "sequence": ["SELECT", "UPDATE", "USAGE"], "function": ["EXECUTE"]},
    # PUBLIC keeps EXECUTE on every new function in both modes: only a migration's REVOKE ... FROM PUBLIC closes it.
    "revoked": {"table": ["REFERENCES", "TRIGGER", "TRUNCATE"], "sequence": ["UPDATE"], "function": ["EXECUTE"]},
}


@pytest.mark.requirement("PLAT-1")
@pytest.mark.parametrize("role", sorted(ROLES))
def test_supabase_role_has_its_real_attributes_and_memberships(catalog, role):
    found = {r["role"]: r for r in queries.rows(catalog, "standin_roles")}[role]
    assert (found["superuser"], found["bypassrls"], found["login"], found["inherit"], found["member_of"]) == ROLES[role]


@pytest.mark.requirement("PLAT-1")
@pytest.mark.parametrize("setting", sorted(ROLE_SETTINGS), ids=lambda s: f"{s[0]}-{s[1]}")
def test_supabase_role_setting(catalog, setting):
    found = {(r["role"], r["name"]): r["value"] for r in queries.rows(catalog, "standin_role_settings")}
    assert found.get(setting) == ROLE_SETTINGS[setting]


@pytest.mark.requirement("PLAT-1")
def test_database_and_schemas_belong_to_whom_supabase_gives_them(catalog):
    found = queries.one(catalog, "standin_ownership")
    assert (found["database_owner"], found["extensions_owner"], found["public_owner"]) == (
        "postgres", "postgres", "pg_database_owner")


@pytest.mark.requirement("PLAT-1")
@pytest.mark.parametrize("extension", [pytest.param("pgtap"),
                                       pytest.param("plpgsql_check", marks=pytest.mark.needs("plpgsql_check"))])
def test_extensions_supautils_would_let_postgres_create_are_there(catalog, extension):
    extensions = queries.one(catalog, "standin_ownership")["extensions"]
    assert f"{extension} in extensions" in extensions, extensions


@pytest.mark.requirement("PLAT-1")
@pytest.mark.parametrize("mode", PRIVILEGE_MODES)
@pytest.mark.parametrize("role", ["anon", "authenticated", "service_role"])
def test_new_objects_get_the_default_privileges_of_the_mode(server, catalog_dbs, mode, role):
    with databases.connect(server, catalog_dbs[mode], user="postgres") as conn:
        conn.execute("create table public.certlog_probe_table (id int)")
        conn.execute("create sequence public.certlog_probe_sequence")
        conn.execute("create function public.certlog_probe_function() returns int language sql as 'select 1'")
        found = {r["kind"]: r["granted"] for r in queries.rows(conn, "standin_default_privileges")
                 if r["role"] == role}
        conn.rollback()
    assert found == DEFAULT_PRIVILEGES[mode]


@pytest.mark.requirement("PLAT-1")
def test_auth_helpers_read_the_request_claims(postgrest, sample):
    with postgrest.request("authenticated", {"role": "authenticated", "sub": str(sample["own_coordinator"]),
                                             "email": "c@example.org"}) as conn:
        found = conn.execute("select auth.uid(), auth.role(), auth.email(), auth.jwt() ->> 'sub'").fetchone()
    assert found == (sample["own_coordinator"], "authenticated", "c@example.org", str(sample["own_coordinator"]))
