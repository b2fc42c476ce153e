"""The table contract (certlog/data/contract.toml): every fact of cert_notification_log, stated once.

Everything else derives from it: the pgTAP structure test (certlog.derived.pgtap), the
README's table of columns, the notification schedule, the expected privilege matrix.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache

from certlog.model import DATA

CONTRACT = DATA / "contract.toml"
TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE", "REFERENCES", "TRIGGER")
API_ROLES = ("anon", "authenticated", "service_role")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    not_null: bool
    default: str | None = None
    short_type: str | None = None


@dataclass(frozen=True)
class ForeignKey:
    columns: tuple[str, ...]
    references: str
    references_columns: tuple[str, ...]
    on_delete: str
    on_update: str
    requirements: tuple[str, ...]


@dataclass(frozen=True)
class Check:
    name: str
    column: str
    requirements: tuple[str, ...]
    allowed: tuple[str, ...] = ()
    pattern: str | None = None


@dataclass(frozen=True)
class NotificationType:
    name: str
    days_before: int


@dataclass(frozen=True)
class Rule:
    correction_days: int  # an expiry date moved by at most this many days stays in its cycle
    expired_catch_up_days: int  # `expired` is sent from the expiry day until this many days after it
    requirements: tuple[str, ...]


@dataclass(frozen=True)
class Index:
    name: str
    columns: tuple[str, ...]
    method: str
    unique: bool
    purpose: str
    requirements: tuple[str, ...]


@dataclass(frozen=True)
class Function:
    name: str
    arguments: tuple[str, ...]
    returns: str
    language: str
    volatility: str
    security_definer: bool
    execute: tuple[str, ...]
    requirements: tuple[str, ...]
    guards: tuple[str, ...] = ()  # what its SECURITY and who may EXECUTE it prove, where not its requirements

    @property
    def guarded_by(self) -> tuple[str, ...]:
        return self.guards or self.requirements

    @property
    def signature(self) -> str:
        return f"{self.name}({', '.join(self.arguments)})"


@dataclass(frozen=True)
class Trigger:
    name: str
    function: str
    timing: str
    events: tuple[str, ...]
    level: str
    requirements: tuple[str, ...]


@dataclass(frozen=True)
class CronJob:
    name: str
    schedule: str
    command: str
    runs_as: str
    function: str
    requirements: tuple[str, ...]


@dataclass(frozen=True)
class Contract:
    schema: str
    table: str
    owner: str
    row_level_security: bool
    forced_row_level_security: bool
    policies: tuple[str, ...]
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[ForeignKey, ...]
    unique: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]  # (columns, requirements)
    checks: tuple[Check, ...]
    notification_types: tuple[NotificationType, ...]
    rule: Rule
    indexes: tuple[Index, ...]
    privileges: dict[str, tuple[str, ...]]
    privilege_proves: dict[str, dict[str, tuple[str, ...]]]  # role -> privilege (or "other") -> requirements
    functions: tuple[Function, ...]
    triggers: tuple[Trigger, ...]
    documented_column: str
    documentation_mentions: tuple[str, ...]
    documentation_requirements: tuple[str, ...]
    cron_jobs: tuple[CronJob, ...]
    proves: dict[str, tuple[str, ...]]  # kind of structural fact -> the requirements it proves

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.table}"

    def privilege_requirements(self, role: str, privilege: str) -> tuple[str, ...]:
        """What the role's holding (or not holding) of the privilege proves."""
        proves = self.privilege_proves[role]
        return proves.get(privilege, proves["other"])

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def index(self, name: str) -> Index:
        return next(i for i in self.indexes if i.name == name)

    @property
    def composite_index(self) -> Index:
        return next(i for i in self.indexes if len(i.columns) == 2)

    @property
    def unique_key_index(self) -> Index:
        return next(i for i in self.indexes if i.unique and i.columns == ("idempotency_key",))


def _t(value) -> tuple:
    return tuple(value or ())


@cache
def load() -> Contract:
    raw = tomllib.loads(CONTRACT.read_text())
    table = raw["table"]
    types = tuple(NotificationType(**n) for n in raw["notification_type"])
    checks = []
    for c in raw["check"]:
        allowed = tuple(t.name for t in types) if c.get("allowed") == "notification_types" else _t(c.get("allowed"))
        checks.append(Check(c["name"], c["column"], _t(c["requirements"]), allowed, c.get("pattern")))
    privileges = dict(raw["privileges"])
    proves = privileges.pop("proves")
    documentation = raw["documentation"]
    return Contract(
        schema=table["schema"], table=table["name"], owner=table["owner"],
        row_level_security=table["row_level_security"],
        forced_row_level_security=table["forced_row_level_security"],
        policies=_t(table["policies"]),
        columns=tuple(Column(**c) for c in raw["column"]),
        primary_key=_t(raw["primary_key"]["columns"]),
        foreign_keys=tuple(ForeignKey(_t(f["columns"]), f["references"], _t(f["references_columns"]), f["on_delete"],
                                      f["on_update"], _t(f["requirements"])) for f in raw["foreign_key"]),
        unique=tuple((_t(u["columns"]), _t(u["requirements"])) for u in raw["unique"]),
        checks=tuple(checks),
        notification_types=types,
        rule=Rule(**{**raw["rule"], "requirements": _t(raw["rule"]["requirements"])}),
        indexes=tuple(Index(i["name"], _t(i["columns"]), i["method"], i["unique"], i["purpose"],
                            _t(i["requirements"])) for i in raw["index"]),
        privileges={role: _t(privileges.get(role)) for role in API_ROLES},
        privilege_proves={role: {p: _t(ids) for p, ids in proves[role].items()} for role in API_ROLES},
        functions=tuple(Function(f["name"], _t(f["arguments"]), f["returns"], f["language"], f["volatility"],
                                 f["security_definer"], _t(f["execute"]), _t(f["requirements"]),
                                 _t(f.get("guards")))
                        for f in raw["function"]),
        triggers=tuple(Trigger(t["name"], t["function"], t["timing"], _t(t["events"]), t["level"],
                               _t(t["requirements"])) for t in raw["trigger"]),
        documented_column=documentation["column"],
        documentation_mentions=_t(documentation["mentions"]),
        documentation_requirements=_t(documentation["requirements"]),
        cron_jobs=tuple(CronJob(j["name"], j["schedule"], j["command"], j["runs_as"], j["function"],
                                _t(j["requirements"])) for j in raw.get("cron_job", ())),
        proves={kind: _t(ids) for kind, ids in raw["proves"].items()},
    )
