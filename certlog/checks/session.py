"""One pytest session of the suite, run in this process on a server that outlives it.

The mutation tests and the majors run many sessions: each gets its own settings (which
migrations, where the reports go) and the runner's server, and reports what failed.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

import pytest

from certlog.checks.harness import ProvidedServer, ProvidedSettings
from certlog.paths import ROOT
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
        """The tests of `first` (files) run before the rest, in their own order."""
        items.sort(key=lambda item: 0 if item.nodeid.startswith(self.first) else 1)

    def pytest_runtest_logreport(self, report):
        if report.failed and report.nodeid not in self.outcome.failed:
            self.outcome.failed.append(report.nodeid)
            if not self.outcome.first_message:
                lines = [line for line in report.longreprtext.splitlines() if line.startswith("E ")]
                self.outcome.first_message = " ".join(line[1:].strip() for line in lines)[:400]
        elif report.when == "call" and report.passed:
            self.outcome.passed += 1
        elif report.skipped:
            self.outcome.skipped += 1
            if isinstance(report.longrepr, tuple):
                self.outcome.skip_reasons.append(report.longrepr[2].removeprefix("Skipped: "))
        if not (self.stop_after_first and self.outcome.failed and self.session):
            return
        if not report.nodeid.startswith(self.first) or report.when == "teardown" and self._first_done(report):
            self.session.shouldstop = "caught"

    def _first_done(self, report) -> bool:
        remaining = [i for i in self.session.items if i.nodeid.startswith(self.first)]
        return not remaining or remaining[-1].nodeid == report.nodeid

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
