"""Nights of the cron job over the whole life of certifications: does every cycle get exactly the notifications
the rule gives, each once?

The nights start on 2024-01-01 (a leap year, so its leap day and its last day come by), from a population whose
earlier notifications are in the log, the previous year's cycles' among them. Each night:
  - the population changes: new certifications (some inside each warning window, some expired already),
    renewals (early, on a due day, after expiry), expiry dates corrected by a few days, certifications deleted,
    users deleted where the schema allows it (it refuses while the log names them);
  - unless the night is missed (one to three in a row, several times), the job runs: two workers at once, each
    the Edge Function's calls as PostgREST runs them (the rule's due list, the batch check, the upsert), every
    row stamped with the night's time; on some nights the previous night's run, delayed, runs beside it; a fault
    injector kills a worker's connection, and on two nights restarts the server; a worker whose connection died
    starts again;
  - some renewals and corrections come after the run;
  - the scheduled purge runs (Supabase Cron's command as postgres, on the night's clock), on some nights while
    the runs are still going.
The oracle (certlog.cronjob.population) knows which change was a renewal and which a correction; at the end every
row of the log is matched with what the oracle expected: none missing, none twice, none for a wrong cycle.
Deterministic for a given seed, but for which of the concurrent workers wins.
"""

from __future__ import annotations

import random
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock

import psycopg

from certlog.cronjob import calls
from certlog.cronjob.population import Certification, Expected, Population
from certlog.database.connections import connect
from certlog.model import rule
from certlog.model.keys import idempotency_key
from certlog.provision.server import Server
from certlog.standin.postgrest import PostgrestSession

FIRST_NIGHT = date(2024, 1, 1)
RUN_AT, PURGE_AT = clock(2, 0), clock(3, 17)  # the job's schedule; the purge's (the migration's cron job)
INITIAL_CERTIFICATIONS = 1_000
WORKERS = 2
BATCH = 50
NEW_PER_NIGHT = 3
RENEWALS_PER_PHASE = 1  # before the night's run, and after it
CORRECTIONS_PER_PHASE = 1
DELETIONS_PER_NIGHT = 1
USER_DELETIONS_PER_NIGHT = 1
MISSED_STRETCHES = 6  # of one to three nights in a row
DELAYED_RUNS = 10  # nights whose run is delayed to overlap the next night's
RESTARTS = 2  # one in a shorter stretch
KILL_CHANCE = 0.2
PURGE_BESIDE_CHANCE = 0.1  # the purge runs while the night's runs still do
MAX_ATTEMPTS = 20
NEW_CERTIFICATIONS = (range(1, 7), range(8, 30), range(31, 90), range(91, 400), range(-20, 0), range(-200, -30))


@dataclass
class Tally:
    """What the nights did and what the end found, as the evidence shows it."""

    nights: int = 0
    cycles: int = 0
    certifications_added: int = 0
    renewals: int = 0
    corrections: int = 0
    certifications_deleted: int = 0
    certification_deletions_refused: int = 0
    users_deleted: int = 0
    user_deletions_refused: int = 0
    runs: int = 0
    missed_nights: int = 0
    overlapping_runs: int = 0
    attempts: int = 0
    connections_killed: int = 0
    server_restarts: int = 0
    purges: int = 0
    rows_purged: int = 0
    expected: int = 0  # notifications the rule gave the cycles (the earlier ones in the log included)
    late_sends: int = 0
    stored: int = 0  # rows at the end
    removed_with_their_certification: int = 0
    purged_as_due: int = 0  # expected, sent, then older than the retention
    duplicates: int = 0
    missing: int = 0
    wrong_cycle: int = 0
    lost: int = 0  # acknowledged, then gone (not by cascade or purge)
    seconds: float = 0.0


