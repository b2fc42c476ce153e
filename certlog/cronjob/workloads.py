"""The cron job's database work, timed and counted: what the benchmarks measure, defined once (with the nightly
retention purge and the deletion of a certification, whose log rows go by cascade).

Each workload runs as the Edge Function's requests do (service_role, role switched for the
transaction). `prepare` runs once per database (untimed), `setup` before each round (untimed),
`run` is what is timed, and `check` proves the last round's answer was right. The pytest-benchmark
tests (bench/) and the change-against-base comparison (certlog bench --against) both run these.

For the work counters (certlog.session.measure), `statement` names the one statement a round sends, `warm`
one that fills a new connection's caches without changing the table (the upserts warm with duplicates only,
the purge with a cut-off before the first row), and `work_rounds` how many rounds are counted.
"""

from __future__ import annotations

import itertools
import random
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta

from certlog.cronjob import calls
from certlog.database import queries

SAMPLE = 2_000  # distinct keys and pairs the lookups cycle through
WARM_DUPLICATES = 50  # rows of the upserts' warming round (all already logged: nothing is written), pairs of the
# batch check's
UPSERT_BATCH = 1_000
CHECK_PAIRS = 50_000
LOOKUP_WORK_ROUNDS = 20  # lookups counted per key: 20 keys, each round's figures alike


@dataclass(frozen=True)
class Workload:
    name: str
    rounds: int  # in a comparison, per side
    prepare: Callable[[object], dict]
    run: Callable[[object, dict, object], object]
    check: Callable[[dict, object], bool]
    setup: Callable[[object, dict], object] = lambda conn, state: None
    params: dict = field(default_factory=dict)
    explain: Callable[[dict], tuple[str, dict]] | None = None  # the statement a round runs, for its plan
    statement: Callable[[dict, object], tuple[str, dict]] | None = None  # (state, setup's value) -> SQL, params
    warm: Callable[[dict], tuple[str, dict]] | None = None  # read-only; default: a round's statement
    work_rounds: int = 1
    writes: bool = False  # counted on a fresh copy of the table, since its rounds leave dead rows behind

    def round_statement(self, state: dict, conn=None) -> tuple[str, dict]:
        return self.statement(state, self.setup(conn, state))

    def warm_statement(self, state: dict, conn=None) -> tuple[str, dict]:
        return self.warm(state) if self.warm else self.round_statement(state, conn)


def _cycle(values: list) -> Callable[[], object]:
    it = itertools.cycle(values)
    return lambda: next(it)


def _dedup_hits(conn) -> dict:
    return {"next": _cycle([n.key for n in calls.seeded(conn, SAMPLE)]),
            "sql": queries.text("dedup_lookup")}


def _dedup_misses(conn) -> dict:
    rng = random.Random(SAMPLE)
    keys = [f"{rng.getrandbits(256):064x}" for _ in range(SAMPLE)]
    return {"next": _cycle(keys), "sql": queries.text("dedup_lookup")}


def _lookup(conn, state: dict, _args) -> list:
    return conn.execute(state["sql"], {"key": state["next"]()}, prepare=True).fetchall()


def _composite(conn) -> dict:
    pairs = [{"certification_id": n.certification_id, "notification_type": n.notification_type}
             for n in calls.seeded(conn, SAMPLE)]
    return {"next": _cycle(pairs), "sql": queries.text("composite_lookup")}


def _composite_run(conn, state: dict, _args) -> list:
    return conn.execute(state["sql"], state["next"](), prepare=True).fetchall()


def _upsert_state(new_share: float) -> Callable[[object], dict]:
    def prepare(conn) -> dict:
        new = int(UPSERT_BATCH * new_share)
        return {"replays": calls.seeded(conn, UPSERT_BATCH - new), "fresh": calls.not_yet_logged(conn, new),
                "new": new, "duplicates": calls.upsert_body(calls.seeded(conn, WARM_DUPLICATES))}
    return prepare


def _upsert_statement(state: dict, body: str) -> tuple[str, dict]:
    return queries.text("postgrest_upsert"), {"body": body}


