"""The README's generated blocks (between `<!-- generated: NAME -->` and `<!-- end: NAME -->`): the table's
columns, the settings, the commands and the gate's steps, each from the one place it is declared."""

from __future__ import annotations

from certlog.commands import COMMANDS
from certlog.derived.blocks import regenerate_blocks
from certlog.gate_steps import steps
from certlog.model.contract import Contract, load
from certlog.reporting.markdown import table
from certlog.settings import SETTINGS, Settings


def _rules(contract: Contract, name: str) -> str:
    """A column's rules, from the contract's structured facts."""
    column = contract.column(name)
    rules = ["primary key"] if contract.primary_key == (name,) else []
    rules += ["NOT NULL"] if column.not_null and contract.primary_key != (name,) else []
    rules += [f"default `{column.default}`"] if column.default else []
    for fk in contract.foreign_keys:
        if fk.columns == (name,):
            action = f" ON DELETE {fk.on_delete.upper()}" if fk.on_delete != "no action" else ""
            rules.append(f"FK -> `{fk.references.removeprefix('public.')}({', '.join(fk.references_columns)})`{action}")
    rules += ["UNIQUE"] if (name,) in [columns for columns, _ in contract.unique] else []
    for check in contract.checks:
        if check.column == name:
            rules.append("one of the notification types below" if check.allowed else f"matches `{check.pattern}`")
    return ", ".join(rules)


def columns(contract: Contract) -> str:
    rows = [(f"`{c.name}`", c.short_type or c.type, _rules(contract, c.name)) for c in contract.columns]
    types = ", ".join(f"`{n.name}` ({n.days_before} days before expiry)" if n.days_before else f"`{n.name}` (on "
                      "the day of expiry)" for n in contract.notification_types)
    indexes = "; ".join(f"`({', '.join(i.columns)})`{' unique' if i.unique else ''} for {i.purpose}"
                        for i in contract.indexes)
    return (table(["Column", "Type", "Rules"], rows) + f"\n\nNotification types: {types}.\n\nIndexes: {indexes}.")


def settings() -> str:
    return table(["Variable", "Default", "Meaning"],
                 [(f"`{s.name}`", f"`{s.default}`" if s.default else "", s.meaning) for s in SETTINGS])


def commands() -> str:
    return table(["Command", "Does"], [(f"`certlog {c.name}{' ' + c.usage if c.usage else ''}`",
                                        c.does + (f"; `tox -e {c.tox_env}`" if c.tox_env else "")) for c in COMMANDS])


def gate() -> str:
    return table(["Step", "Runs"], [(f"`{step.name}`", step.what) for step in steps(Settings())])


BLOCKS = {"columns": lambda: columns(load()), "settings": settings, "commands": commands, "gate": gate}


def regenerate(text: str) -> str:
    return regenerate_blocks(text, BLOCKS, "<!-- generated: {} -->", "<!-- end: {} -->", "README.md")