class _Connections:
    """The connections the nights use, kept from night to night as PostgREST's pool and pg_cron keep theirs, and
    made again when one is lost (a killed connection, a restart): `authenticator` ones for the job's workers, one
    as postgres for the purge (pg_cron's role), and the simulation's own (a superuser) for the changes and faults."""

    def __init__(self, server: Server, dbname: str) -> None:
        self.server, self.dbname = server, dbname
        self.workers: dict[int, object] = {}
        self._lock = threading.Lock()
        self._admin: psycopg.Connection | None = None
        self._cron: psycopg.Connection | None = None

    def worker(self, slot: int):
        """The `slot`th worker's PostgREST session (a new one if it was lost)."""
        with self._lock:
            session = self.workers.get(slot)
            if session is None or session.conn.closed:
                session = self.workers[slot] = PostgrestSession(
                    connect(self.server, self.dbname, user="authenticator", autocommit=True))
            return session

    def lost(self, slot: int) -> None:
        with self._lock:
            session = self.workers.pop(slot, None)
        if session is not None:
            session.conn.close()

    @property
    def admin(self) -> psycopg.Connection:
        if self._admin is None or self._admin.closed or self._admin.broken:
            self._admin = connect(self.server, self.dbname, autocommit=True)
        return self._admin

    @property
    def cron(self) -> psycopg.Connection:
        if self._cron is None or self._cron.closed or self._cron.broken:
            self._cron = connect(self.server, self.dbname, user="postgres", autocommit=True)
        return self._cron

    def close(self) -> None:
        """Close them all (the server restarted: each is made again when next needed)."""
        with self._lock:
            every = [*(s.conn for s in self.workers.values()), self._admin, self._cron]
            self.workers.clear()
        for conn in every:
            if conn is not None:
                conn.close()


@dataclass
class _Run:
    scheduled_on: date
    sent_at: datetime
    acknowledged: set[str] = field(default_factory=set)
    errors: list[str] = field(default_factory=list)
    backends: list[int] = field(default_factory=list)  # the workers' server processes (a fault kills one)
    lock: threading.Lock = field(default_factory=threading.Lock)


def run(server: Server, dbname: str, *, nights: int, seed: int, can_restart: bool,
        say: Callable[[str], None] = lambda message: None) -> tuple[Tally, dict[str, list[str]]]:
    """Simulate `nights` nights on `dbname` (a migrated database it may change at will; its certifications and log
    rows are replaced). Returns the tally and the discrepancies found (empty lists when exactly-once held)."""
    rng = random.Random(f"simulation {seed}")
    tally, population = Tally(nights=nights), Population()
    started = time.perf_counter()
    plan = _plan(rng, nights, can_restart)
    acknowledged: set[str] = set()
    last_purge: datetime | None = None
    connections = _Connections(server, dbname)
    mentors = _begin(connections.admin, rng, population)
    delayed: _Run | None = None
    try:
        for night in range(nights):
            day = FIRST_NIGHT + timedelta(days=night)
            at = datetime.combine(day, RUN_AT, UTC)
            _change(connections.admin, rng, population, mentors, day, at - timedelta(hours=1), tally, phase="before")
            runs = [delayed] if delayed else []
            delayed = None
            if night in plan["delayed"]:
                delayed, tally.overlapping_runs = _Run(day, at + timedelta(days=1)), tally.overlapping_runs + 1
            elif night in plan["missed"]:
                tally.missed_nights += 1
            else:
                runs.append(_Run(day, at))
            for job in runs:
                population.expect(job.scheduled_on, job.sent_at)
            last_purge = datetime.combine(day, PURGE_AT, UTC)
            _run_night(server, connections, runs, rng, tally, restart=night in plan["restarts"], purge_at=last_purge)
            for job in runs:
                if job.errors:
                    raise AssertionError(f"the run for {job.scheduled_on}: {job.errors[:3]}")
                acknowledged |= job.acknowledged
            _change(connections.admin, rng, population, mentors, day, at + timedelta(hours=2), tally, phase="after")
            if night % 60 == 59:
                say(f"night {night + 1}/{nights}: {len(population.expected):,} notifications expected so far, "
                    f"{tally.renewals} renewals, {tally.connections_killed} connections killed")
    finally:
        connections.close()
    problems = _verify(server, dbname, population, acknowledged, tally, _a_year_before(last_purge))
    tally.seconds = round(time.perf_counter() - started, 1)
    return tally, problems


def _a_year_before(moment: datetime | None) -> datetime:
    """`moment - interval '1 year'` as PostgreSQL reckons it (29 February becomes 28 February)."""
    if moment is None:
        return datetime.min.replace(tzinfo=UTC)
    day = 28 if (moment.month, moment.day) == (2, 29) else moment.day
    return moment.replace(year=moment.year - 1, day=day)


