"""The databases one run creates on a server: all named certlog_<run>_<what>, all dropped at the end.

While a run lives it holds an advisory lock keyed by its run id, so a later run can tell a
live run's databases from those of a run that was killed: those it drops before starting.
On a server the run did not start (external), every database created is also registered
with the janitor, so a killed run's databases are dropped by the watchdog right away.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import threading

import psycopg

from certlog.database.connections import connect, create_database, drop_database
from certlog.provision.janitor import Janitor
from certlog.provision.server import Server

PREFIX = "certlog_"
NAME = re.compile(r"^certlog_([0-9a-f]{8})_")
OWNER = "postgres"  # as on Supabase: the project's database belongs to postgres


def _lock_key(run_id: str) -> int:
    return int(run_id, 16)


class Workspace:
    def __init__(self, server: Server, run_id: str | None = None) -> None:
        self.server = server
        self.run_id = run_id or secrets.token_hex(4)
        self.created: dict[str, int | None] = {}  # name -> janitor token
        self._lock = threading.Lock()
        self._guard = connect(server, "postgres", autocommit=True)
        self._guard.execute("select pg_advisory_lock(%s)", (_lock_key(self.run_id),))
        # A server this process started has no other run's leftovers (and may be restarted on purpose by
        # a crash test, which frees the locks of live runs): only an external server is searched.
        self.stale_dropped = drop_stale(server) if server.kind == "external" else []

    def name(self, what: str) -> str:
        return f"{PREFIX}{self.run_id}_{what}"

    def create(self, what: str, *, template: str | None = None, owner: str = OWNER) -> str:
        name = self.name(what)
        with connect(self.server, "postgres", autocommit=True) as conn:
            drop_database(conn, name)
            create_database(conn, name, template=template, owner=owner)
        token = None
        if self.server.kind == "external":
            token = Janitor.get().register("drop_databases", conninfo=self.server.conninfo("postgres"), names=[name])
        with self._lock:
            self.created[name] = token
        return name

    def drop(self, name: str) -> None:
        with connect(self.server, "postgres", autocommit=True) as conn:
            drop_database(conn, name)
        with self._lock:
            token = self.created.pop(name, None)
        if token is not None:
            Janitor.get().done(token)

    def discard(self, name: str) -> None:
        """Drop it if the server can be reached; if not (a crash test interrupted mid-restart), the run's end, which
        removes the server, removes it too."""
        with contextlib.suppress(psycopg.OperationalError):
            self.drop(name)

    def close(self) -> None:
        """Drop every database the run created (newest first) and release the run's lock."""
        try:
            for name in reversed(list(self.created)):
                with contextlib.suppress(psycopg.OperationalError):
                    self.drop(name)
        finally:
            with contextlib.suppress(psycopg.Error):
                self._guard.close()


def drop_stale(server: Server) -> list[str]:
    """Drop the databases of runs that are gone (their run's advisory lock is free)."""
    dropped = []
    with connect(server, "postgres", autocommit=True) as conn:
        names = [n for (n,) in conn.execute("select datname from pg_database where datname like 'certlog\\_%'")]
        for run_id in sorted({m.group(1) for m in map(NAME.match, names) if m}):
            if not conn.execute("select pg_try_advisory_lock(%s)", (_lock_key(run_id),)).fetchone()[0]:
                continue  # a live run
            try:
                for name in [n for n in names if n.startswith(f"{PREFIX}{run_id}_")]:
                    drop_database(conn, name)
                    dropped.append(name)
            finally:
                conn.execute("select pg_advisory_unlock(%s)", (_lock_key(run_id),))
    return dropped
