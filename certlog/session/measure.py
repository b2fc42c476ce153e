"""Work per operation: the server's own counters for every hot path, on a table laid out the same way every run.

The table the counters are read on is built for them (`measured_template`): a clone of a migrated template, the
log rows loaded by one COPY in the order the nightly job writes them (by sent_at), ANALYZE reading every row up to
60 000, VACUUM FREEZE (no hint bit is left for a reader to set), autovacuum off for its tables (no vacuum or
analyze starts in the middle), pageinspect for the btrees' heights. The suite's own templates load in two
parallel streams, whose interleaving, and so the pages each row lands on, changes from run to run.

Per workload (`work_of`): a new connection is warmed with a statement that writes nothing (a backend's first
statements read catalog pages), then `work_rounds` rounds are counted, each rolled back; a workload that writes
is counted on a copy of the table of its own, so that no round sees the dead rows of another, where the ids the
table's default would draw at random are drawn from a fixed series (work_counted_ids.sql). Then the plan shapes
of one more round (auto_explain).
"""

from __future__ import annotations

import random
import statistics
import uuid
from collections.abc import Iterable

import psycopg

from certlog.cronjob.workloads import WORKLOADS, Workload
from certlog.database import connections, queries, work
from certlog.database.seed import SeedPlan
from certlog.database.workspace import Workspace
from certlog.model.evidence import OperationWork, SeedCost, StorageRow
from certlog.model.work import fingerprint

ROLE = "service_role"  # the Edge Function's; the purge's cron job runs it as postgres, the same SECURITY DEFINER


COUNTED_LOG = ("public.cert_notification_log"
               " (id, certification_id, notification_type, sent_at, recipient_id, idempotency_key)")


def in_sent_order(copy_text: bytes, seed: int) -> bytes:
    """COPY text of log rows ordered by sent_at (the third column), as the nightly job appends them, each with an
    id drawn from a seeded generator: the column's default, gen_random_uuid(), would place the primary key's
    entries, and so its page splits and size, differently every run."""
    lines = copy_text.splitlines(keepends=True)
    lines.sort(key=lambda line: line.split(b"\t", 3)[2])
    rng = random.Random(seed)
    return b"".join(str(uuid.UUID(int=rng.getrandbits(128), version=4)).encode() + b"\t" + line for line in lines)


def load_counted(workspace: Workspace, dbname: str, data: SeedPlan) -> SeedCost:
    """The log rows in one COPY (triggers off, as the seed loads them), counted by the server."""
    body = in_sent_order(data.log_copy, data.seed)
    server = workspace.server
    with connections.connect(server, dbname, autocommit=True) as conn:
        pid = conn.info.backend_pid
        conn.execute(queries.text("work_reset"))
        before = work.process_cpu_seconds(pid) if server.kind == "embedded" else None
        with conn.transaction(), conn.cursor() as cur:
            cur.execute("set local session_replication_role = replica")
            with cur.copy(f"copy {COUNTED_LOG} from stdin") as copy:
                copy.write(body)
        after = work.process_cpu_seconds(pid) if before is not None else None
        found = [r for r in queries.rows(conn, "work_statements") if r["query"].lower().startswith("copy")]
    rows = body.count(b"\n")
    per = 10_000 / rows
    counted = found[0]
    cpu = (after - before) * per if before is not None and after is not None else None
    return SeedCost(rows=rows, buffers_per_10k=round(int(counted["buffers"]) * per, 1),
                    wal_bytes_per_10k=round(int(counted["wal_bytes"]) * per),
                    wal_records_per_10k=round(int(counted["wal_records"]) * per, 1),
                    exec_ms_per_10k=round(float(counted["exec_ms"]) * per, 2),
                    cpu_seconds_per_10k=[round(cpu, 4)] if cpu is not None else [])


def measured_template(workspace: Workspace, migrated: str, data: SeedPlan, *, what: str) -> tuple[str, SeedCost]:
    """A clone of the migrated template `migrated` (no log rows yet), loaded and prepared for counting."""
    name = workspace.create(what, template=migrated)
    seed_cost = load_counted(workspace, name, data)
    with connections.connect(workspace.server, name, autocommit=True) as conn:
        conn.execute(queries.text("analyze_log"))
        conn.execute("vacuum (freeze) public.cert_notification_log, public.users, public.peer_mentor_certifications")
        conn.execute(queries.text("work_prepare"))
    return name, seed_cost