def _plan(rng: random.Random, nights: int, can_restart: bool) -> dict[str, set[int]]:
    """Which nights are missed, which runs are delayed into the next night, which nights restart the server."""
    missed: set[int] = set()
    for _ in range(MISSED_STRETCHES):
        start = rng.randrange(1, max(2, nights - 4))
        missed |= set(range(start, start + rng.randint(1, 3)))
    free = [n for n in range(nights - 1) if n not in missed and n + 1 not in missed and n - 1 not in missed]
    delayed = set(rng.sample(free, min(DELAYED_RUNS, len(free))))
    restarts = set(rng.sample(range(nights), min(RESTARTS if nights >= 180 else 1, nights))) if can_restart else set()
    return {"missed": missed, "delayed": delayed, "restarts": restarts}


# --- the population ------------------------------------------------------------------------------------------


def _begin(conn, rng: random.Random, population: Population) -> list[tuple[uuid.UUID, uuid.UUID]]:
    """The nights' own population instead of the seeded one, with its earlier notifications in the log, as every
    night before the first ran: the current cycle's that were due, and for some the previous year's cycle's."""
    conn.execute("truncate public.peer_mentor_certifications cascade")
    mentors = conn.execute("select id, chapter_id from public.users where role = 'peer_mentor' order by id "
                           "limit 3000").fetchall()
    history: list[tuple] = []
    certifications: list[tuple] = []
    start = datetime.combine(FIRST_NIGHT, RUN_AT, UTC)
    for _ in range(INITIAL_CERTIFICATIONS):
        mentor, chapter = rng.choice(mentors)
        cert = Certification(_uuid(rng), mentor, chapter, FIRST_NIGHT + timedelta(days=rng.randint(-25, 460)))
        population.add(cert, start - timedelta(days=800))
        previous = cert.expires_on - timedelta(days=365)
        if previous < FIRST_NIGHT and rng.random() < 0.5:  # renewed a year ago: its previous cycle's rows too
            history += _sent_before(population, cert, previous, start)
            population.move(cert, cert.expires_on, datetime.combine(previous, clock(12), UTC), renewal=True)
        history += _sent_before(population, cert, cert.expires_on, start)
        certifications.append((cert.id, mentor, chapter, previous, cert.expires_on))
    with conn.cursor() as cur:
        cur.executemany("insert into public.peer_mentor_certifications (id, peer_mentor_id, chapter_id, "
                        "certification_type, issued_on, expires_on) values (%s, %s, %s, 'first_aid', %s, %s)",
                        certifications)
        cur.executemany("insert into public.cert_notification_log (certification_id, notification_type, sent_at, "
                        "recipient_id, idempotency_key) values (%s, %s, %s, %s, %s)", history)
    return mentors


def _sent_before(population: Population, cert: Certification, expires_on: date, before: datetime) -> list[tuple]:
    """The notifications of the certification's current cycle, were it to expire on `expires_on`, sent on their due
    days before `before` (as if every night ran): log rows, and expected."""
    rows, cycle = [], cert.cycle
    for kind, days in rule.DAYS_BEFORE.items():
        due_on = expires_on - timedelta(days=days)
        sent_at = datetime.combine(due_on, RUN_AT, UTC)
        if sent_at >= before:
            continue
        key = idempotency_key(cert.id, kind, due_on)
        population.expected[(cert.id, cycle, kind)] = Expected(cert.id, cycle, kind, key, due_on, sent_at, False)
        rows.append((cert.id, kind, sent_at, cert.mentor, key))
    return rows


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _change(conn, rng: random.Random, population: Population, mentors: list, day: date, at: datetime,
            tally: Tally, *, phase: str) -> None:
    """A night's changes before its run (new certifications, renewals, corrections, deletions) or after it (more
    renewals and corrections: a renewal on a due day comes before or after that day's run)."""
    if phase == "before":
        for _ in range(NEW_PER_NIGHT):
            mentor, chapter = rng.choice(mentors)
            expires_on = day + timedelta(days=rng.choice(rng.choice(NEW_CERTIFICATIONS)))
            cert = Certification(_uuid(rng), mentor, chapter, expires_on)
            conn.execute("insert into public.peer_mentor_certifications (id, peer_mentor_id, chapter_id, "
                         "certification_type, issued_on, expires_on) values (%s, %s, %s, 'first_aid', %s, %s)",
                         (cert.id, mentor, chapter, min(day, expires_on) - timedelta(days=365), expires_on))
            population.add(cert, at)
            tally.certifications_added += 1
        _delete_certifications(conn, rng, population, tally)
        _delete_users(conn, rng, population, mentors, tally)
    reachable = list(population.within_reach(day))
    for cert in rng.sample(reachable, min(RENEWALS_PER_PHASE, len(reachable))):
        _renew(conn, rng, population, cert, day, at, tally)
    for cert in rng.sample(reachable, min(CORRECTIONS_PER_PHASE, len(reachable))):
        if cert.id in population.live:
            corrected = cert.expires_on + timedelta(days=rng.choice([-3, -2, -1, 1, 2, 3]))
            conn.execute("update public.peer_mentor_certifications set expires_on = %s where id = %s",
                         (corrected, cert.id))
            population.move(cert, corrected, at, renewal=False)
            tally.corrections += 1


