"""Build, once per run, the migrated and seeded template databases every test clones.

base: the Supabase stand-in's per-database pieces, Tier 0, and the seeded people.
Per default-privilege mode, in two stages, each cloned from the one before:
    migrated: base -> privileges mode -> `supabase db push` (the CLI's splitter, history recorded);
        what the catalog checks (psql's \\d+, the linter, pgTAP, `supabase test db`) stand on.
    seeded: migrated -> schema dump -> seeded log rows, and beside them a second `supabase db push`
        (must be a no-op) -> every migration applied again, raw, with psql (the idempotency proof) ->
        schema dump and row fingerprint again; what every check of the data stands on.
A mutation run that a catalog check catches never pays for the seed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from certlog import standin
from certlog.database import connections, psql, queries
from certlog.database.seed import SeedPlan, SeedReport, load_log, load_people
from certlog.database.workspace import Workspace
from certlog.errors import SqlScriptFailed
from certlog.paths import migration_files
from certlog.provision.server import Server
from certlog.standin import Provenance
from certlog.tools.supabase_cli import CliRun, SupabaseCli

MIGRATION_ROLE = "postgres"
# The legacy template carries the whole seed (the plans, latencies and workloads are measured there); the
# revoked one needs rows only to prove a second apply keeps them, so it gets fewer.
SEEDED_ROWS = {"revoked": 2_000}
NO_OP_PUSH_MODE = "legacy"  # where the second `supabase db push` is tried (the CLI's history is mode-blind)
UP_TO_DATE = "Remote database is up to date"


class MigrationFailed(SqlScriptFailed):
    """The migration under test could not be applied: a verification failure, not a harness fault."""


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
    jobs_before: tuple[tuple, ...] = ()  # pg_cron's jobs of the database before and after the second apply
    jobs_after: tuple[tuple, ...] = ()

    @property
    def schema_identical(self) -> bool:
        return not self.second_apply_error and self.first_apply_digest == self.second_apply_digest

    @property
    def rows_kept(self) -> bool:
        return self.before_second_apply == self.after_second_apply


@dataclass(frozen=True)
class MigratedTemplate:
    name: str
    mode: str
    push: CliRun  # the CLI's apply
    history: list[dict]  # supabase_migrations.schema_migrations after it


@dataclass(frozen=True)
class PreparedTemplate:
    name: str
    mode: str
    pushes: tuple[CliRun, CliRun | None]  # the CLI's apply, then (in one mode) a second push that changes nothing
    history: list[dict]  # supabase_migrations.schema_migrations after the pushes
    idempotency: IdempotencyProof
    seed: SeedReport


def apply_migrations(server: Server, dbname: str, files: list[Path]) -> None:
    """Every file through psql as postgres, each in one transaction (the raw re-apply)."""
    for path in files:
        psql.run_file(server, dbname, path, user=MIGRATION_ROLE)


def migration_history(server: Server, dbname: str) -> list[dict]:
    """What `supabase db push` recorded; nothing if it never applied anything (no history table yet)."""
    with connections.connect(server, dbname, autocommit=True) as conn:
        if conn.execute("select to_regclass('supabase_migrations.schema_migrations')").fetchone()[0] is None:
            return []
        return queries.rows(conn, "migration_history")


def fingerprint(conn) -> Fingerprint:
    found = queries.one(conn, "table_fingerprint")
    return Fingerprint(found["row_count"], found["checksum"])


def scheduled_jobs(conn) -> tuple[tuple, ...]:
    """The database's pg_cron jobs (none where the server has no pg_cron)."""
    if conn.execute("select to_regclass('cron.job')").fetchone()[0] is None:
        return ()
    return tuple(tuple(job.values()) for job in queries.rows(conn, "scheduled_jobs"))


