"""`certlog test`: the schema and conformance suites (the quick inner loop, `tox -e tests`)."""

from __future__ import annotations

import sys

import pytest

from certlog.errors import EXIT_INTERRUPTED, EXIT_USAGE, INTERRUPTED
from certlog.plugin import invocation
from certlog.provision import interrupts
from certlog.settings import Settings


def test(settings: Settings, pytest_args: list[str]) -> int:
    code = invocation.run(invocation.arguments("test", junit=settings.report_dir / "junit-tests.xml",
                                               extra=pytest_args))
    if interrupts.signalled() or code == pytest.ExitCode.INTERRUPTED:  # however the session then ended: no pass
        print(INTERRUPTED, file=sys.stderr)
        return EXIT_INTERRUPTED
    return {pytest.ExitCode.USAGE_ERROR: EXIT_USAGE, pytest.ExitCode.INTERRUPTED: EXIT_INTERRUPTED}.get(code, code)


def command(settings: Settings, args, extra: list[str]) -> int:
    return test(settings, extra)
