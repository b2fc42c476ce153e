"""What every backend provides: a running PostgreSQL server and how to reach it."""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from urllib.parse import quote


@dataclass
class Server:
    """A running server. `host` is a unix-socket directory or 127.0.0.1."""

    kind: str  # embedded | container | external
    host: str
    port: int
    superuser: str
    password: str | None = None
    bindir: str | None = None  # where psql / pg_dump for this server live
    startup_seconds: float = 0.0
    details: dict[str, str] = field(default_factory=dict)
    # Crash the server (no clean shutdown) and start it again on the same data; None where impossible.
    restart: Callable[[], None] | None = field(default=None, repr=False)

    def conninfo(self, dbname: str, user: str | None = None) -> str:
        user = user or self.superuser
        parts = [f"host={self.host}", f"port={self.port}", f"dbname={dbname}", f"user={user}"]
        if self.password:
            parts.append(f"password={self.password}")
        return " ".join(parts)

    def url(self, dbname: str, user: str | None = None) -> str:
        user = user or self.superuser
        auth = quote(user) + (f":{quote(self.password)}" if self.password else "")
        if self.host.startswith("/"):
            return f"postgresql://{auth}@/{dbname}?host={quote(self.host)}&port={self.port}"
        return f"postgresql://{auth}@{self.host}:{self.port}/{dbname}"

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

    def tool(self, name: str) -> str:
        if self.bindir:
            path = os.path.join(self.bindir, name)
            if os.access(path, os.X_OK):
                return path
        return name


@contextmanager
def terminate_as_interrupt():
    """SIGTERM (a CI timeout, `kill`) unwinds like Ctrl-C, so the server is stopped and its files removed."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupt(signum, frame):
        raise KeyboardInterrupt(f"signal {signum}")

    previous = signal.signal(signal.SIGTERM, interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
