"""One pytest session of the suite, run in this process on a server that outlives it.

The mutation tests and the majors run many sessions: each gets its own settings (which
migrations, where the reports go) and the runner's server, and reports what failed.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import pytest

from certlog.paths import ROOT
from certlog.session.harness import ProvidedServer, ProvidedSettings
from certlog.settings import Settings

SUITE = ("schema", "conformance")


@dataclass
class SessionOutcome:
    exit_code: int
    passed: int = 0
    failed: list[str] = field(default_factory=list)  # node ids of failed or erroring tests, in order
    skipped: int = 0
    seconds: float = 0.0
    stopped: str = ""  # why the session ended early (pytest.exit's message)
    first_message: str = ""  # the first failure's assertion message
    skip_reasons: list[str] = field(default_factory=list)
    messages: dict[str, str] = field(default_factory=dict)  # failed test -> what it said


class _Outcomes:
    """Collects outcomes; with `stop_after_first`, ends the session at the first failure outside `first`."""

    def __init__(self, stop_after_first: bool, first: tuple[str, ...]) -> None:
        self.stop_after_first, self.first = stop_after_first, first
        self.outcome = SessionOutcome(exit_code=0)
        self.session = None
        self.interrupted = False

    def pytest_sessionstart(self, session):
        self.session = session

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, items):
        """Legacy-mode tests before revoked-mode ones (a session that stops at its first failure may then never
        need the second template), the tests of `first` before the rest, in the order `first` names them."""
        def rank(item) -> tuple:
            group = next((i for i, prefix in enumerate(self.first) if item.nodeid.startswith(prefix)), len(self.first))
            return "revoked" in item.nodeid, group

        items.sort(key=rank)

    def pytest_runtest_logreport(self, report):
        if report.failed and report.nodeid not in self.outcome.failed:
            self.outcome.failed.append(report.nodeid)
            lines = [line for line in report.longreprtext.splitlines() if line.startswith("E ")]
            self.outcome.messages[report.nodeid] = " ".join(line[1:].strip() for line in lines)[:400]
            if not self.outcome.first_message:
                self.outcome.first_message = self.outcome.messages[report.nodeid]
        elif report.when == "call" and report.passed:
            self.outcome.passed += 1
        elif report.skipped:
            self.outcome.skipped += 1
            if isinstance(report.longrepr, tuple):
                self.outcome.skip_reasons.append(f"`{report.nodeid}`: {report.longrepr[2].removeprefix('Skipped: ')}")
        if not (self.stop_after_first and self.outcome.failed and self.session):
            return
        if not self.first or all(any(f.startswith(p) for f in self.outcome.failed) for p in self.first):
            self.session.shouldstop = "caught"  # each of `first` failed (or nothing had to): caught
        elif not report.nodeid.startswith(self.first) and report.when == "teardown":
            self.session.shouldstop = "caught"  # past `first`, and something failed

    def pytest_keyboard_interrupt(self, excinfo):
        """pytest.exit (a template that could not be built) or a real Ctrl-C."""
        self.outcome.stopped = str(excinfo.value)
        self.interrupted = not isinstance(excinfo.value, (pytest.exit.Exception, pytest.Session.Interrupted))


def run_session(settings: Settings, provided: ProvidedServer, *, args: tuple[str, ...] = SUITE,
                stop_after_first: bool = False, first: tuple[str, ...] = ()) -> SessionOutcome:
    collector = _Outcomes(stop_after_first, first)
    started = time.perf_counter()
    previous = os.getcwd()
    os.chdir(ROOT)
    try:
        code = pytest.main(["-p", "no:cacheprovider", "-p", "no:terminal", "-o", "addopts=--strict-markers",
                            *args],
                           plugins=[provided, ProvidedSettings(settings), collector])
    finally:
        os.chdir(previous)
    if collector.interrupted:
        raise KeyboardInterrupt(collector.outcome.stopped)
    collector.outcome.exit_code = int(code)
    collector.outcome.seconds = time.perf_counter() - started
    return collector.outcome
