"""Turn a vanilla PostgreSQL 15 into what a Supabase project looks like to the migration."""

from __future__ import annotations

from psycopg import sql

from certlog.database.connections import connect
from certlog.database.psql import run_file
from certlog.paths import STANDIN
from certlog.provision.server import Server
from certlog.settings import PRIVILEGE_MODES

BASE_FILES = ("10_roles.sql", "20_schemas_and_auth.sql", "40_tier0.sql")
LOGIN_ROLES = ("postgres", "authenticator")


def install_base(server: Server, dbname: str) -> None:
    """Roles, schemas, auth.* functions and Tier 0 (as a superuser)."""
    for name in BASE_FILES:
        run_file(server, dbname, STANDIN / name)
    if server.password and server.kind == "container":
        _set_login_passwords(server, dbname)


def set_privilege_mode(server: Server, dbname: str, mode: str) -> None:
    if mode not in PRIVILEGE_MODES:
        raise ValueError(f"unknown default-privilege mode {mode!r}; choose one of {PRIVILEGE_MODES}")
    run_file(server, dbname, STANDIN / "30_default_privileges_legacy.sql")
    if mode == "revoked":
        run_file(server, dbname, STANDIN / "30_default_privileges_revoked.sql")


def _set_login_passwords(server: Server, dbname: str) -> None:
    """A container only accepts password logins: give the login roles the session's password."""
    with connect(server, dbname, autocommit=True) as conn:
        for role in LOGIN_ROLES:
            statement = sql.SQL("alter role {} password {}")
            conn.execute(statement.format(sql.Identifier(role), sql.Literal(server.password)))
