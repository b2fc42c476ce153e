"""The certifications of a simulated year as they truly are: which change was a renewal (a new cycle) and which a
correction (the same cycle), kept in step with the database by the simulation, and what the notification rule
says each cycle must receive (the oracle), computed with the rule's Python twin, never with the database.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from certlog.model import rule
from certlog.model.keys import idempotency_key

REACH_BEFORE = max(rule.DAYS_BEFORE.values())  # the first warning: days before expiry
REACH_AFTER = rule.EXPIRED_CATCH_UP_DAYS  # the end of the catch-up: days after expiry


@dataclass
class Certification:
    id: uuid.UUID
    mentor: uuid.UUID
    chapter: uuid.UUID
    expires_on: date
    cycle: int = 0  # renewals so far


@dataclass(frozen=True)
class Expected:
    """One notification the rule gives a cycle, as the run that sends it makes it."""

    certification_id: uuid.UUID
    cycle: int
    notification_type: str
    key: str
    scheduled_on: date  # the night of the run that sends it
    sent_at: datetime  # when that run ran (a delayed run runs a night later)
    late: bool  # after its due day (a missed night, a late certification)


@dataclass
class Population:
    live: dict[uuid.UUID, Certification] = field(default_factory=dict)
    by_expiry: dict[date, set[uuid.UUID]] = field(default_factory=lambda: defaultdict(set))
    deleted: set[uuid.UUID] = field(default_factory=set)
    expected: dict[tuple[uuid.UUID, int, str], Expected] = field(default_factory=dict)
    cycles: dict[uuid.UUID, list[tuple[datetime, int]]] = field(default_factory=lambda: defaultdict(list))

    def add(self, cert: Certification, at: datetime) -> None:
        self.live[cert.id] = cert
        self.by_expiry[cert.expires_on].add(cert.id)
        self.cycles[cert.id].append((at, cert.cycle))

    def move(self, cert: Certification, expires_on: date, at: datetime, *, renewal: bool) -> None:
        """A renewal (a new cycle) or a correction (the same cycle) of the expiry date."""
        self.by_expiry[cert.expires_on].discard(cert.id)
        cert.expires_on = expires_on
        self.by_expiry[expires_on].add(cert.id)
        if renewal:
            cert.cycle += 1
            self.cycles[cert.id].append((at, cert.cycle))

    def remove(self, certification_id: uuid.UUID) -> None:
        cert = self.live.pop(certification_id)
        self.by_expiry[cert.expires_on].discard(certification_id)
        self.deleted.add(certification_id)

    def within_reach(self, day: date) -> Iterator[Certification]:
        """The certifications the rule may give a notification on `day`."""
        for offset in range(-REACH_AFTER, REACH_BEFORE + 1):
            for certification_id in self.by_expiry.get(day + timedelta(days=offset), ()):
                yield self.live[certification_id]

    def expect(self, scheduled_on: date, sent_at: datetime) -> int:
        """What a run scheduled for `scheduled_on` must send, by the rule, given what each cycle was sent so far."""
        found = 0
        for cert in list(self.within_reach(scheduled_on)):
            kind = rule.due(cert.expires_on, scheduled_on)
            if kind is None or (cert.id, cert.cycle, kind) in self.expected:
                continue
            due_on = rule.due_on(cert.expires_on, kind)
            self.expected[(cert.id, cert.cycle, kind)] = Expected(
                cert.id, cert.cycle, kind, idempotency_key(cert.id, kind, due_on), scheduled_on, sent_at,
                late=scheduled_on > due_on)
            found += 1
        return found

    def cycle_at(self, certification_id: uuid.UUID, at: datetime) -> int:
        """The cycle a certification was in at a moment."""
        return max((cycle for since, cycle in self.cycles[certification_id] if since <= at), default=0)
