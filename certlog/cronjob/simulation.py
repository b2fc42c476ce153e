"""Nights of the cron job under faults: does every due notification get logged exactly once?

Each simulated night: the population changes (new certifications, some deleted, some users
deleted where the schema allows it), several workers run the job at once (the batch-check RPC,
then the upsert of what is left, as PostgREST runs them for the Edge Function), while a fault
injector kills their connections and sometimes restarts the server; a worker whose connection
died retries a moment later, for the same scheduled day. On some nights the retention purge runs
among them, as Supabase Cron runs it. At the end every (certification, type, scheduled day) that
was due has exactly one row, nothing else was logged, and every acknowledged insert survived
(unless its certification was deleted, which cascades). Deterministic for a given seed, except
for the order in which concurrent workers happen to win.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

import psycopg

from certlog.cronjob import calls
from certlog.database import queries
from certlog.database.connections import connect
from certlog.model.schedule import DAYS_BEFORE
from certlog.provision.server import Server
from certlog.standin.postgrest import postgrest_session

FIRST_NIGHT = date(2026, 11, 2)
WORKERS = 3
BATCH = 25
NEW_CERTIFICATIONS_PER_NIGHT = 12
DELETED_CERTIFICATIONS_PER_NIGHT = 2
USER_DELETIONS_PER_NIGHT = 2
KILL_CHANCE = 0.6  # per night: the injector kills one worker's connection mid-run
RESTART_NIGHTS = 2  # nights on which the server is restarted mid-run (where the backend can)
PURGE_EVERY = 7  # nights
MAX_ATTEMPTS = 20


@dataclass
class Tally:
    nights: int = 0
    workers_per_night: int = WORKERS
    attempts: int = 0  # job runs started (first tries and retries)
    retries: int = 0
    connections_killed: int = 0
    server_restarts: int = 0
    purges: int = 0
    rows_purged: int = 0
    due: int = 0
    stored: int = 0  # rows there at the end: due, less those removed with their certification
    removed_with_their_certification: int = 0  # due and sent, then deleted by the cascade (as they should be)
    acknowledged: int = 0
    duplicates: int = 0
    lost: int = 0
    unexpected: int = 0
    certifications_added: int = 0
    certifications_deleted: int = 0
    users_deleted: int = 0
    user_deletions_refused: int = 0
    seconds: float = 0.0


@dataclass
class _Night:
    day: date
    due: list[calls.Notification]
    acknowledged: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)
    errors: list[str] = field(default_factory=list)
    backends: list[int] = field(default_factory=list)  # the workers' server processes (a fault kills one)


def run(server: Server, dbname: str, *, nights: int, seed: int, can_restart: bool,
        say: Callable[[str], None] = lambda message: None) -> tuple[Tally, dict[str, list[str]]]:
    """Simulate `nights` nights on `dbname` (a migrated, seeded database it may change at will).
    Returns the figures and the discrepancies found (empty lists when exactly-once held)."""
    rng = random.Random(f"simulation {seed}")  # not the seed plan's sequence (its ids are taken)
    figures = Tally(nights=nights)
    started = time.perf_counter()
    restart_nights = set(rng.sample(range(nights), min(RESTART_NIGHTS, nights))) if can_restart else set()
    population = _Population.read(server, dbname)
    expected: dict[str, uuid.UUID] = {}  # key -> its certification
    acknowledged: set[str] = set()
    deleted: set[uuid.UUID] = set()
    admin = connect(server, dbname, autocommit=True)  # the nights' changes and due lists (a new one after a restart)
    try:
        begin = admin.execute("select now()").fetchone()[0]
        for night in range(nights):
            day = FIRST_NIGHT + timedelta(days=night)
            admin = admin or connect(server, dbname, autocommit=True)
            deleted |= _change_population(admin, day, rng, figures, population)
            due = _due(admin, day)
            figures.due += len(due)
            expected.update({n.key: n.certification_id for n in due})
            record = _Night(day, due)
            if night in restart_nights:  # the restart ends every connection
                admin.close()
                admin = None
            _run_night(server, dbname, record, rng, figures, restart=night in restart_nights)
            if record.errors:
                raise AssertionError(f"night {day}: {record.errors[:3]}")
            acknowledged |= record.acknowledged
            if night % PURGE_EVERY == PURGE_EVERY - 1:
                _purge(server, dbname, figures)
            if night % 10 == 9:
                say(f"night {night + 1}/{nights}: {figures.due:,} due so far, {figures.connections_killed} "
                    f"connections killed, {figures.server_restarts} restarts")
    finally:
        if admin is not None:
            admin.close()
    problems = _verify(server, dbname, begin, expected, acknowledged, deleted, figures)
    figures.seconds = round(time.perf_counter() - started, 1)
    return figures, problems


@dataclass
class _Population:
    """Who can be picked for the night's changes (kept in step with what the simulation changes)."""

    mentors: list[tuple]  # (user id, chapter)
    users: list
    certifications: list

    @classmethod
    def read(cls, server: Server, dbname: str) -> _Population:
        with connect(server, dbname) as conn:
            return cls(conn.execute("select id, chapter_id from public.users where role = 'peer_mentor' "
                                    "order by id").fetchall(),
                       [u for (u,) in conn.execute("select id from public.users order by id")],
                       [c for (c,) in conn.execute("select id from public.peer_mentor_certifications order by id")])


