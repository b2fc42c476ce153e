"""Build, once per session, the migrated and seeded template databases.

base (stand-in + Tier 0) -> one template per default-privilege mode:
    privileges mode, migration apply #1, schema dump, seed, migration apply #2,
    schema dump again, fingerprint before and after the second apply.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from certlog import standin
from certlog.database import connections as databases
from certlog.database import psql, queries
from certlog.database.seed import SeedReport, seed
from certlog.errors import SqlScriptFailed
from certlog.paths import migration_files
from certlog.provision.server import Server
from certlog.settings import Settings

BASE_DB = "certlog_base"
MIGRATION_ROLE = "postgres"


@dataclass(frozen=True)
class Fingerprint:
    rows: int
    checksum: str


@dataclass(frozen=True)
class IdempotencyProof:
    first_apply_digest: str
    second_apply_digest: str
    before_second_apply: Fingerprint
    after_second_apply: Fingerprint
    first_dump: str
    second_dump: str
    second_apply_error: str = ""

    @property
    def schema_identical(self) -> bool:
        return not self.second_apply_error and self.first_apply_digest == self.second_apply_digest

    @property
    def rows_kept(self) -> bool:
        return self.before_second_apply == self.after_second_apply


@dataclass(frozen=True)
class PreparedTemplate:
    name: str
    mode: str
    idempotency: IdempotencyProof
    seed: SeedReport
    migrate_seconds: float


def template_name(mode: str) -> str:
    return f"certlog_tmpl_{mode}"


def apply_migrations(server: Server, dbname: str, files: list[Path]) -> None:
    for path in files:
        psql.run_file(server, dbname, path, user=MIGRATION_ROLE)


def fingerprint(conn) -> Fingerprint:
    found = queries.one(conn, "table_fingerprint")
    return Fingerprint(found["row_count"], found["checksum"])


def build_base(server: Server) -> None:
    databases.drop_database(server, BASE_DB)
    databases.create_database(server, BASE_DB)
    standin.install_base(server, BASE_DB)


def build_empty(server: Server, settings: Settings, mode: str, name: str) -> None:
    """Stand-in, privileges mode and migration, no rows: where seeding is measured."""
    databases.drop_database(server, name)
    databases.create_database(server, name, template=BASE_DB)
    standin.set_privilege_mode(server, name, mode)
    apply_migrations(server, name, migration_files(settings.migrations_dir))


def build_template(server: Server, settings: Settings, mode: str, *,
                   progress: Callable[[str], None] = lambda message: None,
                   files: list[Path] | None = None, name: str | None = None) -> PreparedTemplate:
    name = name or template_name(mode)
    files = files or migration_files(settings.migrations_dir)
    databases.drop_database(server, name)
    databases.create_database(server, name, template=BASE_DB)
    standin.set_privilege_mode(server, name, mode)
    started = time.perf_counter()
    apply_migrations(server, name, files)
    migrate_seconds = time.perf_counter() - started
    first_dump = psql.schema_dump(server, name)
    progress(f"[{mode}] migration applied in {migrate_seconds:.2f}s; seeding {settings.seed_rows:,} rows")
    with databases.connect(server, name, autocommit=True) as conn:
        report = seed(conn, settings.seed_rows, settings.seed,
                      progress=lambda table, done, total: progress(f"[{mode}] {table}: {done:,}/{total:,}"))
        before = fingerprint(conn)
    progress(f"[{mode}] seeded in {report.seconds:.2f}s; applying the migration a second time")
    second_apply_error = ""
    try:
        apply_migrations(server, name, files)
    except SqlScriptFailed as exc:  # recorded: the idempotency tests report it
        second_apply_error = str(exc)
        progress(f"[{mode}] the second apply FAILED: {exc}")
    second_dump = psql.schema_dump(server, name)
    with databases.connect(server, name, autocommit=True) as conn:
        after = fingerprint(conn)
    proof = IdempotencyProof(psql.digest(first_dump), psql.digest(second_dump), before, after, first_dump, second_dump,
                             second_apply_error)
    return PreparedTemplate(name, mode, proof, report, migrate_seconds)
