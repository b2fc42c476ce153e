"""Deterministic synthetic data: users, certifications and cert_notification_log rows.

Faker (fixed seed) for people; every certification expires somewhere between two
years ago and four months ahead of REFERENCE_DAY, and has one log row for each
warning whose scheduled day has come (90, 30 and 7 days before, and the day of
expiry), sent in the nightly cron window. Loaded with COPY.
"""

from __future__ import annotations

import random
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from faker import Faker

from certlog.cronjob.keys import idempotency_key

REFERENCE_DAY = date(2026, 11, 1)
SCHEDULE = (("expiry_warning_90d", 90), ("expiry_warning_30d", 30), ("expiry_warning_7d", 7), ("expired", 0))
CERTIFICATION_TYPES = ("peer_mentor_basic", "peer_mentor_advanced", "first_aid", "safeguarding")
CHAPTERS = 40
COORDINATORS_PER_CHAPTER = 2
CERTIFICATIONS_PER_MENTOR = 1.3
NAME_POOL = 500  # distinct first and last names drawn from Faker, then combined


@dataclass
class SeedPlan:
    """Users and certifications in memory; log rows generated on demand, so COPY streams them while they are made."""

    users: list[tuple] = field(default_factory=list)
    certifications: list[tuple] = field(default_factory=list)
    coordinators: dict = field(default_factory=dict)
    rows: int = 0
    seed: int = 0

    def log_rows(self) -> Iterator[tuple]:
        rng = random.Random(self.seed + 1)
        emitted = 0
        for cert_id, mentor_id, chapter, _type, _issued_on, expires_on in self.certifications:
            for notification_type, days_before in SCHEDULE:
                scheduled_on = expires_on - timedelta(days=days_before)
                if scheduled_on > REFERENCE_DAY or emitted >= self.rows:
                    break
                recipient = mentor_id
                if notification_type == "expired" and rng.random() < 0.5:
                    recipient = rng.choice(self.coordinators[chapter])
                sent_at = datetime(scheduled_on.year, scheduled_on.month, scheduled_on.day, 2, 0, tzinfo=UTC)
                sent_at += timedelta(seconds=rng.randint(0, 900), microseconds=rng.randint(0, 999_999))
                emitted += 1
                yield (uuid.UUID(int=rng.getrandbits(128), version=4), cert_id, notification_type, sent_at,
                       recipient, idempotency_key(cert_id, notification_type, scheduled_on))


@dataclass(frozen=True)
class SeedReport:
    users: int
    certifications: int
    log_rows: int
    seconds: float


def due_count(expires_on: date) -> int:
    return sum(1 for _, days_before in SCHEDULE if expires_on - timedelta(days=days_before) <= REFERENCE_DAY)


def plan(rows: int, seed: int) -> SeedPlan:
    rng = random.Random(seed)
    fake = Faker()
    fake.seed_instance(seed)
    out = SeedPlan(rows=rows, seed=seed)
    first_names = [fake.first_name() for _ in range(NAME_POOL)]
    last_names = [fake.last_name() for _ in range(NAME_POOL)]

    def new_uuid() -> uuid.UUID:
        return uuid.UUID(int=rng.getrandbits(128), version=4)

    def new_user(role: str, chapter: uuid.UUID) -> uuid.UUID:
        uid = new_uuid()
        first, last = rng.choice(first_names), rng.choice(last_names)
        email = f"{first}.{last}.{len(out.users)}@example.org".lower()
        out.users.append((uid, email, f"{first} {last}", role, chapter))
        return uid

    chapters = [new_uuid() for _ in range(CHAPTERS)]
    out.coordinators = {c: [new_user("coordinator", c) for _ in range(COORDINATORS_PER_CHAPTER)] for c in chapters}
    mentor: tuple[uuid.UUID, uuid.UUID] | None = None
    planned = 0
    while planned < rows:
        if mentor is None or rng.random() > CERTIFICATIONS_PER_MENTOR - 1:
            chapter = rng.choice(chapters)
            mentor = (new_user("peer_mentor", chapter), chapter)
        mentor_id, chapter = mentor
        expires_on = REFERENCE_DAY + timedelta(days=rng.randint(-730, 120))
        out.certifications.append((new_uuid(), mentor_id, chapter, rng.choice(CERTIFICATION_TYPES),
                                   expires_on - timedelta(days=730), expires_on))
        planned += due_count(expires_on)
    return out


def load(conn, data: SeedPlan, *, progress: Callable[[str, int, int], None] | None = None) -> int:
    """COPY the plan in, in one transaction, then ANALYZE. Returns the number of log rows."""
    targets = (
        ("public.users (id, email, full_name, role, chapter_id)", data.users, len(data.users)),
        ("public.peer_mentor_certifications"
         " (id, peer_mentor_id, chapter_id, certification_type, issued_on, expires_on)",
         data.certifications, len(data.certifications)),
        ("public.cert_notification_log"
         " (id, certification_id, notification_type, sent_at, recipient_id, idempotency_key)",
         data.log_rows(), data.rows),
    )
    with conn.transaction(), conn.cursor() as cur:
        for target, rows, total in targets:
            table = target.split(" ")[0]
            done = 0
            with cur.copy(f"copy {target} from stdin") as copy:
                for done, row in enumerate(rows, 1):
                    copy.write_row(row)
                    if progress and done % 250_000 == 0:
                        progress(table, done, total)
            if progress:
                progress(table, done, total)
    conn.execute("analyze public.users, public.peer_mentor_certifications, public.cert_notification_log")
    return done


def seed(conn, rows: int, seed_value: int, *, progress=None) -> SeedReport:
    started = time.perf_counter()
    data = plan(rows, seed_value)
    log_rows = load(conn, data, progress=progress)
    return SeedReport(len(data.users), len(data.certifications), log_rows, time.perf_counter() - started)
