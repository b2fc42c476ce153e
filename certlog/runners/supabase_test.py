"""`certlog supabase-test`: `supabase test db` on a freshly migrated database, as a developer would run it."""

from __future__ import annotations

from certlog.paths import PGTAP_TESTS
from certlog.settings import Settings


def run(settings: Settings, say=print) -> int:
    """`supabase test db` against a freshly migrated database, as a developer would run it."""
    from certlog.provision.docker_api import docker_api
    from certlog.session.harness import Harness

    rig = Harness.open(settings, lambda message: say(f"certlog: {message}"))
    try:
        database = rig.clone("pgtap", seeded=False)
        with docker_api() as docker_env:
            run = rig.cli.test_db(database, PGTAP_TESTS, docker_env)
    finally:
        rig.close()
    say(f"$ {run.command}\n{run.output}")
    return run.exit_code


def command(settings: Settings, args, extra: list[str]) -> int:
    return run(settings)
