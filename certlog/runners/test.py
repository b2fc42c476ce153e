"""The test suite as a command (`certlog test`), and `supabase test db` on its own."""

from __future__ import annotations

import os

import pytest

from certlog.errors import EXIT_INTERRUPTED, EXIT_USAGE
from certlog.paths import PGTAP_TESTS, ROOT
from certlog.provision import interrupts
from certlog.settings import Settings


def test(settings: Settings, pytest_args: list[str]) -> int:
    os.chdir(ROOT)
    code = int(pytest.main(["-p", "no:cacheprovider", "schema", "conformance", "--certlog-command=test",
                            f"--junitxml={settings.report_dir / 'junit-tests.xml'}", *pytest_args]))
    if interrupts.signalled():  # interrupted, however the session then ended: never a pass
        return EXIT_INTERRUPTED
    return {pytest.ExitCode.USAGE_ERROR: EXIT_USAGE, pytest.ExitCode.INTERRUPTED: EXIT_INTERRUPTED}.get(code, code)


def supabase_test(settings: Settings, say=print) -> int:
    """`supabase test db` against a freshly migrated database, as a developer would run it."""
    from certlog.provision.docker_api import docker_api
    from certlog.session.harness import Harness

    rig = Harness(settings, say=lambda message: say(f"certlog: {message}"))
    try:
        rig.open(None)
        database = rig.clone("pgtap", seeded=False)
        with docker_api() as docker_env:
            run = rig.cli.test_db(database, PGTAP_TESTS, docker_env)
    finally:
        rig.close()
    say(f"$ {run.command}\n{run.output}")
    return run.exit_code