def _renew(conn, rng: random.Random, population: Population, cert: Certification, day: date, at: datetime,
           tally: Tally) -> None:
    """Early, on a due day, or after expiry (whatever the certification's moment is): a year's new cycle."""
    if cert.id not in population.live:
        return
    renewed = max(cert.expires_on, day) + timedelta(days=365 + rng.randint(0, 30))
    conn.execute("update public.peer_mentor_certifications set issued_on = %s, expires_on = %s, "
                 "renewal_history = renewal_history || jsonb_build_object('renewed_on', %s::date, "
                 "'previous_expiry', expires_on) where id = %s", (day, renewed, day, cert.id))
    population.move(cert, renewed, at, renewal=True)
    tally.renewals += 1


def _delete_certifications(conn, rng: random.Random, population: Population, tally: Tally) -> None:
    """Certifications deleted (their log rows go with them); one the schema refuses to delete stays (that is the
    cascade's requirement to judge, not the nights')."""
    for certification_id in rng.sample(list(population.live), min(DELETIONS_PER_NIGHT, len(population.live))):
        try:
            with conn.transaction():
                conn.execute("delete from public.peer_mentor_certifications where id = %s", (certification_id,))
        except psycopg.errors.ForeignKeyViolation:
            tally.certification_deletions_refused += 1
            continue
        population.remove(certification_id)
        tally.certifications_deleted += 1


def _delete_users(conn, rng: random.Random, population: Population, mentors: list, tally: Tally) -> None:
    """A mentor's account deleted: refused while the log names them (no cascade on recipient_id), else their
    certifications go with them (and those certifications' log rows)."""
    for mentor in {rng.choice(list(population.live.values())).mentor for _ in range(USER_DELETIONS_PER_NIGHT)}:
        try:
            with conn.transaction():
                gone = [c for (c,) in conn.execute(
                    "select id from public.peer_mentor_certifications where peer_mentor_id = %s", (mentor,))]
                conn.execute("delete from public.users where id = %s", (mentor,))
        except psycopg.errors.ForeignKeyViolation:
            tally.user_deletions_refused += 1
            continue
        for certification_id in gone:
            population.remove(certification_id)
        mentors[:] = [m for m in mentors if m[0] != mentor]
        tally.users_deleted += 1


# --- the runs ------------------------------------------------------------------------------------------------


def _job(connections: _Connections, slot: int, job: _Run, tally: Tally, lock: threading.Lock) -> None:
    """One worker of a run: the rule's due list, the batch check, the upsert of what is left in batches; on a
    lost connection, it starts again (the same scheduled day: the same keys)."""
    for attempt in range(MAX_ATTEMPTS):
        with lock:
            tally.attempts += 1
        try:
            api = connections.worker(slot)
            with job.lock:
                job.backends.append(api.conn.info.backend_pid)
            with api.request("service_role") as conn:
                todo = calls.unsent(conn, calls.due(conn, job.scheduled_on))
            for at in range(0, len(todo), BATCH):
                with api.request("service_role", commit=True) as conn:
                    stored = calls.upsert(conn, todo[at:at + BATCH], sent_at=job.sent_at)
                with job.lock:  # acknowledged: the commit came back
                    job.acknowledged.update(stored)
            return
        except psycopg.OperationalError:  # "retry the next minute": sooner here, backing off while the server is
            connections.lost(slot)  # down (a container's restart takes seconds)
            time.sleep(min(0.01 * 2 ** attempt, 1.0))
        except psycopg.Error as exc:
            job.errors.append(repr(exc))
            return
    job.errors.append(f"a worker gave up after {MAX_ATTEMPTS} attempts")


