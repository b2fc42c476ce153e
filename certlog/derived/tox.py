"""tox.ini's generated block: one environment per step of the gate, each running exactly that step
(`certlog gate --only <step>`), with the extras the step declares."""

from __future__ import annotations

from certlog.derived.blocks import regenerate_blocks
from certlog.gate_steps import steps
from certlog.settings import Settings


def gate_environments() -> str:
    every = steps(Settings())
    extras = [f"    {step.name}: {extra}" for step in every for extra in step.extras]
    return "\n".join([
        f"[testenv:{{{','.join(step.name for step in every)}}}]",
        "description = one step of the gate, alone: certlog gate --only {envname} (README: The gate)",
        "extras =", *extras,
        "commands =",
        "    python -m certlog gate --only {envname}",
    ])


def regenerate(text: str) -> str:
    return regenerate_blocks(text, {"gate-steps": gate_environments}, "# generated: {}", "# end: {}", "tox.ini")