def _upsert_body(conn, state: dict) -> str:
    """UPSERT_BATCH notifications: `new` of them not logged yet in their cycle, the rest replays of seeded ones
    (each round is rolled back, so every round's new ones are new)."""
    return calls.upsert_body(state["replays"] + state["fresh"])


def _batch_check(conn) -> dict:
    seeded = calls.seeded(conn, CHECK_PAIRS)
    unseen = [calls.Notification(uuid.UUID(int=i, version=4), "expired", uuid.UUID(int=i, version=4), date(2027, 1, 1))
              for i in range(CHECK_PAIRS - len(seeded))]
    return {"body": {"body": calls.already_sent_body(seeded + unseen)}, "sent": len(seeded),
            "warm": {"body": calls.already_sent_body(seeded[:WARM_DUPLICATES])},
            "sql": queries.text("postgrest_rpc_already_sent")}


def _explain_key(state: dict) -> tuple[str, dict]:
    return state["sql"], {"key": state["next"]()}


def _purge(conn) -> dict:
    """The nightly purge of the night the oldest rows turned a year old: the log's first night goes."""
    oldest = queries.one(conn, "oldest_night")
    night = datetime.combine(oldest["night"], time(), UTC)
    return {"before": night + timedelta(days=1), "removed": oldest["rows"], "nothing": night,
            "sql": queries.text("postgrest_rpc_purge")}


def _certification(conn) -> dict:
    """A seeded certification whose deletion takes its logged notifications with it (ON DELETE CASCADE)."""
    return {"id": calls.seeded(conn, 1)[0].certification_id, "nothing": uuid.UUID(int=0),
            "sql": queries.text("delete_certification")}


def _purge_run(conn, state: dict, _args) -> int:
    return conn.execute(state["sql"], {"before": state["before"]}).fetchone()[0]


WORKLOADS = (
    Workload("dedup_lookup_hit", 600, _dedup_hits, _lookup, lambda s, r: r == [(1,)], explain=_explain_key,
             statement=lambda state, _: _explain_key(state), work_rounds=LOOKUP_WORK_ROUNDS),
    Workload("dedup_lookup_miss", 600, _dedup_misses, _lookup, lambda s, r: r == [], explain=_explain_key,
             statement=lambda state, _: _explain_key(state), work_rounds=LOOKUP_WORK_ROUNDS),
    Workload("composite_lookup", 600, _composite, _composite_run, lambda s, r: len(r) == 1,
             explain=lambda state: (state["sql"], state["next"]()),
             statement=lambda state, _: (state["sql"], state["next"]()), work_rounds=LOOKUP_WORK_ROUNDS),
    *(Workload(f"cron_upsert[{label}]", 20, _upsert_state(share),
               lambda conn, state, body: calls.upsert_json(conn, body),
               lambda s, r: len(r) == s["new"], setup=_upsert_body, params={"new_share": label},
               statement=_upsert_statement, writes=True,
               warm=lambda state: _upsert_statement(state, state["duplicates"]))
      for label, share in (("all-new", 1.0), ("half-new", 0.5), ("all-duplicates", 0.0))),
    Workload("batch_check_rpc_50000_pairs", 6, _batch_check,
             lambda conn, state, _args: conn.execute(state["sql"], state["body"]).fetchone()[0],
             lambda s, r: r == list(range(1, s["sent"] + 1)),
             statement=lambda state, _: (state["sql"], state["body"]),
             warm=lambda state: (state["sql"], state["warm"])),
    Workload("retention_purge[oldest-night]", 10, _purge, _purge_run, lambda s, r: r == s["removed"],
             statement=lambda state, _: (state["sql"], {"before": state["before"]}), writes=True,
             warm=lambda state: (state["sql"], {"before": state["nothing"]})),
    Workload("certification_deleted[cascade]", 50, _certification,
             lambda conn, state, _args: conn.execute(state["sql"], {"id": state["id"]}).rowcount,
             lambda s, r: r == 1, statement=lambda state, _: (state["sql"], {"id": state["id"]}), writes=True,
             warm=lambda state: (state["sql"], {"id": state["nothing"]})),
)
