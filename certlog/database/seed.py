"""Deterministic synthetic data: users, certifications and cert_notification_log rows.

Faker (fixed seed) for people; every certification expires somewhere between two years
ago and four months ahead of REFERENCE_DAY, and has one log row for each notification of
the schedule whose day has come, sent in the nightly cron window.

The data is made once per run and kept as COPY text: people go into the base database
(before any migration), log rows into each migrated template, so two templates cost one
generation. Loaded with COPY; the foreign keys hold by construction, so the log rows are
loaded with triggers (and with them the row-by-row foreign-key checks) off, then ANALYZE.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import cached_property

from faker import Faker

from certlog.cronjob.keys import idempotency_key
from certlog.cronjob.schedule import SCHEDULE

REFERENCE_DAY = date(2026, 11, 1)
CERTIFICATION_TYPES = ("peer_mentor_basic", "peer_mentor_advanced", "first_aid", "safeguarding")
CHAPTERS = 40
COORDINATORS_PER_CHAPTER = 2
CERTIFICATIONS_PER_MENTOR = 1.3
NAME_POOL = 500  # distinct first and last names drawn from Faker, then combined

USERS = "public.users (id, email, full_name, role, chapter_id)"
CERTIFICATIONS = ("public.peer_mentor_certifications"
                  " (id, peer_mentor_id, chapter_id, certification_type, issued_on, expires_on)")
LOG = ("public.cert_notification_log"
       " (id, certification_id, notification_type, sent_at, recipient_id, idempotency_key)")


def due_count(expires_on: date) -> int:
    return sum(1 for n in SCHEDULE if expires_on - timedelta(days=n.days_before) <= REFERENCE_DAY)


@dataclass
class SeedPlan:
    """Users and certifications, and the log rows of `rows` notifications already sent."""

    rows: int
    seed: int
    users: list[tuple]
    certifications: list[tuple]
    coordinators: dict

    @cached_property
    def people_copy(self) -> tuple[bytes, bytes]:
        users = "".join(f"{u}\t{email}\t{name}\t{role}\t{chapter}\n" for u, email, name, role, chapter in self.users)
        certifications = "".join("\t".join(map(str, c)) + "\n" for c in self.certifications)
        return users.encode(), certifications.encode()

    @cached_property
    def log_copy(self) -> bytes:
        rng = random.Random(self.seed + 1)
        lines, emitted = [], 0
        for cert_id, mentor_id, chapter, _type, _issued_on, expires_on in self.certifications:
            for notification in SCHEDULE:
                scheduled_on = expires_on - timedelta(days=notification.days_before)
                if scheduled_on > REFERENCE_DAY or emitted >= self.rows:
                    break
                recipient = mentor_id
                if notification.name == "expired" and rng.random() < 0.5:
                    recipient = rng.choice(self.coordinators[chapter])
                sent_at = datetime(scheduled_on.year, scheduled_on.month, scheduled_on.day, 2, 0, tzinfo=UTC)
                sent_at += timedelta(seconds=rng.randint(0, 900), microseconds=rng.randint(0, 999_999))
                emitted += 1
                lines.append(f"{uuid.UUID(int=rng.getrandbits(128), version=4)}\t{cert_id}\t{notification.name}\t"
                             f"{sent_at.isoformat()}\t{recipient}\t"
                             f"{idempotency_key(cert_id, notification.name, scheduled_on)}\n")
        return "".join(lines).encode()


@dataclass(frozen=True)
class SeedReport:
    users: int
    certifications: int
    log_rows: int
    seconds: float


def plan(rows: int, seed: int) -> SeedPlan:
    rng = random.Random(seed)
    fake = Faker()
    fake.seed_instance(seed)
    users: list[tuple] = []
    certifications: list[tuple] = []
    first_names = [fake.first_name() for _ in range(NAME_POOL)]
    last_names = [fake.last_name() for _ in range(NAME_POOL)]

    def new_uuid() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    def new_user(role: str, chapter: uuid.UUID) -> uuid.UUID:
        uid = new_uuid()
        first, last = rng.choice(first_names), rng.choice(last_names)
        users.append((uid, f"{first}.{last}.{len(users)}@example.org".lower(), f"{first} {last}", role, chapter))
        return uid

    chapters = [new_uuid() for _ in range(CHAPTERS)]
    coordinators = {c: [new_user("coordinator", c) for _ in range(COORDINATORS_PER_CHAPTER)] for c in chapters}
    mentor: tuple[uuid.UUID, uuid.UUID] | None = None
    planned = 0
    while planned < rows:
        if mentor is None or rng.random() > CERTIFICATIONS_PER_MENTOR - 1:
            chapter = rng.choice(chapters)
            mentor = (new_user("peer_mentor", chapter), chapter)
        mentor_id, chapter = mentor
        expires_on = REFERENCE_DAY + timedelta(days=rng.randint(-730, 120))
        certifications.append((new_uuid(), mentor_id, chapter, rng.choice(CERTIFICATION_TYPES),
                               expires_on - timedelta(days=730), expires_on))
        planned += due_count(expires_on)
    return SeedPlan(rows, seed, users, certifications, coordinators)


def _copy(cur, target: str, data: bytes) -> None:
    with cur.copy(f"copy {target} from stdin") as copy:
        copy.write(data)


def load_people(conn, data: SeedPlan) -> None:
    """Users and certifications (Tier 0), in one transaction."""
    users, certifications = data.people_copy
    with conn.transaction(), conn.cursor() as cur:
        _copy(cur, USERS, users)
        _copy(cur, CERTIFICATIONS, certifications)
    conn.execute("analyze public.users, public.peer_mentor_certifications")


def load_log(conn, data: SeedPlan, *, progress: Callable[[str], None] | None = None) -> SeedReport:
    """The log rows, in one transaction, then ANALYZE. As a superuser (triggers off while loading)."""
    started = time.perf_counter()
    body = data.log_copy
    with conn.transaction(), conn.cursor() as cur:
        cur.execute("set local session_replication_role = replica")
        _copy(cur, LOG, body)
    conn.execute("analyze public.cert_notification_log")
    if progress:
        progress(f"{data.rows:,} log rows loaded")
    return SeedReport(len(data.users), len(data.certifications), body.count(b"\n"), time.perf_counter() - started)


def seed(conn, rows: int, seed_value: int) -> SeedReport:
    """Everything into one migrated database (the benchmark of seeding measures this)."""
    started = time.perf_counter()
    data = plan(rows, seed_value)
    load_people(conn, data)
    report = load_log(conn, data)
    return SeedReport(report.users, report.certifications, report.log_rows, time.perf_counter() - started)