def _change_population(conn, day: date, rng: random.Random, figures: Tally, population: _Population) -> set:
    """New certifications (some due within days), a few deleted, a few users deleted where the schema allows;
    returns the certifications deleted (their log rows went with them)."""
    mentors = rng.sample(population.mentors, NEW_CERTIFICATIONS_PER_NIGHT)
    for mentor, chapter in mentors:
        expires_on = day + timedelta(days=rng.choice([1, 3, 7, 8, 15, 30, 31, 60, 90, 91, 200]))
        certification = uuid.UUID(int=rng.getrandbits(128), version=4)
        conn.execute("insert into public.peer_mentor_certifications (id, peer_mentor_id, chapter_id, "
                     "certification_type, issued_on, expires_on) values (%s, %s, %s, 'first_aid', %s, %s)",
                     (certification, mentor, chapter, expires_on - timedelta(days=730), expires_on))
        population.certifications.append(certification)
    figures.certifications_added += len(mentors)
    doomed = rng.sample(population.certifications, DELETED_CERTIFICATIONS_PER_NIGHT)
    deleted = {c for (c,) in conn.execute(
        "delete from public.peer_mentor_certifications where id = any(%s) returning id", (doomed,))}
    for user in rng.sample(population.users, USER_DELETIONS_PER_NIGHT):
        try:
            with conn.transaction():
                conn.execute("delete from public.users where id = %s", (user,))
            figures.users_deleted += 1
            population.users.remove(user)
            population.mentors = [m for m in population.mentors if m[0] != user]
        except psycopg.errors.ForeignKeyViolation:  # still named by log rows: the schema refuses, rightly
            figures.user_deletions_refused += 1
    figures.certifications_deleted += len(deleted)
    population.certifications = [c for c in population.certifications if c not in deleted]
    return deleted


def _due(conn, day: date) -> list[calls.Notification]:
    """What the job finds due tonight: each certification whose expiry minus a schedule's days is today."""
    rows = queries.rows(conn, "due_notifications", {"day": day, "types": list(DAYS_BEFORE),
                                                     "days_before": list(DAYS_BEFORE.values())})
    return [calls.Notification(r["certification_id"], r["notification_type"], r["recipient_id"], day) for r in rows]


