"""Real psql and pg_dump against a server: SQL files, \\d+ output, schema dumps."""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from certlog.errors import SqlScriptFailed
from certlog.provision.server import Server


def run_file(server: Server, dbname: str, path: Path, *, user: str | None = None) -> str:
    """Run one SQL file in a single transaction; on any error nothing of it stays."""
    psql, env, stdin_only = server.client("psql", dbname, user)
    argv = [*psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "--single-transaction", "-f", "-" if stdin_only else str(path)]
    out = subprocess.run(argv, capture_output=True, text=True, env=env,
                         input=path.read_text() if stdin_only else None)
    if out.returncode != 0:
        raise SqlScriptFailed(path.name, out.stderr, out.returncode)
    return out.stdout


def run_command(server: Server, dbname: str, command: str, *, user: str | None = None,
                options: tuple[str, ...] = ()) -> str:
    psql, env, _ = server.client("psql", dbname, user)
    argv = [*psql, "-X", "-v", "ON_ERROR_STOP=1", *options, "-c", command]
    out = subprocess.run(argv, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
    if out.returncode != 0:
        raise SqlScriptFailed(command, out.stderr, out.returncode)
    return out.stdout


def describe(server: Server, dbname: str, table: str = "public.cert_notification_log") -> str:
    """The real `\\d+` output of a table, as a reviewer would see it in psql (aligned, unwrapped)."""
    return run_command(server, dbname, rf"\d+ {table}", options=("-P", "format=aligned", "-P", "pager=off"))


def schema_dump(server: Server, dbname: str) -> str:
    pg_dump, env, _ = server.client("pg_dump", dbname)
    out = subprocess.run([*pg_dump, "--schema-only"], capture_output=True, text=True, env=env,
                         stdin=subprocess.DEVNULL)
    if out.returncode != 0:
        raise SqlScriptFailed("pg_dump --schema-only", out.stderr, out.returncode)
    # pg_dump 15.14+ brackets the dump with \restrict <random key>; the key differs per run.
    volatile = ("\\restrict ", "\\unrestrict ")
    return "".join(line for line in out.stdout.splitlines(True) if not line.startswith(volatile))


def digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()
