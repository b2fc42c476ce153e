"""What one statement costs the server, counted by the server: the figures that do not depend on the machine.

`cost` runs a statement as PostgREST would (role switched for the transaction, rolled back) and reads
pg_stat_statements for it: shared buffers touched (hit + read), rows returned or written, WAL records and
bytes, execution time, and the CPU time of the server process where the server is this machine's.
`shapes` runs it again under auto_explain and returns the shape of every plan it executed, nested ones
(functions, triggers, foreign-key checks) included, and the rows its scans examined. `storage` reads the
table's and each index's size and each btree's height. Every connection here is a superuser's: it loads
auto_explain and reads every statement's figures; the statement itself runs as `role`.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from certlog.database import queries
from certlog.database.plans import auto_explained

SWITCH = "select set_config('role', %s, true), set_config('request.jwt.claims', %s, true)"
SCANS = ("Seq Scan", "Index Scan", "Index Only Scan", "Bitmap Heap Scan", "Function Scan")


@dataclass(frozen=True)
class Cost:
    buffers: int  # shared buffers hit + read
    hit: int
    read: int
    dirtied: int
    rows: int
    wal_records: int
    wal_bytes: int
    exec_ms: float
    cpu_seconds: float | None  # the server process's user + system time, where it is this machine's process

    @classmethod
    def of(cls, row: dict, cpu_seconds: float | None) -> Cost:
        return cls(int(row["buffers"]), int(row["hit"]), int(row["read"]), int(row["dirtied"]), int(row["rows"]),
                   int(row["wal_records"]), int(row["wal_bytes"]), float(row["exec_ms"]), cpu_seconds)


@dataclass(frozen=True)
class Shapes:
    plans: tuple[str, ...]  # "<executions> x <plan shape>", sorted
    rows_examined: int  # rows the scans returned or filtered out, over every execution


def _claims(role: str) -> str:
    return json.dumps({"role": role, "iss": "supabase"})


def process_cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a process of this machine (/proc), or None where it is not readable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run_as(conn, role: str, statement: str, params=None) -> list:
    """`statement` as `role`, in a transaction rolled back."""
    with conn.transaction(force_rollback=True):
        conn.execute(SWITCH, (role, _claims(role)))
        cur = conn.execute(statement, params)
        return cur.fetchall() if cur.description else []


def cost(conn, role: str, statement: str, params=None, *, local: bool = True) -> Cost:
    """What `statement` (one top-level statement) costs, run once as `role` and rolled back. Warm the
    connection first (catalog caches are filled by a backend's first statements, which reads catalog pages)."""
    pid = conn.info.backend_pid
    with conn.transaction(force_rollback=True):
        conn.execute(queries.text("work_reset"))
        conn.execute("set local pg_stat_statements.track = 'all'")
        before = process_cpu_seconds(pid) if local else None
        conn.execute(SWITCH, (role, _claims(role)))
        cur = conn.execute(statement, params)
        if cur.description:
            cur.fetchall()
        after = process_cpu_seconds(pid) if local else None
        conn.execute("reset role")
        found = [r for r in queries.rows(conn, "work_statements") if r["toplevel"]]
    if len(found) != 1:
        raise LookupError(f"pg_stat_statements counted {len(found)} top-level statements for one "
                          f"({[r['query'][:60] for r in found]}); is pg_stat_statements preloaded?")
    cpu = after - before if before is not None and after is not None else None
    return Cost.of(found[0], cpu)


def shapes(conn, role: str, statement: str, params=None) -> Shapes:
    """Every plan `statement` executes (auto_explain, nested statements included), as shapes: node types,
    index and relation names, children in order (the join order); and the rows its scans examined."""
    plans = auto_explained(conn, statement, params, role=role, claims=_claims(role), timing=False)
    counted = Counter(shape(p["Plan"]) for p in plans)
    return Shapes(tuple(sorted(f"{n} x {s}" for s, n in counted.items())),
                  sum(_examined(p["Plan"]) for p in plans))


LITERALS = re.compile(r"'(?:[^']|'')*'(?:::[\w ]+(?:\[\])?)?|\$\d+|\b\d+(?:\.\d+)?\b")


def shape(node: dict) -> str:
    """Node type, index and relation, the index's condition with its values left out (its columns' order is
    the index's), children in order."""
    label = node["Node Type"]
    if node.get("Index Name"):
        label += f" using {node['Index Name']}"
    if node.get("Relation Name"):
        label += f" on {node['Relation Name']}"
    for key in ("Index Cond", "Recheck Cond"):
        if node.get(key):
            label += f" [{LITERALS.sub('?', node[key])}]"
    children = node.get("Plans", [])
    return label + (f" ({', '.join(shape(c) for c in children)})" if children else "")


def _examined(node: dict) -> int:
    own = 0
    if node["Node Type"] in SCANS:
        loops = node.get("Actual Loops", 1)
        own = round((node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0)
                     + node.get("Rows Removed by Index Recheck", 0)) * loops)
    return own + sum(_examined(c) for c in node.get("Plans", []))


def storage(conn) -> list[dict]:
    """The table and each index: kind, bytes, row count, btree height (needs pageinspect in `extensions`)."""
    return queries.rows(conn, "work_storage")
