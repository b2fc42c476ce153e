"""One pytest session of the suite, run in this process on a server that outlives it.

The mutation tests and the majors run many sessions: each gets its own settings (which migrations, where the
reports go, which tests go first) and the runner's server, and reports what its session record (certlog.plugin.record)
saw: what passed, what failed and what it said.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import pytest

from certlog.model.evidence import Evidence
from certlog.plugin import invocation
from certlog.plugin.fixtures import RECORD
from certlog.session.harness import ProvidedServer, ProvidedSettings
from certlog.settings import Settings


@dataclass
class SessionOutcome:
    exit_code: int
    passed: int = 0
    failed: list[str] = field(default_factory=list)  # node ids of failed or erroring tests, in order
    skipped: int = 0
    seconds: float = 0.0
    stopped: str = ""  # why the session ended early (pytest.exit's message)
    messages: dict[str, str] = field(default_factory=dict)  # failed test -> what it said
    skip_reasons: list[str] = field(default_factory=list)  # "`node id`: why", per skipped test
    evidence: Evidence = field(default_factory=Evidence)  # what the session recorded (its verdicts come from it)

    @property
    def first_message(self) -> str:
        return self.messages[self.failed[0]] if self.failed else ""

    @classmethod
    def of(cls, evidence: Evidence, exit_code: int, stopped: str, seconds: float) -> SessionOutcome:
        outcome = cls(exit_code, seconds=seconds, stopped=stopped, evidence=evidence)
        for test in evidence.tests:
            node = test.nodeid.split(" » ")[0]
            if test.outcome == "passed":
                outcome.passed += 1
            elif test.outcome == "skipped":
                outcome.skipped += 1
                outcome.skip_reasons.append(f"`{node}`: {test.message}")
            elif node not in outcome.messages:
                outcome.failed.append(node)
                outcome.messages[node] = test.message
        return outcome


class _Ending:
    """Why the session ended; with `stop_after_first`, it ends at the first failure outside `first` (or once each
    of `first` failed: the mutant is caught)."""

    def __init__(self, stop_after_first: bool, first: tuple[str, ...]) -> None:
        self.stop_after_first, self.first = stop_after_first, first
        self.failed: list[str] = []
        self.session = None
        self.stopped = ""
        self.interrupted = False

    def pytest_sessionstart(self, session):
        self.session = session

    def pytest_runtest_logreport(self, report):
        if report.failed and report.nodeid not in self.failed:
            self.failed.append(report.nodeid)
        if not (self.stop_after_first and self.failed and self.session):
            return
        if not self.first or all(any(f.startswith(p) for f in self.failed) for p in self.first):
            self.session.shouldstop = "caught"  # each of `first` failed (or nothing had to): caught
        elif not report.nodeid.startswith(self.first) and report.when == "teardown":
            self.session.shouldstop = "caught"  # past `first`, and something failed

    def pytest_keyboard_interrupt(self, excinfo):
        """pytest.exit (a template that could not be built) or a real Ctrl-C."""
        self.stopped = str(excinfo.value)
        self.interrupted = not isinstance(excinfo.value, (pytest.exit.Exception, pytest.Session.Interrupted))


class _Record:
    """Keeps the session record when the session ends."""

    evidence: Evidence | None = None

    def pytest_unconfigure(self, config):
        if RECORD in config.stash:
            self.evidence = config.stash[RECORD].evidence


def run_session(settings: Settings, provided: ProvidedServer, command: str, *, extra: tuple[str, ...] = (),
                stop_after_first: bool = False, first: tuple[str, ...] = (),
                suspects: tuple[str, ...] = ()) -> SessionOutcome:
    ending, record = _Ending(stop_after_first, first), _Record()
    started = time.perf_counter()
    args = invocation.arguments(command, addopts="--strict-markers", extra=("-p", "no:terminal", *extra))
    code = invocation.run(args, plugins=[provided, ProvidedSettings(settings, first, suspects), ending, record])
    if ending.interrupted:
        raise KeyboardInterrupt(ending.stopped)
    return SessionOutcome.of(record.evidence or Evidence(), int(code), ending.stopped, time.perf_counter() - started)
