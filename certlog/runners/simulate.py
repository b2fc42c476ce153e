"""`certlog simulate [--nights N]`: nights of the cron job under faults, on its own (the suite runs CERTLOG_NIGHTS)."""

from __future__ import annotations

import dataclasses

from certlog.cronjob import simulation
from certlog.errors import EXIT_FAILED, EXIT_OK, UsageError
from certlog.session.harness import Harness
from certlog.settings import Settings


def main(settings: Settings, *, nights: int | None, say=print) -> int:
    nights = settings.nights if nights is None else nights
    if nights < 1:
        raise UsageError(f"--nights {nights}: at least one night")
    rig = Harness.open(settings, lambda message: say(f"certlog: {message}", flush=True))
    try:
        dbname = rig.clone("simulation", seeded=False)
        tally, problems = simulation.run(rig.server, dbname, nights=nights, seed=settings.seed,
                                           can_restart=rig.server.can_restart,
                                           say=lambda message: say(f"certlog simulate: {message}", flush=True))
    finally:
        rig.close()
    width = max(len(name) for name in dataclasses.asdict(tally))
    say("\n".join(f"{name.replace('_', ' '):<{width}}  {value}" for name, value in dataclasses.asdict(tally).items()))
    found = {name: keys for name, keys in problems.items() if keys}
    for name, keys in found.items():
        say(f"FAIL {name}: {', '.join(keys)}")
    return EXIT_FAILED if found else EXIT_OK


def command(settings: Settings, args, extra: list[str]) -> int:
    return main(settings, nights=args.nights)
