"""What every backend provides: a running PostgreSQL server and how to reach it."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

SUPERUSER = "supabase_admin"  # the real superuser, as on hosted Supabase (`postgres` is not one there)


@dataclass
class Server:
    """A running server.

    `host` is how the harness itself connects (a unix-socket directory or 127.0.0.1);
    `tcp_port` is where tools that need TCP (the Supabase CLI, its pg_prove container)
    reach the same server on 127.0.0.1, with `password` for every login role.
    """

    kind: str  # embedded | container | external
    host: str
    port: int
    superuser: str
    password: str | None = None
    tcp_port: int | None = None
    tcp_host: str = "127.0.0.1"
    bindir: str | None = None  # where psql / pg_dump for this server live
    # (engine CLI, container): run psql / pg_dump inside the server's container, whose client tools are the
    # server's major (the host's may be older: pg_dump refuses a newer server). None: run them on the host.
    client_container: tuple[str, str] | None = None
    startup_seconds: float = 0.0
    details: dict[str, str] = field(default_factory=dict)
    # Crash the server (no clean shutdown) and start it again on the same data; None where impossible.
    crash_and_start: Callable[[], None] | None = field(default=None, repr=False)
    # Called before every restart: work that must not lose its connections first waits or ends.
    before_restart: list[Callable[[], None]] = field(default_factory=list, repr=False)

    @property
    def can_restart(self) -> bool:
        return self.crash_and_start is not None

    def restart(self) -> None:
        """Crash and start again (what a test of crash safety needs), once what must not be cut off is done."""
        if self.crash_and_start is None:
            raise RuntimeError(f"the {self.kind} server cannot be restarted by this run")
        for hook in list(self.before_restart):
            hook()
        self.crash_and_start()

    def conninfo(self, dbname: str, user: str | None = None) -> str:
        user = user or self.superuser
        parts = [f"host={self.host}", f"port={self.port}", f"dbname={dbname}", f"user={user}"]
        if self.password:
            parts.append(f"password={self.password}")
        return " ".join(parts)

    def tcp_url(self, dbname: str, user: str = "postgres") -> str:
        """postgresql:// URL over TCP (127.0.0.1 for the servers the harness starts), as the Supabase CLI takes it."""
        if self.tcp_port is None:
            raise ValueError(f"the {self.kind} server has no TCP listener")
        auth = quote(user, safe="") + (f":{quote(self.password, safe='')}" if self.password else "")
        return f"postgresql://{auth}@{self.tcp_host}:{self.tcp_port}/{quote(dbname, safe='')}?sslmode=disable"

    def redact(self, text: str) -> str:
        """`text` with the session's password replaced, for logs and the evidence."""
        if not self.password:
            return text
        return text.replace(quote(self.password, safe=""), "***").replace(self.password, "***")

    def client_env(self, dbname: str, user: str | None = None) -> dict[str, str]:
        """Environment for psql / pg_dump / pg_prove, so no secret lands on a command line."""
        env = dict(os.environ)
        for key in ("PGSERVICE", "PGOPTIONS", "PGPASSFILE"):
            env.pop(key, None)
        env.update(PGHOST=self.host, PGPORT=str(self.port), PGDATABASE=dbname, PGUSER=user or self.superuser)
        if self.password:
            env["PGPASSWORD"] = self.password
        else:
            env.pop("PGPASSWORD", None)
        return env

    def client(self, name: str, dbname: str, user: str | None = None) -> tuple[list[str], dict[str, str], bool]:
        """How to run client tool `name` (psql, pg_dump) against `dbname`: (argv to start it, its environment,
        whether it reads files only from stdin). Inside a container it reaches the server over TCP on the
        container's own loopback, with the same login (the environment names the variables, no secret on a
        command line)."""
        env = self.client_env(dbname, user)
        if self.client_container is None:
            return [self.tool(name)], env, False
        engine, container = self.client_container
        env.update(PGHOST="127.0.0.1", PGPORT="5432")
        passed = [arg for var in ("PGHOST", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD") if var in env
                  for arg in ("-e", var)]
        return [engine, "exec", "-i", *passed, container, name], env, True

    def tool(self, name: str) -> str:
        if self.bindir:
            path = os.path.join(self.bindir, name)
            if os.access(path, os.X_OK):
                return path
        return name
