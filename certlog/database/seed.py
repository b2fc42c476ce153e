"""Deterministic synthetic data: users, certifications and cert_notification_log rows.

Faker (fixed seed) for people; every certification expires somewhere between two years
ago and four months ahead of REFERENCE_DAY, and has one log row for each notification of
the schedule whose day has come, sent in the nightly cron window.

The data is made once per run and kept as COPY text: people go into the base database
(before any migration), log rows into each migrated template, so two templates cost one
generation. Loaded with COPY; the foreign keys hold by construction, so the log rows are
loaded with triggers (and with them the row-by-row foreign-key checks) off, then ANALYZE, reading every row up to
60 000 (analyze_*.sql), so that plans do not change from one run to the next.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cached_property

from faker import Faker

from certlog.database import queries
from certlog.model.keys import canonical_key
from certlog.model.rule import SCHEDULE

REFERENCE_DAY = date(2026, 11, 1)
CERTIFICATION_TYPES = ("peer_mentor_basic", "peer_mentor_advanced", "first_aid", "safeguarding")
CHAPTERS = 40
COORDINATORS_PER_CHAPTER = 2
CERTIFICATIONS_PER_MENTOR = 1.3
NAME_POOL = 500  # distinct first and last names drawn from Faker, then combined

USERS = "public.users (id, email, full_name, role, chapter_id)"
CERTIFICATIONS = ("public.peer_mentor_certifications"
                  " (id, peer_mentor_id, chapter_id, certification_type, issued_on, expires_on)")
LOG = "public.cert_notification_log (certification_id, notification_type, sent_at, recipient_id, idempotency_key)"


DAYS = {offset: REFERENCE_DAY + timedelta(days=offset) for offset in range(-1500, 200)}
_DUE_BY_OFFSET = {offset: sum(1 for n in SCHEDULE if offset <= n.days_before) for offset in range(-800, 200)}


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
        """COPY text of the log rows (without id: the table's default makes it), sent in the nightly window."""
        rng = random.Random(self.seed + 1)
        coordinators = self.coordinators
        lines, emitted = [], 0
        for cert, mentor, chapter, _type, _issued_on, expires_on in self.certifications:
            for notification in SCHEDULE:
                scheduled_on = expires_on - timedelta(days=notification.days_before)
                if scheduled_on > REFERENCE_DAY or emitted >= self.rows:
                    break
                recipient = mentor
                if notification.name == "expired" and rng.random() < 0.5:
                    recipient = rng.choice(coordinators[chapter])
                day = scheduled_on.isoformat()
                seconds, micro = divmod(rng.getrandbits(30) % 900_000_000, 1_000_000)  # 02:00 to 02:15 UTC
                emitted += 1
                sent_at = f"{day} 02:{seconds // 60:02d}:{seconds % 60:02d}.{micro:06d}+00"
                lines.append(f"{cert}\t{notification.name}\t{sent_at}\t{recipient}\t"
                             f"{canonical_key(cert, notification.name, day)}\n")
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

    def new_uuid() -> str:
        """str(uuid.UUID(int=rng.getrandbits(128), version=4)), without the object."""
        n = rng.getrandbits(128) & ~(0xF000 << 64) | (4 << 76)
        h = f"{n & ~(0xC000 << 48) | (0x8000 << 48):032x}"
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    def new_user(role: str, chapter: str) -> str:
        uid = new_uuid()
        first, last = rng.choice(first_names), rng.choice(last_names)
        users.append((uid, f"{first}.{last}.{len(users)}@example.org".lower(), f"{first} {last}", role, chapter))
        return uid

    chapters = [new_uuid() for _ in range(CHAPTERS)]
    coordinators = {c: [new_user("coordinator", c) for _ in range(COORDINATORS_PER_CHAPTER)] for c in chapters}
    mentor: tuple[str, str] | None = None
    planned = 0
    while planned < rows:
        if mentor is None or rng.random() > CERTIFICATIONS_PER_MENTOR - 1:
            chapter = rng.choice(chapters)
            mentor = (new_user("peer_mentor", chapter), chapter)
        mentor_id, chapter = mentor
        offset = rng.randint(-730, 120)
        expires_on = DAYS[offset]
        certifications.append((new_uuid(), mentor_id, chapter, rng.choice(CERTIFICATION_TYPES),
                               DAYS[offset - 730], expires_on))
        planned += _DUE_BY_OFFSET[offset]
    return SeedPlan(rows, seed, users, certifications, coordinators)


def _copy(conn, target: str, data: bytes, *, triggers: bool = True) -> None:
    """COPY `data` into `target` in one transaction (with triggers, foreign-key checks among them, off if asked)."""
    with conn.transaction(), conn.cursor() as cur:
        if not triggers:
            cur.execute("set local session_replication_role = replica")
        with cur.copy(f"copy {target} from stdin") as copy:
            copy.write(data)


def _nth_newline(body: bytes, n: int) -> int:
    at = -1
    for _ in range(n):
        at = body.index(b"\n", at + 1)
    return at


def _halves(body: bytes) -> list[bytes]:
    middle = body.index(b"\n", len(body) // 2) + 1 if body else 0
    return [part for part in (body[:middle], body[middle:]) if part]


def load_people(conn, data: SeedPlan) -> None:
    """Users and certifications (Tier 0), then ANALYZE. As a superuser: triggers off (the rows hold by construction)."""
    users, certifications = data.people_copy
    with conn.transaction():
        _copy(conn, USERS, users, triggers=False)
        _copy(conn, CERTIFICATIONS, certifications, triggers=False)
    conn.execute(queries.text("analyze_people"))


def load_log(connect: Callable[[], object], data: SeedPlan, *, rows: int | None = None) -> SeedReport:
    """The log rows (the first `rows` of them if given), in two halves on two connections at once (a core
    each), then ANALYZE. As a superuser: triggers, the row-by-row foreign-key checks among them, are off
    while loading (the rows hold by construction). Each half is one transaction; a failure leaves the
    database to be thrown away."""
    started = time.perf_counter()
    body = data.log_copy
    if rows is not None and rows < data.rows:
        body = body[:_nth_newline(body, rows) + 1]

    def load(part: bytes) -> None:
        with connect() as conn:
            _copy(conn, LOG, part, triggers=False)

    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(load, _halves(body)))
    with connect() as conn:
        conn.execute(queries.text("analyze_log"))
    return SeedReport(len(data.users), len(data.certifications), body.count(b"\n"), time.perf_counter() - started)


def seed(connect: Callable[[], object], rows: int, seed_value: int) -> SeedReport:
    """Everything into one migrated database (what the benchmark of seeding measures): the people load while
    the log rows are made, then the log rows load."""
    started = time.perf_counter()
    data = plan(rows, seed_value)

    def people() -> None:
        with connect() as conn:
            load_people(conn, data)

    with ThreadPoolExecutor(max_workers=1) as pool:
        loading = pool.submit(people)
        data.log_copy  # noqa: B018 - made while the people load
        report = load_log(connect, data)
        loading.result()
    return SeedReport(report.users, report.certifications, report.log_rows, time.perf_counter() - started)