def seed_cpu(workspace: Workspace, migrated: str, data: SeedPlan, rounds: int) -> list[float]:
    """The seed's CPU time per 10 000 rows, `rounds` times (each into a copy of its own): the host's noise."""
    found = []
    for i in range(rounds):
        name = workspace.create(f"seedcpu_{i}", template=migrated)
        try:
            found += load_counted(workspace, name, data).cpu_seconds_per_10k
        finally:
            workspace.drop(name)
    return found


def work_of(workspace: Workspace, template: str, workload: Workload, *, copy: str | None = None) -> OperationWork:
    """Counters of `workload` on `template` (or on `copy`, an unchanged clone of it already made for reads)."""
    local = workspace.server.kind == "embedded"
    name = copy or workspace.create("work_" + "".join(c for c in workload.name if c.isalnum()), template=template)
    try:
        if copy is None:
            with connections.connect(workspace.server, name, autocommit=True) as conn:
                conn.execute(queries.text("work_counted_ids"))
                conn.execute("checkpoint")
        with connections.connect(workspace.server, name, autocommit=True) as conn:
            with conn.transaction(force_rollback=True):
                state = workload.prepare(conn)
            work.run_as(conn, ROLE, *workload.warm_statement(state, conn))
            rounds = [work.cost(conn, ROLE, *workload.round_statement(state, conn), local=local)
                      for _ in range(workload.work_rounds)]
            shapes = work.shapes(conn, ROLE, *workload.round_statement(state, conn))
    finally:
        if copy is None:
            workspace.drop(name)
    return _operation(workload.name, rounds, shapes)


def _operation(name: str, rounds: list[work.Cost], shapes: work.Shapes) -> OperationWork:
    def figure(field: str) -> float:
        return statistics.median(getattr(r, field) for r in rounds)

    spread = {}
    for field in ("buffers", "rows", "wal_bytes"):
        values = {getattr(r, field) for r in rounds}
        if len(values) > 1:
            spread[field] = f"{min(values)} to {max(values)}"
    cpu = [r.cpu_seconds for r in rounds if r.cpu_seconds is not None]
    return OperationWork(name=name, rounds=len(rounds), buffers=figure("buffers"), rows=figure("rows"),
                         wal_bytes=figure("wal_bytes"), wal_records=figure("wal_records"),
                         rows_examined=shapes.rows_examined, exec_ms=round(figure("exec_ms"), 3),
                         cpu_ms=round(statistics.median(cpu) * 1000, 1) if cpu else None,
                         fingerprint=fingerprint(shapes.plans), plans=list(shapes.plans), spread=spread)


def work_all(workspace: Workspace, template: str, workloads: Iterable[Workload] = WORKLOADS) -> list[OperationWork]:
    """Every workload's counters: the reading ones on one shared copy, each writing one on a copy of its own."""
    shared = workspace.create("work_reads", template=template)
    try:
        return [_counted_or_failed(workspace, template, w, None if w.writes else shared) for w in workloads]
    finally:
        workspace.drop(shared)


def _counted_or_failed(workspace: Workspace, template: str, workload: Workload, copy: str | None) -> OperationWork:
    """A workload whose statement fails (a change that broke it) is recorded as failed, with the error."""
    try:
        return work_of(workspace, template, workload, copy=copy)
    except psycopg.Error as exc:
        error = f"{type(exc).__name__}: {str(exc).splitlines()[0]}"
        return OperationWork(name=workload.name, rounds=0, buffers=0, rows=0, wal_bytes=0, wal_records=0,
                             rows_examined=0, exec_ms=0, fingerprint="", plans=[], error=error)


def storage(workspace: Workspace, template: str) -> list[StorageRow]:
    with connections.connect(workspace.server, template, autocommit=True) as conn:
        found = work.storage(conn)
    return [StorageRow(relation=r["relation"], kind=r["kind"], bytes=r["bytes"],
                       bytes_per_row=round(r["bytes"] / r["row_count"], 1) if r["row_count"] else 0.0,
                       btree_height=r["btree_height"]) for r in found]
