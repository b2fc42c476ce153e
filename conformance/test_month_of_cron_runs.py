"""TEST-4, AC-3, IMPL-1, IMPL-3: a month of nightly cron runs under faults sends every notification exactly once.

31 nights (CERTLOG_NIGHTS) over the seeded population, changing as it would (new certifications,
deletions), three overlapping workers a night, connections killed and the server restarted at
random points (a fixed seed), retries, and the scheduled purge among them (certlog.cronjob.simulation).
"""

import dataclasses

import pytest

from certlog.cronjob import simulation
from certlog.model.evidence import Measurements


@pytest.mark.exclusive
@pytest.mark.requirement("TEST-4", "AC-3", "IMPL-1", "IMPL-3")
def test_every_due_notification_is_logged_exactly_once_through_a_month_of_faults(server, fresh_db, settings,
                                                                                 evidence, request):
    figures, problems = simulation.run(server, fresh_db, nights=settings.nights, seed=settings.seed,
                                       can_restart=server.can_restart)
    evidence.put(Measurements(title=f"{figures.nights} nights of the cron job under faults",
                         figures={k: v for k, v in dataclasses.asdict(figures).items()}))
    assert figures.due > 0 and figures.connections_killed + figures.server_restarts > 0
    assert {name: found for name, found in problems.items() if found} == {}
    assert (figures.duplicates, figures.lost, figures.unexpected) == (0, 0, 0)
    assert figures.stored + figures.removed_with_their_certification == figures.due  # every due one is accounted for
    assert figures.purges > 0 and figures.rows_purged > 0
