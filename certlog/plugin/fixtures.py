"""Fixtures and hooks: one server and one set of migrated, seeded templates per session.

What the session records (outcomes, evidence) is certlog.plugin.record; the fixtures here
give the tests their server, databases, connections and the Supabase CLI.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest

from certlog.database import connections as databases
from certlog.database import queries
from certlog.errors import EXIT_FAILED, CertlogError
from certlog.model import evidence as records
from certlog.model.contract import load
from certlog.plugin import results as results_files
from certlog.plugin.record import SessionRecord
from certlog.session import templates as build
from certlog.session.background import Background
from certlog.session.cli_steps import STEPS
from certlog.session.harness import Harness, ProvidedServer, ProvidedSettings, provided
from certlog.session.lazy import Lazy
from certlog.session.templates import MigrationFailed
from certlog.settings import TASK_ROWS, Settings
from certlog.standin.postgrest import postgrest_session
from certlog.tools.supabase_cli import PG_PROVE_IMAGE
from certlog.tools.supabase_cli import VERSION as CLI_VERSION

SETTINGS = pytest.StashKey[Settings]()  # the session's settings, read once as pytest starts
RECORD = pytest.StashKey[SessionRecord]()  # what the session records


def pytest_addoption(parser):
    group = parser.getgroup("certlog")
    group.addoption("--certlog-command", default="pytest", help="the certlog command this session belongs to")
    group.addoption("--certlog-allow-missing", default="",
                    help="comma-separated extensions this server may lack: their checks are skipped, saying so "
                         "(the majors runner, for servers from wheels that ship no pg_cron or plpgsql_check)")
    group.addoption("--certlog-results", default=None,
                    help="where this session's results go (default: <report dir>/runs/<started>-<command>.json)")


def _collect_garbage_once(config) -> None:
    """pytest ends a session with five full garbage collections, to report what objects' finalizers raised; over
    a session's heap (the seed plan, the evidence) each takes a twentieth of a second: one is enough."""
    try:
        from _pytest.unraisableexception import gc_collect_iterations_key
    except ImportError:  # another pytest: its own count
        return
    config.stash[gc_collect_iterations_key] = 1


