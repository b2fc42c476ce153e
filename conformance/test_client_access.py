"""AC-5, SEC-1, SEC-2, IMPL-2, PLAT-1: anon and authenticated can do nothing, in both default-privilege modes.

Requests are made as PostgREST makes them: logged in as authenticator, role switched
with set_config inside the transaction. Never as a superuser, owner or BYPASSRLS role.
Each cell proves the requirement the contract gives that role's privilege; that both modes
agree is PLAT-1's own test.
"""

import psycopg
import pytest

from certlog.database import connections as databases
from certlog.model.contract import API_ROLES, TABLE_PRIVILEGES, load
from certlog.model.evidence import PrivilegeCell
from certlog.settings import PRIVILEGE_MODES
from certlog.standin.postgrest import claims, postgrest_session

PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE")
OPERATIONS = {
    "SELECT": "select * from public.cert_notification_log limit 1",
    "INSERT": ("insert into public.cert_notification_log (certification_id, notification_type, recipient_id, "
               "idempotency_key, sent_at) values (%(certification_id)s, 'expired', %(recipient_id)s, repeat('a', 64), "
               "'2026-11-25 02:00+00')"),
    # PostgREST always sends a filter (and hosted Supabase's safeupdate refuses UPDATE or DELETE without one)
    "UPDATE": "update public.cert_notification_log set notification_type = 'expired' "
              "where idempotency_key = %(idempotency_key)s",
    "DELETE": "delete from public.cert_notification_log where idempotency_key = %(idempotency_key)s",
    "TRUNCATE": "truncate public.cert_notification_log",
}


def _claims(role, sample):
    return claims(role, sub=sample["own_coordinator"]) if role == "authenticated" else claims(role)


def _cells():
    for mode in PRIVILEGE_MODES:
        for role in API_ROLES:
            for operation in PRIVILEGES:
                yield pytest.param(mode, role, operation, id=f"{mode}-{role}-{operation}",
                                   marks=pytest.mark.requirement(*load().privilege_requirements(role, operation)))


@pytest.mark.parametrize(("mode", "role", "operation"), list(_cells()))
def test_each_api_role_may_do_exactly_what_the_contract_grants(server, shared_dbs, sample, mode, role, operation,
                                                               evidence):
    """Tried through PostgREST's role switch; what the catalog says is recorded beside it."""
    expected = operation in load().privileges[role]
    with databases.connect(server, shared_dbs[mode]) as admin:
        catalog = admin.execute("select has_table_privilege(%s, 'public.cert_notification_log', %s)",
                                (role, operation)).fetchone()[0]
    try:
        with postgrest_session(server, shared_dbs[mode]) as api, api.request(role, _claims(role, sample)) as conn:
            conn.execute(OPERATIONS[operation], sample)
        observed = "allowed"
    except psycopg.errors.InsufficientPrivilege as refused:
        observed = f"refused ({refused.sqlstate})"
    evidence.put(PrivilegeCell(mode=mode, role=role, privilege=operation, expected=expected, catalog=catalog,
                               observed=observed))
    assert (catalog, observed) == (expected, "allowed" if expected else "refused (42501)")


@pytest.mark.requirement("AC-5")
def test_rls_refuses_a_write_even_if_a_grant_slips_in(server, fresh_db, sample):
    """Defence in depth: with a stray GRANT, RLS still refuses an authenticated user's write (what a stray grant
    would let it read is SEC-1's: no policy lets anyone read, asserted by pgTAP)."""
    with databases.connect(server, fresh_db, user="postgres", autocommit=True) as owner:
        owner.execute("grant select, insert on public.cert_notification_log to authenticated")
    with postgrest_session(server, fresh_db) as api, \
            api.request("authenticated", _claims("authenticated", sample)) as conn, \
            pytest.raises(psycopg.errors.InsufficientPrivilege) as caught:
        conn.execute(OPERATIONS["INSERT"], sample)
    assert "row-level security" in str(caught.value)


@pytest.mark.requirement("PLAT-1")
def test_both_default_privilege_modes_leave_the_same_privileges(server, shared_dbs):
    """Legacy auto-expose grants everything to anon and authenticated by default; the migration must not rely on
    either mode: each role's privileges are the same in both."""
    held = {}
    for mode in PRIVILEGE_MODES:
        with databases.connect(server, shared_dbs[mode]) as admin:
            held[mode] = {(role, privilege) for role in API_ROLES for privilege in TABLE_PRIVILEGES
                          if admin.execute("select has_table_privilege(%s, 'public.cert_notification_log', %s)",
                                           (role, privilege)).fetchone()[0]}
    first, second = (held[mode] for mode in PRIVILEGE_MODES)
    assert first == second, f"only in {PRIVILEGE_MODES[0]}: {sorted(first - second)}; only in " \
                            f"{PRIVILEGE_MODES[1]}: {sorted(second - first)}"
