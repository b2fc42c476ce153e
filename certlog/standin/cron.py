"""Supabase Cron in the stand-in: pg_cron in every database the harness creates, and real runs of jobs.

pg_cron runs jobs in one database only (cron.database_name, `certlog_cron` on the servers the
harness starts), refuses to be created in any other, and refuses to schedule a job while that
database is missing. So the extension is created, as on Supabase, in a database of that name,
which stays (empty) for the whole run and is also copied to a template every base database is
cloned from: each of the harness's databases has pg_cron, and the migration's `create extension
if not exists pg_cron` is the no-op it is on Supabase. To see a job really run, a migrated copy
takes that name for a moment (see `run_jobs_now`).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

from psycopg import sql

from certlog.database.connections import connect, create_database, drop_database
from certlog.paths import STANDIN
from certlog.provision.embedded import CRON_DATABASE
from certlog.provision.server import Server
from certlog.standin import Provenance

TEMPLATE = "certlog_cron_template"


def prepare(server: Server, provenance: Provenance) -> str | None:
    """The template with pg_cron enabled, or None (recorded) where this server's pg_cron cannot serve it.
    Where it creates them, `provenance.created_databases` names the databases (to drop on a server the run
    did not start)."""
    with connect(server, "postgres", autocommit=True) as conn:
        preloaded = "pg_cron" in conn.execute("show shared_preload_libraries").fetchone()[0]
        served = conn.execute("select current_setting('cron.database_name', true)").fetchone()[0]
        if not preloaded or served != CRON_DATABASE:
            provenance.pieces.setdefault("extension pg_cron", "missing")
            return None
        if conn.execute("select 1 from pg_database where datname = %s", (TEMPLATE,)).fetchone():
            return TEMPLATE
        create_database(conn, CRON_DATABASE, owner="postgres")
        provenance.created_databases += [CRON_DATABASE, TEMPLATE]
    with connect(server, CRON_DATABASE, autocommit=True) as conn:
        conn.execute((STANDIN / "15_pg_cron.sql").read_text())
    with connect(server, "postgres", autocommit=True) as conn:
        _close(conn, CRON_DATABASE)
        create_database(conn, TEMPLATE, template=CRON_DATABASE, owner="postgres")
        _open(conn, CRON_DATABASE)
    provenance.pieces["extension pg_cron (in every database, as the Cron integration enables it)"] = "supplied"
    return TEMPLATE


def _open(conn, dbname: str) -> None:
    conn.execute(sql.SQL("alter database {} allow_connections true").format(sql.Identifier(dbname)))


def _close(conn, dbname: str) -> None:
    """No connection to `dbname` (pg_cron's scheduler reconnects unless the database refuses connections)."""
    conn.execute(sql.SQL("alter database {} allow_connections false").format(sql.Identifier(dbname)))
    for _ in range(100):
        conn.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = %s", (dbname,))
        if not conn.execute("select 1 from pg_stat_activity where datname = %s", (dbname,)).fetchone():
            return
        time.sleep(0.05)


@contextlib.contextmanager
def run_jobs_now(server: Server, template: str, jobname: str) -> Iterator[str]:
    """A clone of `template` under the name pg_cron serves, with job `jobname` due at once: its schedule set
    to @reboot, which pg_cron runs when the server starts, and the server restarted. Everything else about
    the job (command, role) is the migration's. Yields the database; the empty one comes back after."""
    if not server.can_restart:
        raise RuntimeError(f"the {server.kind} backend cannot restart its server to start pg_cron's scheduler")
    staging, idle = f"{CRON_DATABASE}_staging", f"{CRON_DATABASE}_idle"
    ids = {name: sql.Identifier(name) for name in (staging, CRON_DATABASE, idle)}
    with connect(server, "postgres", autocommit=True) as conn:
        drop_database(conn, staging)
        create_database(conn, staging, template=template, owner="postgres")
        with connect(server, staging, autocommit=True) as staged:
            changed = staged.execute("update cron.job set schedule = '@reboot' where jobname = %s",
                                     (jobname,)).rowcount
        if changed != 1:
            raise LookupError(f"{changed} pg_cron jobs named {jobname!r} in {template}")
        _close(conn, CRON_DATABASE)
        conn.execute(sql.SQL("alter database {} rename to {}").format(ids[CRON_DATABASE], ids[idle]))
        conn.execute(sql.SQL("alter database {} rename to {}").format(ids[staging], ids[CRON_DATABASE]))
    try:
        server.restart()
        yield CRON_DATABASE
    finally:
        with connect(server, "postgres", autocommit=True) as conn:
            if conn.execute("select 1 from pg_database where datname = %s", (idle,)).fetchone():
                drop_database(conn, CRON_DATABASE)
                conn.execute(sql.SQL("alter database {} rename to {}").format(ids[idle], ids[CRON_DATABASE]))
                _open(conn, CRON_DATABASE)
            drop_database(conn, staging)
