"""Turn a vanilla PostgreSQL 15 into what a Supabase project looks like to the migration.

The stand-in's SQL (standin/sql/) only creates what is missing and reports each piece as
its own ('supplied') or the server's ('server'); the harness records that in the evidence.
Cluster-wide pieces (roles, their settings and memberships) are installed once per server;
per-database pieces (schemas, extensions, auth.* functions, Tier 0, default privileges)
in every database the harness creates, which always belongs to `postgres`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from psycopg import sql

from certlog.database.connections import connect, drop_database
from certlog.paths import STANDIN
from certlog.provision.server import Server
from certlog.settings import PRIVILEGE_MODES

ROLES_FILE = "10_roles.sql"
DATABASE_FILES = ("20_schemas_and_auth.sql", "40_tier0.sql")
LOGIN_ROLES = ("postgres", "authenticator")
NOTICE = re.compile(r"^certlog-standin: (supplied|server|missing) (.+)$")


@dataclass
class Provenance:
    """Which Supabase pieces the server had and which the stand-in supplied."""

    pieces: dict[str, str] = field(default_factory=dict)  # piece -> supplied | server | missing
    created_databases: list[str] = field(default_factory=list)  # server-wide databases the stand-in made

    def supplied_roles(self) -> list[str]:
        return [p.removeprefix("role ") for p, source in self.pieces.items()
                if source == "supplied" and p.startswith("role ")]


def run_script(server: Server, dbname: str, name: str, provenance: Provenance | None = None) -> None:
    """One stand-in file in one transaction, as a superuser; its NOTICEs go into `provenance`."""
    with connect(server, dbname) as conn:
        if provenance is not None:
            conn.add_notice_handler(lambda diag: _note(provenance, diag.message_primary or ""))
        conn.execute((STANDIN / name).read_text())
        conn.commit()


def _note(provenance: Provenance, message: str) -> None:
    found = NOTICE.match(message)
    if found:
        provenance.pieces.setdefault(found.group(2), found.group(1))


def install_roles(server: Server) -> Provenance:
    """Roles with their attributes, settings and memberships; a role the run creates gets the run's password."""
    provenance = Provenance()
    run_script(server, "postgres", ROLES_FILE, provenance)
    if server.password:
        with connect(server, "postgres", autocommit=True) as conn:
            for role in provenance.supplied_roles():
                if role in LOGIN_ROLES:
                    conn.execute(sql.SQL("alter role {} password {}").format(
                        sql.Identifier(role), sql.Literal(server.password)))
    return provenance


def install_database(server: Server, dbname: str, provenance: Provenance) -> None:
    """Schemas, extensions, auth.* functions and Tier 0 in one of the harness's databases."""
    for name in DATABASE_FILES:
        run_script(server, dbname, name, provenance)


def set_privilege_mode(server: Server, dbname: str, mode: str) -> None:
    if mode not in PRIVILEGE_MODES:
        raise ValueError(f"unknown default-privilege mode {mode!r}; choose one of {PRIVILEGE_MODES}")
    run_script(server, dbname, "30_default_privileges_legacy.sql")
    if mode == "revoked":
        run_script(server, dbname, "30_default_privileges_revoked.sql")


def remove_supplied(server: Server, provenance: Provenance) -> None:
    """On a server the run did not make: remove the databases and roles the stand-in created."""
    with connect(server, "postgres", autocommit=True) as conn:
        for name in reversed(provenance.created_databases):
            drop_database(conn, name)
        for role in reversed(provenance.supplied_roles()):
            conn.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(role)))
