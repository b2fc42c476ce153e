"""Is the index set minimal and sufficient? hypopg's hypothetical indexes against each hot path, and each real
index against what uses or needs it.

For every hot path's statement (as EXPLAIN sees it: the statements functions and triggers run are explained in
the form certlog/database/sql/hypo_*.sql gives them), the planner's cost today is compared with its cost beside
each hypothetical btree of one column or two (every ordered pair of the table's columns). Like for like: hypopg
sizes a hypothetical index as if freshly built, so a hypothetical copy of a real index (grown by inserts, and at
5 000 000 rows one level taller) looks up to 11% cheaper than the real one without being a better index; every
real index is therefore given a hypothetical copy first, and the savings are counted from that cost. A saving
above THRESHOLD would call for that index. Each real index earns its place when a counted hot path's
plan uses it, or when it backs a constraint or covers a foreign key.
"""

from __future__ import annotations

import itertools

from certlog.cronjob import calls
from certlog.database import connections, queries
from certlog.database.workspace import Workspace
from certlog.model.evidence import HypotheticalIndex, IndexUse, OperationWork
from certlog.model.work import THRESHOLD

EXTENSION = "hypopg"


def _targets(conn) -> list[tuple[str, str, dict]]:
    """(hot path, statement, parameters) for every hot path whose plan an index could change."""
    seeded = calls.seeded(conn, 2_000)
    pair = {"certification_id": seeded[0].certification_id, "notification_type": seeded[0].notification_type}
    oldest = queries.one(conn, "oldest_night")
    return [
        ("dedup_lookup_hit", queries.text("dedup_lookup"), {"key": seeded[0].key}),
        ("dedup_lookup_miss", queries.text("dedup_lookup"), {"key": "0" * 64}),
        ("composite_lookup", queries.text("composite_lookup"), pair),
        ("batch_check_rpc_50000_pairs (each pair's probe)", queries.text("hypo_batch_check"),
         {"certification_ids": [n.certification_id for n in seeded],
          "notification_types": [n.notification_type for n in seeded],
          "expires_on": [n.expires_on for n in seeded]}),
        ("cron_upsert (the trigger's lookup per row)", queries.text("hypo_once_per_cycle"), pair),
        ("retention_purge[oldest-night]", queries.text("hypo_purge"),
         {"before": f"{oldest['night']} 23:59:59.999999+00"}),
    ]


def _cost(conn, statement: str, params: dict) -> tuple[float, set[str]]:
    plan = conn.execute(f"explain (format json) {statement}", params).fetchone()[0][0]
    used, stack = set(), [plan["Plan"]]
    while stack:
        node = stack.pop()
        if node.get("Index Name"):
            used.add(node["Index Name"])
        stack += node.get("Plans", [])
    return float(plan["Plan"]["Total Cost"]), used


def candidates(columns: list[str]) -> list[tuple[str, ...]]:
    return [(c,) for c in columns] + list(itertools.permutations(columns, 2))


def verdicts(workspace: Workspace, template: str,
             operations: list[OperationWork]) -> tuple[list[HypotheticalIndex], list[IndexUse]]:
    """hypopg's verdict per hot path (none where the server has no hypopg: Debian's postgresql-15-hypopg) and each
    real index's use, on a copy of the counted `template`."""
    name = workspace.create("hypopg", template=template)
    try:
        with connections.connect(workspace.server, name, autocommit=True) as conn:
            found = []
            if conn.execute("select 1 from pg_available_extensions where name = %s", (EXTENSION,)).fetchone():
                conn.execute(f"create extension if not exists {EXTENSION} schema extensions")
                columns = [r["name"] for r in queries.rows(conn, "hypo_candidate_columns")]
                indexes = queries.rows(conn, "index_purposes")
                real = {tuple(r["columns"]): r["definition"] for r in indexes}
                found = [_verdict(conn, op, statement, params, columns, real)
                         for op, statement, params in _targets(conn)]
            uses = _uses(conn, operations)
    finally:
        workspace.drop(name)
    return found, uses


def _hypothetical(conn, definitions: list[str]) -> None:
    conn.execute("select extensions.hypopg_reset()")
    for definition in definitions:
        conn.execute("select * from extensions.hypopg_create_index(%s)", (definition,))


def _verdict(conn, operation: str, statement: str, params: dict, columns: list[str],
             real: dict[tuple[str, ...], str]) -> HypotheticalIndex:
    """The planner's cost with every real index beside a hypothetical copy of itself (like for like: hypopg sizes
    every hypothetical index as freshly built), then with each new candidate added."""
    copies = list(real.values())
    _hypothetical(conn, copies)
    cost, _ = _cost(conn, statement, params)
    best, best_cost = "", cost
    for chosen in candidates(columns):
        if chosen in real:  # a real index's columns: its copy is already there
            continue
        _hypothetical(conn, [*copies, f"create index on public.cert_notification_log ({', '.join(chosen)})"])
        found, used = _cost(conn, statement, params)
        if found < best_cost and any(u.startswith("<") and u.endswith("_" + "_".join(chosen)) for u in used):
            best, best_cost = f"({', '.join(chosen)})", found
    conn.execute("select extensions.hypopg_reset()")
    saving = (cost - best_cost) / cost if cost else 0.0
    verdict = (f"needs {best}: saves {saving:.0%}" if saving > THRESHOLD else
               f"no new index saves more than {THRESHOLD:.0%}")
    return HypotheticalIndex(operation=operation, cost=round(cost, 2), best_index=best, best_cost=round(best_cost, 2),
                             saving=round(saving, 4), verdict=verdict)


def _uses(conn, operations: list[OperationWork]) -> list[IndexUse]:
    found = []
    for row in queries.rows(conn, "index_purposes"):
        index = row["index"]
        used_by = [op.name for op in operations if any(f"using {index} " in p + " " for p in op.plans)]
        needs = ([f"constraint {row['constraint_name']}"] if row["constraint_name"] else []) + [
            f"foreign key {fk}" for fk in row["foreign_keys"]]
        verdict = "earns its place" if used_by or needs else "**used by no hot path, needed by nothing**"
        found.append(IndexUse(index=index, used_by=used_by, needed_for="; ".join(needs) or "nothing else",
                              verdict=verdict))
    return found
