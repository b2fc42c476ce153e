"""Fixtures and hooks: one server and one set of migrated, seeded templates per session.

Tests say which requirement they prove with @pytest.mark.requirement("AC-1", ...);
at the end the outcome of every test and the evidence recorded are saved to
<report dir>/results.json, which the evidence report and the verdicts are built from.
"""

from __future__ import annotations

import uuid

import pytest

from certlog.checks.requirements import catalogue
from certlog.database import connections as databases
from certlog.database import queries
from certlog.database import templates as prepare
from certlog.errors import CertlogError
from certlog.provision import start_server
from certlog.reporting.evidence import Evidence, save
from certlog.settings import PRIVILEGE_MODES, Settings
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
    try:
        config._certlog_settings = Settings.from_env()
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
def server(settings, evidence, request):
    say(request.config, f"starting PostgreSQL (backend: {settings.backend})")
    try:
        with start_server(settings) as srv:
            with databases.connect(srv, "postgres") as conn:
                version = conn.execute("select version()").fetchone()[0]
            evidence.record("server", {"kind": srv.kind, "version": version, "startup_seconds": srv.startup_seconds,
                                       **srv.details})
            say(request.config, f"{srv.kind} server ready in {srv.startup_seconds:.2f}s: {version}")
            yield srv
    except CertlogError as exc:
        pytest.exit(f"certlog: {exc}", returncode=3)


@pytest.fixture(scope="session")
def templates(server, settings, evidence, request) -> dict[str, prepare.PreparedTemplate]:
    try:
        prepare.build_base(server)
        built = {mode: prepare.build_template(server, settings, mode, progress=lambda m: say(request.config, m))
                 for mode in PRIVILEGE_MODES}
    except CertlogError as exc:
        pytest.exit(f"certlog: preparing the databases failed: {exc}", returncode=3)
    evidence.record("templates", {mode: {
        "seed": t.seed, "migrate_seconds": t.migrate_seconds,
        "idempotency": {k: v for k, v in vars(t.idempotency).items() if not k.endswith("_dump")}
        | {"schema_identical": t.idempotency.schema_identical, "rows_kept": t.idempotency.rows_kept},
    } for mode, t in built.items()})
    return built


@pytest.fixture(scope="session")
def shared_dbs(server, templates) -> dict[str, str]:
    """One clone per privilege mode, shared by every test that rolls back what it does."""
    names = {}
    for mode, template in templates.items():
        names[mode] = f"certlog_shared_{mode}"
        databases.drop_database(server, names[mode])
        databases.create_database(server, names[mode], template=template.name)
    return names


@pytest.fixture(scope="session")
def db(shared_dbs) -> str:
    """The shared database in the legacy (auto-expose) privilege mode: the riskier one."""
    return shared_dbs["legacy"]


@pytest.fixture
def fresh_db(server, templates):
    """A private clone of the legacy template, for tests that commit."""
    name = f"certlog_t_{uuid.uuid4().hex[:12]}"
    databases.create_database(server, name, template=templates["legacy"].name)
    yield name
    databases.drop_database(server, name)


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
def pgtap_runs(server, db, evidence) -> dict:
    """Every supabase/tests file, run once against the shared database (pgTAP created as supabase test db does)."""
    from certlog.checks import pgtap
    from certlog.paths import PGTAP_TESTS

    version = pgtap.ensure_extension(server, db)
    runs = {path.name: pgtap.run_file(server, db, path) for path in sorted(PGTAP_TESTS.glob("*.sql"))}
    evidence.record("pgtap", {"version": version, "files": {
        name: {"planned": r.planned, "ran": len(r.results), "passed": r.passed, "failed": r.failed, "bail": r.bail,
               "failures": [f"#{x.number} {x.description}" for x in r.results if not x.ok]}
        for name, r in runs.items()}})
    return runs


@pytest.fixture(scope="module")
def module_db(server, templates):
    """A private clone of the legacy template shared by one test module, for tests that commit."""
    name = f"certlog_m_{uuid.uuid4().hex[:12]}"
    databases.create_database(server, name, template=templates["legacy"].name)
    yield name
    databases.drop_database(server, name)