def pytest_configure(config):
    _collect_garbage_once(config)
    handed = provided(config, ProvidedSettings)
    try:
        settings = handed.settings if handed else Settings.from_env()
    except CertlogError as exc:
        raise pytest.UsageError(f"certlog: {exc}") from None
    config.stash[SETTINGS] = settings
    config.addinivalue_line("markers", "requirement(*ids): the task requirements this test proves")
    config.addinivalue_line("markers", "repository: checks the repository itself, not the migration's content")
    config.addinivalue_line("markers", "needs(*extensions): server extensions the test cannot run without")
    config.addinivalue_line("markers", "cli_step(name): checks what a Supabase CLI step of certlog.session.cli_steps "
                                       "did (the `cli_step` fixture); the step needs what it needs (`needs`)")
    config.addinivalue_line("markers", "exclusive: needs the server to itself (restarts it, or measures latency): "
                                       "runs last, once the session's background work has ended")
    command = config.getoption("--certlog-command")
    results = Path(config.getoption("--certlog-results") or (
        settings.report_dir / "runs" / f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{command}-{uuid.uuid4().hex[:6]}.json"))
    results_files.prune_runs(settings.report_dir / "runs")
    config.stash[RECORD] = SessionRecord(settings, command, results)
    config.pluginmanager.register(config.stash[RECORD], "certlog-session-record")


EARLY = ("schema/", "conformance/test_pgtap_suite.py")  # quick checks of what the catalog says: a broken
# migration is caught by them soonest (a mutation run stops at its first failure)


def pytest_collection_modifyitems(config, items):
    """The tests a runner wants first (the ones that must catch its mutant); then the quick catalog checks, those
    that need no seeded rows first of all (the rows are loaded meanwhile, and a mutation run they catch never loads
    them), then the tests of the requirements a mutant says it breaks; tests that need the server to themselves
    last (the background work then overlaps every other test). A
    lazy session (a mutation run, which stops at its first failure) runs the revoked mode's tests after all the
    legacy mode's: it may then never need that template."""
    handed, server = provided(config, ProvidedSettings), provided(config, ProvidedServer)
    first, suspects = (handed.first, set(handed.suspects)) if handed else ((), set())
    lazy = server is not None and server.lazy

    def rank(item) -> tuple:
        early = item.nodeid.startswith(EARLY)
        group = next((i for i, prefix in enumerate(first) if item.nodeid.startswith(prefix)), len(first))
        suspect = bool(suspects & {r for m in item.iter_markers("requirement") for r in m.args})
        return (lazy and "revoked" in item.nodeid, group, item.get_closest_marker("exclusive") is not None,
                not early, not suspect, early and "templates" in item.fixturenames)

    items.sort(key=rank)


def say(config, message: str) -> None:
    """Progress on the terminal, also from inside a fixture while output is being captured."""
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    capture = config.pluginmanager.get_plugin("capturemanager")
    if reporter is None:
        return
    if capture is None:
        reporter.write_line(f"certlog: {message}")
        return
    with capture.global_and_fixture_disabled():
        reporter.write_line(f"certlog: {message}")
        reporter.flush()


def settings_of(config) -> Settings:
    """The session's settings, read once when pytest starts."""
    return config.stash[SETTINGS]


@pytest.fixture(scope="session")
def settings(request) -> Settings:
    return settings_of(request.config)


@pytest.fixture(scope="session")
def session_evidence(request) -> records.Recorder:
    """Records made for the whole session (by fixtures): stamped 'session'."""
    return records.Recorder(request.config.stash[RECORD].evidence, "session")


@pytest.fixture
def evidence(request) -> records.Recorder:
    """Records made by a test: stamped with its node id, so the report shows that test's verdict."""
    return records.Recorder(request.config.stash[RECORD].evidence, request.node.nodeid)


@pytest.fixture(scope="session")
def harness(settings, session_evidence, request):
    """The session's server, databases, templates and Supabase CLI; all removed at the end."""
    config = request.config
    try:
        rig = Harness.open(settings, lambda message: say(config, message), provided(config, ProvidedServer),
                           on_template=lambda made: _record_template(session_evidence, made))
    except CertlogError as exc:
        pytest.exit(f"certlog: {exc}", returncode=exc.exit_code)
    server = rig.server
    try:
        with databases.connect(server, "postgres") as conn:
            version = conn.execute("select version()").fetchone()[0]
        session_evidence.put(records.ServerInfo(kind=server.kind, version=version, details=server.details,
                                                startup_seconds=round(server.startup_seconds, 2)))
        say(config, f"{server.kind} server ready in {server.startup_seconds:.2f}s: {version}")
        yield rig
    except CertlogError as exc:
        rig.close()
        pytest.exit(f"certlog: {exc}", returncode=exc.exit_code)
    finally:
        rig.close()


@pytest.fixture(scope="session")
def server(harness):
    return harness.server


@pytest.fixture(autouse=True)
def _needed_extensions(request):
    """A test marked needs("x") fails if the server lacks extension x, unless the run allows it to be missing
    (--certlog-allow-missing): then it is skipped with the reason, and the skip fails its requirements."""
    needed = [x for marker in request.node.iter_markers("needs") for x in marker.args]
    needed += [x for marker in request.node.iter_markers("cli_step") for x in STEPS[marker.args[0]].needs]
    if not needed:
        return
    harness = request.getfixturevalue("harness")
    missing = [x for x in needed if x not in harness.available_extensions]
    if not missing:
        return
    allowed = set(filter(None, request.config.getoption("--certlog-allow-missing").split(",")))
    reason = (f"the server ({harness.server_version}) lacks the extension(s) {', '.join(missing)} this check needs")
    if set(missing) <= allowed:
        pytest.skip(reason)
    pytest.fail(reason + "; on Debian: make setup installs postgresql-15-plpgsql-check and postgresql-15-cron",
                pytrace=False)


def _record_template(recorder: records.Recorder, t: build.PreparedTemplate) -> None:
    proof = t.idempotency
    recorder.put(records.TemplateRecord(
        mode=t.mode, users=t.seed.users, certifications=t.seed.certifications, log_rows=t.seed.log_rows,
        seed_seconds=round(t.seed.seconds, 2), first_apply_digest=proof.first_apply_digest,
        second_apply_digest=proof.second_apply_digest, rows_before=proof.before_second_apply.rows,
        rows_after=proof.after_second_apply.rows, checksum_before=proof.before_second_apply.checksum,
        checksum_after=proof.after_second_apply.checksum, second_apply_error=proof.second_apply_error))


MIGRATION_APPLIES = "the migrations apply (supabase db push)"  # the check a failed push is recorded as


class _Built(Mapping):
    """Templates of the harness (a Lazy of it); a migration that cannot be applied ends the session with one
    line."""

    def __init__(self, made: Lazy, recorder: records.Recorder) -> None:
        self.made, self.recorder = made, recorder

    def __getitem__(self, mode):
        try:
            return self.made[mode]
        except MigrationFailed as exc:
            self._failed(exc)

    def _failed(self, exc: MigrationFailed):
        """The failure is the verdict of the requirements it decides, then the session ends (nothing stands)."""
        evidence = self.recorder.evidence
        evidence.migration_failure = str(exc)
        evidence.tests.append(records.TestOutcome(
            nodeid=MIGRATION_APPLIES, outcome="failed", requirements=list(load().proves["migration_applies"]),
            doc="every migration applies through supabase db push", message=str(exc)[:400]))
        pytest.exit(f"certlog: the migration could not be applied: {exc}", returncode=exc.exit_code)

    def __iter__(self):
        return iter(self.made)

    def __len__(self):
        return len(self.made)

    def prefetch(self) -> None:
        try:
            self.made.prefetch()
        except MigrationFailed as exc:
            self._failed(exc)


@pytest.fixture(scope="session")
def migrated(harness, session_evidence) -> Mapping[str, build.MigratedTemplate]:
    """mode -> the template the CLI pushed the migrations into, no log rows yet: what catalog checks stand on.
    All built at once, or each on first use in a lazy (mutation) run."""
    session_evidence.put(*[records.StandinPiece(piece=piece, source=source)
                           for piece, source in harness.provenance.pieces.items()])
    built = _Built(harness.migrated, session_evidence)
    if not harness.lazy:
        built.prefetch()
    return built


@pytest.fixture(scope="session")
def templates(harness, migrated, session_evidence, background) -> Mapping[str, build.PreparedTemplate]:
    """mode -> the migrated template seeded and applied again; built in the background as the session starts
    (the catalog checks run meanwhile), or each on first use in a lazy (mutation) run."""
    if not harness.lazy:
        background.prefetch(harness.templates, list(harness.templates))
    return _Built(harness.templates, session_evidence)


@pytest.fixture(scope="session")
def task_scale_rows(templates) -> int:
    """The seeded rows, when they are the task's scale: a check that proves something about 50 000 rows
    fails, saying so, on a smaller seed (CERTLOG_SEED_ROWS) rather than pass on less than the task asks."""
    rows = templates["legacy"].seed.log_rows
    if rows < TASK_ROWS:
        pytest.fail(f"this check is about the task's {TASK_ROWS:,} rows; this run seeded {rows:,} "
                    "(CERTLOG_SEED_ROWS)", pytrace=False)
    return rows


@pytest.fixture(scope="session")
def shared_dbs(harness, templates) -> Lazy:
    """One clone per privilege mode, shared by every test that rolls back what it does."""
    return _clone_per_mode(harness, templates, "shared")


@pytest.fixture(scope="session")
def db(shared_dbs) -> str:
    """The shared database in the legacy (auto-expose) privilege mode: the riskier one."""
    return shared_dbs["legacy"]


@contextmanager
def _private_clone(harness: Harness, templates, prefix: str):
    name = harness.workspace.create(f"{prefix}_{uuid.uuid4().hex[:12]}", template=templates["legacy"].name)
    try:
        yield name
    finally:
        harness.workspace.discard(name)


@pytest.fixture
def fresh_db(harness, templates):
    """A private clone of the legacy template, for tests that commit."""
    with _private_clone(harness, templates, "t") as name:
        yield name


@pytest.fixture(scope="module")
def module_db(harness, templates):
    """A private clone of the legacy template shared by one test module, for tests that commit."""
    with _private_clone(harness, templates, "m") as name:
        yield name


@pytest.fixture(scope="session")
def catalog_dbs(harness, migrated) -> Lazy:
    """One clone per privilege mode of the migrated template (no log rows): for checks of the catalog alone."""
    return _clone_per_mode(harness, migrated, "catalog")


def _clone_per_mode(harness: Harness, templates: Mapping, what: str) -> Lazy:
    """mode -> a clone of that mode's template, made at once (or on first use in a lazy session)."""
    clones = Lazy(list(templates), lambda mode: harness.workspace.create(f"{what}_{mode}",
                                                                         template=templates[mode].name))
    if not harness.lazy:
        clones.prefetch()
    return clones


@pytest.fixture(scope="session")
def catalog_db(catalog_dbs) -> str:
    """The legacy-mode clone of the migrated template."""
    return catalog_dbs["legacy"]


BOUNDED = "-c statement_timeout=60s"  # a test's statement that takes longer has found its answer: it is too slow


@pytest.fixture
def catalog(server, catalog_db):
    """A superuser connection to the legacy-mode catalog database; everything it does is rolled back."""
    with databases.connect(server, catalog_db, options=BOUNDED) as conn:
        yield conn
        conn.rollback()


@pytest.fixture
def superuser(server, db):
    """A superuser connection to the shared database; everything it does is rolled back."""
    with databases.connect(server, db, options=BOUNDED) as conn:
        yield conn
        conn.rollback()


@pytest.fixture
def postgrest(server, db):
    """Requests as PostgREST makes them (authenticator + role switch), rolled back by default."""
    with postgrest_session(server, db) as session:
        yield session


@pytest.fixture(scope="session")
def sample(server, db) -> dict:
    """A seeded log row, its certification's row count, and coordinators of its chapter and of another."""
    with databases.connect(server, db) as conn:
        return queries.one(conn, "sample_notification")


@pytest.fixture(scope="session")
def supabase_cli(harness, session_evidence, background):
    try:
        cli = harness.cli
    except CertlogError as exc:
        pytest.exit(f"certlog: {exc}", returncode=exc.exit_code)
    background.start(lambda: session_evidence.put(records.CliInfo(  # what it says of itself, asked beside the rest
        version=cli.version(), executable=str(cli.executable), pinned=CLI_VERSION, pg_prove_image=PG_PROVE_IMAGE)))
    return cli


@pytest.fixture(scope="session")
def background(harness, request):
    """Work run beside the tests; a server restart waits for it to end, and so does an `exclusive` test. At the
    session's end it is waited for (the CLI then removes its own containers), unless the session was interrupted:
    then the CLI's commands still running are ended."""
    work = Background(workers=3)
    harness.server.before_restart.append(work.drain)
    try:
        yield work
    finally:
        harness.server.before_restart.remove(work.drain)
        if request.config.stash[RECORD].interrupted:
            harness.stop_cli()
        work.close()


@pytest.fixture(scope="session", autouse=True)
def _early_background(request):
    """Starts, as the session starts, the seeded templates and then the CLI steps its collected tests check, where
    the server has what each needs. A lazy (mutation) session, which stops at its first failure, makes each when a
    test asks for it, but for the CLI steps of the tests it runs first (the mutant's pgTAP group): those start at
    once, beside the tests before them."""
    handed, server = provided(request.config, ProvidedSettings), provided(request.config, ProvidedServer)
    items = request.session.items
    seeded = any("templates" in item.fixturenames for item in items)
    if server is not None and server.lazy:
        first = handed.first if handed else ()
        items, seeded = [item for item in items if first and item.nodeid.startswith(first)], False
    wanted = {m.args[0] for item in items for m in item.iter_markers("cli_step")}
    if not (seeded or wanted):
        return
    harness = request.getfixturevalue("harness")
    if seeded:
        request.getfixturevalue("templates")
    if wanted:
        request.getfixturevalue("background").prefetch(request.getfixturevalue("cli_steps"), [
            step for step in STEPS if step in wanted and set(STEPS[step].needs) <= harness.available_extensions])


@pytest.fixture(autouse=True)
def _exclusive(request):
    """A test marked `exclusive` starts once the background work has ended (it runs last: see the ordering)."""
    if request.node.get_closest_marker("exclusive") is not None:
        request.getfixturevalue("background").drain()


@pytest.fixture(scope="session")
def cli_steps(harness, supabase_cli, migrated) -> Lazy:
    """step -> what the Supabase CLI did (certlog.session.cli_steps), each made once (in the background, or when
    first asked for)."""
    return Lazy(list(STEPS), lambda step: STEPS[step].run(harness, supabase_cli))


@pytest.fixture
def cli_step(request, cli_steps):
    """What the step named by the test's cli_step marker did; a machine that cannot run it (no Docker API, say)
    ends the session with one line and its exit code, as every such lack does."""
    step = request.node.get_closest_marker("cli_step").args[0]
    try:
        return cli_steps[step]
    except CertlogError as exc:
        if exc.exit_code == EXIT_FAILED:
            raise
        pytest.exit(f"certlog: {exc}", returncode=exc.exit_code)


@pytest.fixture(scope="session")
def pgtap_runs(server, catalog_dbs, session_evidence) -> Lazy:
    """(file, mode) -> every supabase/tests file run against each catalog database, a mode when first needed
    (pgTAP created as supabase test db creates it)."""
    from certlog.database import pgtap
    from certlog.paths import PGTAP_TESTS

    files = sorted(p.name for p in PGTAP_TESTS.glob("*.sql"))

    def run_mode(mode: str) -> dict:
        version = pgtap.ensure_extension(server, catalog_dbs[mode])
        runs = {name: pgtap.run_file(server, catalog_dbs[mode], PGTAP_TESTS / name) for name in files}
        session_evidence.put(*[records.PgTapFile(
            file=name, mode=mode, extension_version=version, planned=r.planned, ran=len(r.results), passed=r.passed,
            failed=r.failed, bail=r.bail, failures=[f"#{x.number} {x.description}" for x in r.results if not x.ok])
            for name, r in runs.items()])
        return runs

    by_mode = Lazy(list(catalog_dbs), run_mode)
    return Lazy([(name, mode) for mode in catalog_dbs for name in files], lambda key: by_mode[key[1]][key[0]])
