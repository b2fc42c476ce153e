"""Fixtures and hooks: one server and one set of migrated, seeded templates per session.

Tests say which requirement they prove with @pytest.mark.requirement("AC-1", ...);
at the end the outcome of every test and the evidence recorded are saved to
<report dir>/results.json, which the evidence report and the verdicts are built from.
"""

from __future__ import annotations

import uuid

import pytest

from certlog.checks.harness import Harness, ProvidedServer, ProvidedSettings, provided
from certlog.checks.requirements import catalogue
from certlog.database import connections as databases
from certlog.database import queries
from certlog.database import templates as build
from certlog.database.templates import MigrationFailed
from certlog.errors import CertlogError
from certlog.provision.docker_api import docker_api
from certlog.reporting.evidence import Evidence, save
from certlog.settings import Settings
from certlog.standin.postgrest import postgrest_session

RESULTS_FILE = "results.json"


class Recorder:
    """Collects each test's requirements at collection and its outcome as it is reported."""

    def __init__(self) -> None:
        self.items: dict[str, dict] = {}
        self.tests: list[dict] = []
        self.evidence = Evidence()

    def pytest_collection_modifyitems(self, items):
        known = catalogue()
        for item in items:
            requirements = sorted({r for m in item.iter_markers("requirement") for r in m.args})
            unknown = [r for r in requirements if r not in known]
            if unknown:
                raise pytest.UsageError(
                    f"{item.nodeid}: unknown requirement id(s) {unknown}; see certlog/data/requirements.toml")
            doc = getattr(getattr(item, "function", None), "__doc__", None) or ""
            self.items[item.nodeid] = {"requirements": requirements, "doc": (doc.strip().splitlines() or [""])[0]}

    def pytest_runtest_logreport(self, report):
        """Every test's outcome, and every subtest's (one pgTAP assertion each); setup and teardown errors too."""
        if report.when == "call":
            outcome = report.outcome
        elif not report.passed:
            outcome = "skipped" if report.skipped else "error"
        else:
            return
        known = self.items.get(report.nodeid, {"requirements": [], "doc": ""})
        context = getattr(report, "context", None)
        nodeid = f"{report.nodeid} » {context.msg}" if context is not None and context.msg else report.nodeid
        self.tests.append({
            "nodeid": nodeid,
            "outcome": outcome,
            "requirements": known["requirements"],
            "doc": known["doc"],
            "message": str(report.longrepr).splitlines()[-1] if report.failed and report.longrepr else "",
        })

    def pytest_sessionfinish(self, session):
        if not self.tests:
            return  # nothing ran (--collect-only, or a usage error): keep the last run's results
        save(settings_of(session.config).report_dir / RESULTS_FILE, self.evidence, self.tests)


def pytest_configure(config):
    handed = provided(config, ProvidedSettings)
    try:
        config._certlog_settings = handed.settings if handed else Settings.from_env()
    except CertlogError as exc:
        raise pytest.UsageError(f"certlog: {exc}") from None
    config.addinivalue_line("markers", "requirement(*ids): the task requirements this test proves")
    config.addinivalue_line("markers", "repository: checks the repository itself, not the migration's content")
    config._certlog = Recorder()
    config.pluginmanager.register(config._certlog, "certlog-recorder")


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
    return config._certlog_settings


@pytest.fixture(scope="session")
def settings(request) -> Settings:
    return settings_of(request.config)


@pytest.fixture(scope="session")
def evidence(request) -> Evidence:
    return request.config._certlog.evidence


@pytest.fixture(scope="session")
def harness(settings, evidence, request):
    """The session's server, databases, templates and Supabase CLI; all removed at the end."""
    config = request.config
    rig = Harness(settings, say=lambda message: say(config, message))
    try:
        server = rig.open(provided(config, ProvidedServer))
        with databases.connect(server, "postgres") as conn:
            version = conn.execute("select version()").fetchone()[0]
        evidence.record("server", {"kind": server.kind, "version": version, "startup_seconds": server.startup_seconds,
                                   **server.details})
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


@pytest.fixture(scope="session")
def templates(harness, evidence) -> dict[str, build.PreparedTemplate]:
    try:
        built = harness.templates
    except MigrationFailed as exc:
        evidence.record("migration_failure", str(exc))
        pytest.exit(f"certlog: the migration could not be applied: {exc}", returncode=exc.exit_code)
    evidence.record("provenance", harness.provenance.pieces)
    evidence.record("templates", {mode: {
        "seed": t.seed, "history": t.history, "pushes": t.pushes,
        "idempotency": {k: v for k, v in vars(t.idempotency).items() if not k.endswith("_dump")}
        | {"schema_identical": t.idempotency.schema_identical, "rows_kept": t.idempotency.rows_kept},
    } for mode, t in built.items()})
    return built


@pytest.fixture(scope="session")
def shared_dbs(harness, templates) -> dict[str, str]:
    """One clone per privilege mode, shared by every test that rolls back what it does."""
    return {mode: harness.clone(f"shared_{mode}", mode) for mode in templates}


@pytest.fixture(scope="session")
def db(shared_dbs) -> str:
    """The shared database in the legacy (auto-expose) privilege mode: the riskier one."""
    return shared_dbs["legacy"]


@pytest.fixture
def fresh_db(harness, templates):
    """A private clone of the legacy template, for tests that commit."""
    name = harness.clone(f"t_{uuid.uuid4().hex[:12]}")
    yield name
    harness.workspace.drop(name)


@pytest.fixture(scope="module")
def module_db(harness, templates):
    """A private clone of the legacy template shared by one test module, for tests that commit."""
    name = harness.clone(f"m_{uuid.uuid4().hex[:12]}")
    yield name
    harness.workspace.drop(name)


@pytest.fixture
def superuser(server, db):
    """A superuser connection to the shared database; everything it does is rolled back."""
    with databases.connect(server, db) as conn:
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
def supabase_cli(harness):
    try:
        return harness.cli
    except CertlogError as exc:
        pytest.exit(f"certlog: {exc}", returncode=exc.exit_code)


@pytest.fixture(scope="session")
def docker_env(harness):
    """A Docker API (podman's, if no engine runs) for the Supabase CLI's pg_prove container."""
    try:
        return harness.stack.enter_context(docker_api())
    except CertlogError as exc:
        pytest.exit(f"certlog: {exc}", returncode=exc.exit_code)


@pytest.fixture(scope="session")
def pgtap_runs(server, shared_dbs, evidence) -> dict:
    """Every supabase/tests file, run once against each shared database (pgTAP as supabase test db has it)."""
    from certlog.checks import pgtap
    from certlog.paths import PGTAP_TESTS

    runs, versions = {}, {}
    for mode, db in shared_dbs.items():
        versions[mode] = pgtap.ensure_extension(server, db)
        for path in sorted(PGTAP_TESTS.glob("*.sql")):
            runs[(path.name, mode)] = pgtap.run_file(server, db, path)
    evidence.record("pgtap", {"version": versions["legacy"], "files": {
        f"{name} ({mode})": {"planned": r.planned, "ran": len(r.results), "passed": r.passed, "failed": r.failed,
                             "bail": r.bail,
                             "failures": [f"#{x.number} {x.description}" for x in r.results if not x.ok]}
        for (name, mode), r in runs.items()}})
    return runs
