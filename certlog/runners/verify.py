"""The main job: the whole suite, the static checks, and the evidence, replaced only by a complete run.

The session saves its own results (reports/runs/<started>-verify.json). Only a complete run
(every test ran, nothing interrupted) becomes reports/results.json and the evidence beside it;
an interrupted or cut-short run leaves the last complete evidence as it was and says where its
partial results are. `certlog report` renders reports/results.json again, to the same files.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from pathlib import Path

import pytest

from certlog.errors import EXIT_ENVIRONMENT, EXIT_FAILED, EXIT_INTERRUPTED, EXIT_OK, EXIT_USAGE
from certlog.model.evidence import Evidence, put
from certlog.paths import write_atomically
from certlog.plugin import invocation
from certlog.plugin.results import load, save
from certlog.provision import interrupts
from certlog.reporting.verdicts import table, verdicts_of
from certlog.settings import Settings
from certlog.tools import squawk as lint

RESULTS = "results.json"
JUNIT = "junit-verify.xml"


def run(settings: Settings, pytest_args: list[str], *, say=print) -> int:
    results = settings.report_dir / "runs" / f"{datetime.now(UTC):%Y%m%dT%H%M%S}-verify.json"
    junit = results.with_name(results.stem + "-junit.xml")  # beside its results; reports/junit-verify.xml if complete
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=1) as beside:
        static = beside.submit(_static_checks, settings.migrations_dir)
        code = invocation.run(invocation.arguments("verify", results=results, junit=junit, extra=pytest_args))
    if code == pytest.ExitCode.INTERRUPTED or interrupts.signalled():
        say(f"certlog: interrupted; the last complete evidence is unchanged; partial results: {results}")
        return EXIT_INTERRUPTED
    if not results.exists():
        say(f"certlog: pytest ended (exit {code}) before any test ran; nothing was written")
        return EXIT_USAGE if code == pytest.ExitCode.USAGE_ERROR else code or EXIT_FAILED
    evidence = load(results)
    for check in static.result():
        put(evidence, check, "verify")
    evidence.run.wall_seconds = round(time.perf_counter() - started, 1)
    save(results, evidence)
    if not evidence.run.complete:
        if evidence.tests:  # what the tests that ran showed
            print_verdicts(evidence, say)
        say(f"certlog: the run stopped before every test ran (pytest exit {code}); the last complete evidence "
            f"is unchanged; this run's results: {results}")
        return {pytest.ExitCode.USAGE_ERROR: EXIT_USAGE, EXIT_ENVIRONMENT: EXIT_ENVIRONMENT}.get(code, EXIT_FAILED)
    save(settings.report_dir / RESULTS, evidence)
    if junit.exists():
        write_atomically(settings.report_dir / JUNIT, junit.read_bytes())
    return publish(evidence, settings.report_dir, say, pytest_exit=code)


def _static_checks(migrations: Path) -> list:
    """The static checks, and the report's imports (matplotlib, markdown: half a second), made beside the
    session."""
    checks = lint.run_all(migrations)
    import certlog.reporting.report  # noqa: F401
    return checks


def publish(evidence: Evidence, report_dir: Path, say=print, *, pytest_exit: int = 0) -> int:
    """Render the evidence into report_dir; the exit code the verdicts call for."""
    from certlog.reporting import report  # matplotlib and markdown: not imported before they are needed

    verdicts = verdicts_of(evidence)
    written = report.write(report_dir, report.render(evidence, verdicts))
    passed = print_verdicts(evidence, say)
    say(f"\n{passed} of {len(verdicts)} requirements pass; evidence: {', '.join(str(p) for p in written[-2:])}")
    failed = [t.nodeid for t in evidence.tests if t.outcome in ("failed", "error")]
    complete = bool(evidence.run and evidence.run.complete) and not evidence.migration_failure
    ok = passed == len(verdicts) and not failed and complete and all(s.ok for s in evidence.static) and pytest_exit == 0
    if failed and passed == len(verdicts):  # a failing test that proves no requirement still fails the run
        say(f"certlog: {len(failed)} test(s) failed: {', '.join(failed[:3])}")
    if pytest_exit:
        say(f"certlog: pytest exited {pytest_exit}")
    return EXIT_OK if ok else EXIT_FAILED


def print_verdicts(evidence: Evidence, say=print) -> int:
    verdicts = verdicts_of(evidence)
    say("\nRequirement verdicts\n" + table(verdicts))
    for check in evidence.static:
        say(f"{'PASS' if check.ok else 'FAIL':<11} static check (beside the requirements): {check.tool}")
    return sum(v.passed for v in verdicts)


def command(settings: Settings, args, extra: list[str]) -> int:
    return run(settings, extra)