def build_base(workspace: Workspace, provenance: Provenance, people: SeedPlan, *, what: str = "base",
               template: str | None = None) -> str:
    """Stand-in, Tier 0 and the seeded users and certifications: what every template starts from
    (itself cloned from `template`, the database with pg_cron, where the server has it)."""
    name = workspace.create(what, template=template)
    standin.install_database(workspace.server, name, provenance)
    with connections.connect(workspace.server, name, autocommit=True) as conn:
        load_people(conn, people)
    return name


def push(cli: SupabaseCli, dbname: str, migrations: Path) -> CliRun:
    run = cli.db_push(dbname, migrations)
    if not run.ok:
        raise MigrationFailed("supabase db push", run.output, run.exit_code)
    return run


def build_migrated(workspace: Workspace, cli: SupabaseCli, base: str, mode: str, migrations: Path,
                   *, progress: Callable[[str], None] = lambda message: None, what: str = "") -> MigratedTemplate:
    """base, in privileges `mode`, with the migrations pushed by the CLI (which must have applied every file)."""
    server = workspace.server
    name = workspace.create(what or f"migrated_{mode}", template=base)
    standin.set_privilege_mode(server, name, mode)
    started = time.perf_counter()
    first_push = push(cli, name, migrations)
    history = migration_history(server, name)
    applied = {f"{h['version']}_{h['name']}.sql" for h in history}
    skipped = [p.name for p in migration_files(migrations) if p.name not in applied]
    if skipped:
        raise MigrationFailed("supabase db push", f"it did not apply {', '.join(skipped)} (the CLI applies only "
                              f"files named <timestamp>_<name>.sql):\n{first_push.output}", first_push.exit_code)
    progress(f"[{mode}] supabase db push applied the migrations in {time.perf_counter() - started:.2f}s")
    return MigratedTemplate(name, mode, first_push, history)


def build_template(workspace: Workspace, cli: SupabaseCli, migrated: MigratedTemplate, migrations: Path,
                   data: SeedPlan, *, progress: Callable[[str], None] = lambda message: None, what: str = "",
                   repeat_push: bool = True) -> PreparedTemplate:
    """A clone of `migrated`, seeded, its migrations then applied again (the idempotency proof)."""
    server, mode = workspace.server, migrated.mode
    name = workspace.create(what or f"tmpl_{mode}", template=migrated.name)
    first_dump = psql.schema_dump(server, name)
    with ThreadPoolExecutor(max_workers=1) as pool:  # the second push reads only the CLI's history: beside the seed
        second = pool.submit(cli.db_push, name, migrations) if repeat_push and mode == NO_OP_PUSH_MODE else None
        report = load_log(lambda: connections.connect(server, name, autocommit=True), data,
                          rows=SEEDED_ROWS.get(mode))
        second_push = second.result() if second else None
    with connections.connect(server, name, autocommit=True) as conn:
        before, jobs_before = fingerprint(conn), scheduled_jobs(conn)
    second_apply_error = ""
    try:
        apply_migrations(server, name, migration_files(migrations))
    except SqlScriptFailed as exc:  # recorded: the idempotency tests report it
        second_apply_error = str(exc)
        progress(f"[{mode}] the raw second apply FAILED: {exc}")
    second_dump = psql.schema_dump(server, name)
    with connections.connect(server, name, autocommit=True) as conn:
        after, jobs_after = fingerprint(conn), scheduled_jobs(conn)
    proof = IdempotencyProof(psql.digest(first_dump), psql.digest(second_dump), before, after, first_dump,
                             second_dump, second_apply_error, jobs_before, jobs_after)
    if before.rows and not after.rows:  # recorded in the proof (AC-7); the other tests still need their rows
        progress(f"[{mode}] the second apply lost every row: seeding again, so that only AC-7 reports it")
        load_log(lambda: connections.connect(server, name, autocommit=True), data, rows=SEEDED_ROWS.get(mode))
    progress(f"[{mode}] seeded {report.log_rows:,} rows in {report.seconds:.2f}s; applied again: "
             + ("identical" if proof.schema_identical and proof.rows_kept else "CHANGED"))
    return PreparedTemplate(name, mode, (migrated.push, second_push), migrated.history, proof, report)
