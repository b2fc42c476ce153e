"""pgTAP: install the extension, run test files the way pg_prove does, parse their TAP."""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from tap.parser import Parser

from certlog.database.connections import connect
from certlog.errors import CertlogError
from certlog.provision.server import Server

TEST_ROLE = "postgres"  # supabase test db connects as postgres
PSQL_TAP_OPTIONS = ["-X", "--no-align", "--quiet", "--tuples-only", "--pset", "pager=off", "-v", "ON_ERROR_STOP=1"]


class PgTapMissing(CertlogError):
    @classmethod
    def extension(cls, detail: str) -> PgTapMissing:
        return cls(f"the pgTAP extension is not installed on the server ({detail.strip()}); "
                   "on Debian: apt-get install postgresql-15-pgtap (README: set-up)")

    @classmethod
    def pg_prove(cls) -> PgTapMissing:
        return cls("pg_prove not found on PATH; on Debian: apt-get install libtap-parser-sourcehandler-pgtap-perl")


@dataclass(frozen=True)
class TapResult:
    number: int
    ok: bool
    description: str
    diagnostics: str = ""
    skip: bool = False
    todo: bool = False


@dataclass
class TapRun:
    file: str
    planned: int | None
    results: list[TapResult] = field(default_factory=list)
    bail: str = ""  # psql's error when the file stopped early

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if r.ok and not r.skip)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.results if not r.ok)

    @property
    def complete(self) -> bool:
        return not self.bail and self.planned == len(self.results)


def ensure_extension(server: Server, dbname: str) -> str:
    """`create extension if not exists pgtap with schema extensions`, as supabase test db does."""
    with connect(server, dbname, autocommit=True) as conn:
        try:
            conn.execute("create extension if not exists pgtap with schema extensions")
        except (psycopg.errors.FeatureNotSupported, psycopg.errors.UndefinedFile) as exc:
            raise PgTapMissing.extension(str(exc)) from exc
        return conn.execute("select extversion from pg_extension where extname = 'pgtap'").fetchone()[0]


def run_file(server: Server, dbname: str, path: Path) -> TapRun:
    psql, env, stdin_only = server.client("psql", dbname, TEST_ROLE)
    argv = [*psql, *PSQL_TAP_OPTIONS, "-f", "-" if stdin_only else str(path)]
    out = subprocess.run(argv, capture_output=True, text=True, env=env, input=path.read_text() if stdin_only else None)
    run = parse(path.name, out.stdout)
    if out.returncode != 0:
        run.bail = out.stderr.strip() or f"psql exited {out.returncode}"
    return run


def parse(name: str, text: str) -> TapRun:
    run = TapRun(file=name, planned=None)
    for line in Parser().parse_text(text):
        if line.category == "plan":
            run.planned = line.expected_tests
        elif line.category == "test":
            description = (line.description or "").removeprefix("- ").strip()
            run.results.append(TapResult(line.number, line.ok, description, skip=line.skip, todo=line.todo))
        elif line.category == "diagnostic" and run.results:
            last = run.results[-1]
            run.results[-1] = TapResult(last.number, last.ok, last.description,
                                        (last.diagnostics + "\n" + line.text).strip(), last.skip, last.todo)
    return run


def pg_prove(server: Server, dbname: str, directory: Path) -> subprocess.CompletedProcess:
    """Exactly what `supabase test db` runs: pg_prove --ext .pg --ext .sql -r <dir>."""
    if not shutil.which("pg_prove"):
        raise PgTapMissing.pg_prove()
    env = server.client_env(dbname, TEST_ROLE)
    argv = ["pg_prove", "--ext", ".pg", "--ext", ".sql", "-r", str(directory)]
    return subprocess.run(argv, capture_output=True, text=True, env=env)