def _run_night(server: Server, connections: _Connections, runs: list[_Run], rng: random.Random, tally: Tally, *,
               restart: bool, purge_at: datetime) -> None:
    lock = threading.Lock()
    workers = [threading.Thread(target=_job, args=(connections, r * WORKERS + w, job, tally, lock))
               for r, job in enumerate(runs) for w in range(WORKERS)]
    tally.runs += len(runs)
    kill = runs and rng.random() < KILL_CHANCE
    delay = rng.uniform(0.0, 0.005)
    purge_beside = rng.random() < PURGE_BESIDE_CHANCE
    for worker in workers:
        worker.start()
    if purge_beside:
        _purge(connections, purge_at, tally)
    if kill or restart:
        time.sleep(delay)
        if restart:
            server.restart()
            connections.close()
            tally.server_restarts += 1
        else:
            tally.connections_killed += _kill_one(connections, runs, rng)
    for worker in workers:
        worker.join(timeout=120)
    if not purge_beside:
        _purge(connections, purge_at, tally)


def _kill_one(connections: _Connections, runs: list[_Run], rng: random.Random) -> int:
    backends = [pid for job in runs for pid in job.backends]
    if not backends:
        return 0
    return int(connections.admin.execute("select pg_terminate_backend(%s)", (rng.choice(backends),)).fetchone()[0])


def _purge(connections: _Connections, now: datetime, tally: Tally) -> None:
    """The scheduled purge, as Supabase Cron runs it (its command, as postgres), on the night's clock: rows older
    than a year before `now` go."""
    for attempt in range(MAX_ATTEMPTS):
        try:
            tally.rows_purged += connections.cron.execute(  # older than a year before `now`, as PostgreSQL reckons
                "select public.purge_cert_notification_log(now() - (%s::timestamptz - interval '1 year'))",
                (now,)).fetchone()[0]
            tally.purges += 1
            return
        except psycopg.OperationalError:
            time.sleep(min(0.01 * 2 ** attempt, 1.0))


# --- the end -------------------------------------------------------------------------------------------------


def _verify(server: Server, dbname: str, population: Population, acknowledged: set[str], tally: Tally,
            purge_cutoff: datetime) -> dict[str, list[str]]:
    """Every row matched with what the oracle expected: by key, or, for a row under another key, by the cycle its
    certification was in when it was sent (another row for a sent notification is a duplicate, else a row for a
    cycle that was owed nothing)."""
    with connect(server, dbname) as conn:
        rows = conn.execute("select idempotency_key, certification_id, notification_type, sent_at "
                            "from public.cert_notification_log").fetchall()
    by_key = {e.key: e for e in population.expected.values()}
    found: Counter = Counter()
    wrong = []
    for key, certification_id, kind, sent_at in rows:
        expected = by_key.get(key)
        if expected is None:
            slot = (certification_id, population.cycle_at(certification_id, sent_at), kind)
            (found.update([slot]) if slot in population.expected else wrong.append(key))
        else:
            found[(expected.certification_id, expected.cycle, expected.notification_type)] += 1
    should_be_there = {slot: e for slot, e in population.expected.items()
                       if e.certification_id not in population.deleted and e.sent_at >= purge_cutoff}
    missing = [e.key for slot, e in should_be_there.items() if not found[slot]]
    duplicates = [f"{slot[0]} {slot[2]} (cycle {slot[1]})" for slot, count in found.items() if count > 1]
    present = {key for key, *_ in rows}
    gone_rightly = {e.key for e in population.expected.values()
                    if e.certification_id in population.deleted or e.sent_at < purge_cutoff}
    lost = sorted(acknowledged - present - gone_rightly)
    tally.cycles = sum(len(cycles) for cycles in population.cycles.values())
    tally.expected = len(population.expected)
    tally.late_sends = sum(e.late for e in population.expected.values())
    tally.stored = len(rows)
    tally.removed_with_their_certification = sum(e.certification_id in population.deleted
                                                 for e in population.expected.values())
    tally.purged_as_due = sum(e.sent_at < purge_cutoff and e.certification_id not in population.deleted
                              for e in population.expected.values())
    tally.duplicates, tally.missing, tally.wrong_cycle, tally.lost = (
        sum(found[slot] - 1 for slot in found if found[slot] > 1), len(missing), len(wrong), len(lost))
    return {"duplicates": duplicates[:10], "due but not logged": missing[:10],
            "logged for a wrong cycle (or not due)": wrong[:10], "acknowledged but lost": lost[:10]}
