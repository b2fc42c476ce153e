"""What a test session records: each test's requirements and outcome, and the evidence.

Tests say which requirement they prove with @pytest.mark.requirement("AC-1", ...). A pgTAP
assertion (a subtest) proves the requirements its description starts with ("AC-1, AC-6: ...").
At the end the session's Evidence, with every outcome, is saved to its own results file
(--certlog-results, by default <report dir>/runs/<started>-<command>.json).
"""

from __future__ import annotations

import hashlib
import platform
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from certlog import host
from certlog.model.evidence import Evidence, MigrationFile, RunInfo, TestOutcome, put
from certlog.model.requirements import catalogue
from certlog.paths import migration_files
from certlog.plugin.results import save
from certlog.settings import Settings

ONLY_SUBTESTS_FAILED = re.compile(r"contains \d+ failed subtests?")  # pytest's word for a test whose own code passed
STATED = re.compile(r"(?:^|#\d+: )((?:[A-Z]+-\d+)(?:, [A-Z]+-\d+)*): ")


def stated_requirements(description: str) -> list[str]:
    """The requirement ids a pgTAP description starts with."""
    found = STATED.search(description)
    return found.group(1).split(", ") if found else []


def machine() -> str:
    return f"{platform.platform()}, {host.cpu_model()}, {host.cores()} cores"


def run_info(settings: Settings, command: str) -> RunInfo:
    """Recorded when the session starts: what ran, on what, against which migration files."""
    return RunInfo(
        command=command, started_at=datetime.now(UTC).isoformat(timespec="seconds"), machine=machine(),
        python=sys.version.split()[0], backend=settings.backend, seed_rows=settings.seed_rows, seed=settings.seed,
        migrations_dir=str(settings.migrations_dir),
        migrations=[MigrationFile(name=p.name, sha256=hashlib.sha256(p.read_bytes()).hexdigest())
                    for p in migration_files(settings.migrations_dir)])


def failure_message(report) -> str:
    """What a failed test said: its assertion's message (pytest's `E` lines), else the last line of the report."""
    lines = [line[1:].strip() for line in report.longreprtext.splitlines() if line.startswith("E ")]
    if lines and lines[0].startswith("AssertionError: "):  # the test's own message: pytest's explanation after it
        explained = next((i for i, line in enumerate(lines) if line.startswith("assert ")), len(lines))
        lines = [lines[0].removeprefix("AssertionError: "), *lines[1:explained]]
    return (" ".join(lines) or str(report.longrepr).strip().splitlines()[-1])[:400]


class SessionRecord:
    def __init__(self, settings: Settings, command: str, results: Path) -> None:
        self.evidence = Evidence()
        self.results = results
        self.requirements: dict[str, list[str]] = {}
        self.docs: dict[str, str] = {}
        self.started = datetime.now(UTC)
        self.interrupted = False
        put(self.evidence, run_info(settings, command), "session")

    def pytest_collection_modifyitems(self, items):
        known = catalogue()
        for item in items:
            requirements = sorted({r for m in item.iter_markers("requirement") for r in m.args})
            unknown = [r for r in requirements if r not in known]
            if unknown:
                raise pytest.UsageError(
                    f"{item.nodeid}: unknown requirement id(s) {unknown}; see certlog/data/requirements.toml")
            self.requirements[item.nodeid] = requirements
            doc = getattr(getattr(item, "function", None), "__doc__", None) or ""
            self.docs[item.nodeid] = (doc.strip().splitlines() or [""])[0]
        self.evidence.run.collected = dict(self.requirements)

    def pytest_runtest_logreport(self, report):
        """Every test's outcome, and every subtest's (one pgTAP assertion each); setup and teardown errors too."""
        if report.when == "call":
            outcome = report.outcome
            if isinstance(report.longrepr, str) and ONLY_SUBTESTS_FAILED.fullmatch(report.longrepr):
                outcome = "passed"  # pytest fails a test for its failed subtests: they carry it, under their ids
        elif not report.passed:
            outcome = "skipped" if report.skipped else "error"
        else:
            return
        context = getattr(report, "context", None)
        message = context.msg if context is not None and context.msg else ""
        requirements = stated_requirements(message) if message else self.requirements.get(report.nodeid, [])
        failure = ""
        if report.failed and report.longrepr:
            failure = failure_message(report)
        elif report.skipped and isinstance(report.longrepr, tuple):
            failure = report.longrepr[2].removeprefix("Skipped: ")
        self.evidence.tests.append(TestOutcome(
            nodeid=f"{report.nodeid} » {message}" if message else report.nodeid, outcome=outcome,
            requirements=requirements, doc=self.docs.get(report.nodeid, ""), message=failure))

    def pytest_keyboard_interrupt(self, excinfo):
        self.interrupted = True

    def pytest_sessionfinish(self, session, exitstatus):
        run = self.evidence.run
        finished = datetime.now(UTC)
        run.finished_at = finished.isoformat(timespec="seconds")
        run.wall_seconds = round((finished - self.started).total_seconds(), 1)
        collected = len(self.requirements)
        ran = len({t.nodeid.split(" » ")[0] for t in self.evidence.tests})
        run.complete = not self.interrupted and not session.shouldstop and collected > 0 and ran >= collected
        save(self.results, self.evidence)
