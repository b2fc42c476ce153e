"""EXPLAIN (ANALYZE, FORMAT JSON) as a plan tree."""

from __future__ import annotations

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