def _job(server: Server, dbname: str, night: _Night, figures: Tally, lock: threading.Lock) -> None:
    """One worker: check what was sent, log the rest in batches; on a lost connection, start again."""
    for attempt in range(MAX_ATTEMPTS):
        with lock:
            figures.attempts += 1
            figures.retries += attempt > 0
        try:
            with postgrest_session(server, dbname) as api:
                with night.lock:
                    night.backends.append(api.conn.info.backend_pid)
                with api.request("service_role", commit=True) as conn:
                    sent = set(calls.already_sent(conn, [(n.certification_id, n.notification_type) for n in night.due]))
                todo = [n for i, n in enumerate(night.due) if i not in sent]
                for at in range(0, len(todo), BATCH):
                    with api.request("service_role", commit=True) as conn:
                        stored = calls.upsert(conn, todo[at:at + BATCH])
                    with night.lock:  # acknowledged: the commit came back
                        night.acknowledged.update(stored)
            return
        except psycopg.OperationalError:  # "retry the next minute": sooner here, backing off while the server is
            time.sleep(min(0.02 * 2 ** attempt, 1.0))  # down (a container's restart takes seconds)
        except psycopg.Error as exc:
            night.errors.append(repr(exc))
            return
    night.errors.append(f"a worker gave up after {MAX_ATTEMPTS} attempts")


def _run_night(server: Server, dbname: str, night: _Night, rng: random.Random, figures: Tally, *,
               restart: bool) -> None:
    lock = threading.Lock()
    workers = [threading.Thread(target=_job, args=(server, dbname, night, figures, lock)) for _ in range(WORKERS)]
    kill = rng.random() < KILL_CHANCE
    delay = rng.uniform(0.0, 0.03)
    for worker in workers:
        worker.start()
    if kill or restart:
        time.sleep(delay)
        if restart:
            server.restart()
            figures.server_restarts += 1
        else:
            figures.connections_killed += _kill_one(server, night, rng)
    for worker in workers:
        worker.join(timeout=120)


def _kill_one(server: Server, night: _Night, rng: random.Random) -> int:
    with night.lock:
        backends = list(night.backends)
    if not backends:
        return 0
    with connect(server, "postgres", autocommit=True) as admin:
        return int(admin.execute("select pg_terminate_backend(%s)", (rng.choice(backends),)).fetchone()[0])


def _purge(server: Server, dbname: str, figures: Tally) -> None:
    """The scheduled purge, as Supabase Cron runs it: its command, as postgres."""
    for _ in range(MAX_ATTEMPTS):
        try:
            with connect(server, dbname, user="postgres", autocommit=True) as conn:
                figures.rows_purged += conn.execute("select public.purge_cert_notification_log()").fetchone()[0]
            figures.purges += 1
            return
        except psycopg.OperationalError:
            time.sleep(0.02)


def _verify(server: Server, dbname: str, begin, expected: dict[str, uuid.UUID], acknowledged: set[str],
            deleted: set[uuid.UUID], figures: Tally) -> dict[str, list[str]]:
    with connect(server, dbname) as conn:
        logged = [k for (k,) in conn.execute("select idempotency_key from public.cert_notification_log "
                                             "where sent_at >= %s", (begin,))]
        cascaded = {c for (c,) in conn.execute(  # certifications deleted with their users count as deleted too
            "select unnest(%s::uuid[]) except select id from public.peer_mentor_certifications",
            (list(set(expected.values())),))}
    gone = deleted | cascaded
    counts: dict[str, int] = {}
    for key in logged:
        counts[key] = counts.get(key, 0) + 1
    should_be_there = {k for k, certification in expected.items() if certification not in gone}
    figures.stored = len(logged)
    figures.removed_with_their_certification = len(expected) - len(should_be_there)
    figures.acknowledged = len(acknowledged)
    figures.duplicates = sum(c - 1 for c in counts.values())
    figures.unexpected = len(set(counts) - should_be_there)
    lost = (acknowledged & should_be_there) - set(counts)
    figures.lost = len(lost)
    return {"duplicates": sorted(k for k, c in counts.items() if c > 1)[:10],
            "logged but not due (or certification deleted)": sorted(set(counts) - should_be_there)[:10],
            "due but not logged": sorted(should_be_there - set(counts))[:10],
            "acknowledged but lost": sorted(lost)[:10]}
