"""EXPLAIN (ANALYZE, FORMAT JSON) as a plan tree."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class PlanNode:
    node_type: str
    relation: str | None
    index: str | None
    raw: dict


def explain(conn, statement: str, params=None, *, analyze: bool = True) -> dict:
    options = "analyze, buffers, format json" if analyze else "format json"
    row = conn.execute(f"explain ({options}) {statement}", params).fetchone()
    return row[0][0]


def auto_explained(conn, statement: str, params=None, *, role: str, claims: str | None = None,
                   timing: bool = True) -> list[dict]:
    """Every plan `statement` executes, nested statements included (auto_explain, sent back as NOTICEs), run as
    PostgREST runs it: role (and JWT claims, if given) switched for the transaction; the switch's own plan left
    out. `conn` must be a superuser connection (LOAD); everything is rolled back."""
    found: list[dict] = []

    def collect(diag) -> None:
        message = diag.message_primary or ""
        if "plan:" in message:
            found.append(json.loads(message.split("plan:", 1)[1]))

    settings = {"log_min_duration": "0", "log_analyze": "on", "log_timing": "on" if timing else "off",
                "log_nested_statements": "on", "log_format": "json", "log_level": "notice"}
    conn.add_notice_handler(collect)
    try:
        with conn.transaction(force_rollback=True):
            conn.execute("load 'auto_explain'")
            for setting, value in settings.items():
                conn.execute(f"set local auto_explain.{setting} = '{value}'")
            conn.execute("select set_config('role', %s, true)", (role,))
            if claims is not None:
                conn.execute("select set_config('request.jwt.claims', %s, true)", (claims,))
            cur = conn.execute(statement, params)
            if cur.description:
                cur.fetchall()
    finally:
        conn.remove_notice_handler(collect)
    return [p for p in found if "set_config" not in p.get("Query Text", "")]


def explain_nested(conn, statement: str, params=None, *, role: str = "service_role") -> list[dict]:
    """The plans of the statements run inside functions that `statement` calls, not the statement itself
    (auto_explain also logs what the caller sent: it names pgrst_*)."""
    return [p for p in auto_explained(conn, statement, params, role=role)
            if "pgrst" not in p.get("Query Text", "")]


def nodes(plan: dict) -> Iterator[PlanNode]:
    """Every node of a plan tree (accepts the top-level EXPLAIN document or a Plan)."""
    node = plan.get("Plan", plan)
    yield PlanNode(node["Node Type"], node.get("Relation Name"), node.get("Index Name"), node)
    for child in node.get("Plans", []):
        yield from nodes(child)


def scans_of(plan: dict, relation: str) -> list[PlanNode]:
    return [n for n in nodes(plan) if n.relation == relation]


def summary(plan: dict) -> str:
    """One line per node, indented like EXPLAIN's text output."""
    lines: list[str] = []

    def walk(node: dict, depth: int) -> None:
        label = node["Node Type"]
        if node.get("Index Name"):
            label += f" using {node['Index Name']}"
        if node.get("Relation Name"):
            label += f" on {node['Relation Name']}"
        if "Actual Total Time" in node:
            label += f" (actual time={node['Actual Total Time']:.3f} ms rows={node.get('Actual Rows')})"
        lines.append("  " * depth + ("-> " if depth else "") + label)
        for child in node.get("Plans", []):
            walk(child, depth + 1)

    walk(plan.get("Plan", plan), 0)
    if "Execution Time" in plan:
        lines.append(f"Execution Time: {plan['Execution Time']:.3f} ms")
    return "\n".join(lines)
