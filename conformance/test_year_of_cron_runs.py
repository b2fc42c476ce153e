"""RULE-4 (with RULE-1, RULE-2, RULE-3, TEST-4, IMPL-3): a year of nightly cron runs over certifications' whole
lives sends every cycle exactly the rule's notifications, each once.

CERTLOG_NIGHTS nights (365 by default) from 2024-01-01: renewals (early, on a due day, after expiry), expiry dates
corrected by a few days, certifications created inside each warning window, deletions of certifications and of
users, whole missed nights, a night's run delayed into the next night's, killed connections, server restarts and
the scheduled purge among them (certlog.cronjob.simulation), checked row by row against the rule's Python twin.
"""

import dataclasses

import pytest

from certlog.cronjob import simulation
from certlog.model.evidence import Measurements


@pytest.fixture
def year_db(harness):
    """A clone of the migrated template: the nights bring their own population."""
    name = harness.clone("year", seeded=False)
    try:
        yield name
    finally:
        harness.workspace.discard(name)


@pytest.mark.exclusive
@pytest.mark.requirement("RULE-4")
def test_every_cycle_gets_exactly_the_rules_notifications_through_a_year_of_faults(server, year_db, settings,
                                                                                   evidence):
    tally, problems = simulation.run(server, year_db, nights=settings.nights, seed=settings.seed,
                                     can_restart=server.can_restart)
    evidence.put(Measurements(title=f"{tally.nights} nights of the cron job over certifications' whole lives",
                              figures=dataclasses.asdict(tally)))
    assert {name: found for name, found in problems.items() if found} == {}
    assert (tally.duplicates, tally.missing, tally.wrong_cycle, tally.lost) == (0, 0, 0, 0)
    assert tally.stored + tally.removed_with_their_certification + tally.purged_as_due == tally.expected
    assert tally.renewals and tally.corrections and tally.late_sends and tally.overlapping_runs
    assert tally.missed_nights and tally.connections_killed + tally.server_restarts and tally.rows_purged
