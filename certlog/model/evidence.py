"""The evidence a run records for the reviewer: a typed contract between the tests and the report.

Tests and fixtures put records (the classes below) through a Recorder, which stamps each with
the test that made it; the report renders the records and looks up that test's outcome for
the verdict, never deciding one itself. The whole Evidence is saved as JSON and read back
into the same types, so a report rebuilt from saved results is the report the run wrote.
A misspelt field or a record of the wrong shape fails where it is made, not in the report.
Saving and loading it is certlog.plugin.results.
"""

from __future__ import annotations

import typing

from pydantic import BaseModel, ConfigDict, Field


class Record(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)
    by: str = ""  # node id of the test (or "session") that recorded it


class MigrationFile(Record):
    name: str
    sha256: str


class RunInfo(Record):
    command: str
    started_at: str
    finished_at: str = ""
    wall_seconds: float = 0.0
    machine: str
    python: str
    backend: str
    seed_rows: int
    seed: int
    migrations_dir: str
    migrations: list[MigrationFile]
    complete: bool = False  # every test ran to the end (not interrupted, not stopped early)
    collected: dict[str, list[str]] = Field(default_factory=dict)  # each test the run meant to run -> requirements


class ServerInfo(Record):
    kind: str
    version: str
    startup_seconds: float
    details: dict[str, str] = Field(default_factory=dict)


class StandinPiece(Record):
    piece: str
    source: str  # supplied | server | missing


class CliInfo(Record):
    version: str  # what the CLI that ran says of itself
    executable: str
    pinned: str  # what package.json pins
    pg_prove_image: str  # the tag `supabase test db` asks for (built locally)


class CliStep(Record):
    step: str
    command: str
    exit_code: int
    seconds: float
    output: str
    expect_failure: bool = False  # a control: the CLI must refuse


class TemplateRecord(Record):
    mode: str
    users: int
    certifications: int
    log_rows: int
    seed_seconds: float
    first_apply_digest: str
    second_apply_digest: str
    rows_before: int
    rows_after: int
    checksum_before: str
    checksum_after: str
    second_apply_error: str = ""


class Describe(Record):
    table: str
    output: str
    comments: dict[str, str] = Field(default_factory=dict)  # column -> its comment, in full


class PrivilegeCell(Record):
    mode: str
    role: str
    privilege: str
    expected: bool
    catalog: bool | None = None
    observed: str | None = None  # "allowed" or "refused (SQLSTATE)" as tried through PostgREST's role switch


class Plan(Record):
    title: str
    rows: int
    text: str


class Latency(Record):
    statement: str
    n: int
    hits: int
    p50_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    budget_ms: float
    samples_ms: list[float]


class Part(BaseModel):
    """A part of a record (not stamped on its own)."""

    model_config = ConfigDict(extra="forbid")


class OperationWork(Part):
    """One hot path's work per round, as the server counted it (certlog.session.measure)."""

    name: str
    rounds: int
    buffers: float  # shared buffers hit + read
    rows: float  # returned or written
    wal_bytes: float
    wal_records: float
    rows_examined: int  # by the scans of every plan it ran (auto_explain), nested ones included
    exec_ms: float  # the server's own execution time (pg_stat_statements), beside the counters, not judged
    cpu_ms: float | None = None  # the server process's CPU time, where it is this machine's
    fingerprint: str  # of the plan shapes below
    plans: list[str]  # "<executions> x <shape>" of every plan it ran
    spread: dict[str, str] = Field(default_factory=dict)  # a counter whose rounds differed: its range
    error: str = ""  # its statement failed: nothing was counted


class StorageRow(Part):
    relation: str
    kind: str  # table, btree, brin, ...
    bytes: int
    bytes_per_row: float
    btree_height: int | None = None


class SeedCost(Part):
    """Loading the log rows (one COPY, triggers off, as the seed does), per 10 000 rows."""

    rows: int
    buffers_per_10k: float
    wal_bytes_per_10k: float
    wal_records_per_10k: float
    exec_ms_per_10k: float
    cpu_seconds_per_10k: list[float] = Field(default_factory=list)  # one per load: the host's noise


class WorkScale(Part):
    rows: int
    operations: list[OperationWork]
    storage: list[StorageRow]
    seed: SeedCost | None = None
    source: str = "this run"  # or where a scale measured outside the run comes from


class HypotheticalIndex(Part):
    """hypopg's answer for one hot path: the best hypothetical one- or two-column index and what it saves."""

    operation: str
    cost: float  # the planner's total cost today
    best_index: str  # the hypothetical index that lowered it most ("" if none did)
    best_cost: float
    saving: float  # fraction of the cost
    verdict: str


class IndexUse(Part):
    """Why one real index is there: the hot paths whose plans use it, or what else needs it."""

    index: str
    used_by: list[str]
    needed_for: str
    verdict: str


class WorkVerdict(Part):
    """The gate's comparison of this tree's work with its base's, for one operation."""

    operation: str
    verdict: str  # same work, more work, less work, other plan
    said: str


class WorkPerOperation(Record):
    """What each hot path costs the server at each scale, the storage, and whether the index set is minimal."""

    scales: list[WorkScale]
    hypothetical: list[HypotheticalIndex] = Field(default_factory=list)
    indexes: list[IndexUse] = Field(default_factory=list)
    repeated: list[str] = Field(default_factory=list)  # operations counted twice in the run, alike both times
    comparison: list[WorkVerdict] = Field(default_factory=list)  # `certlog bench --against` on this commit
    comparison_context: str = ""


class Measurements(Record):
    """A reliability measurement: what was done and what was found, as named numbers."""

    title: str
    figures: dict[str, float | int | str]


class BadInput(Record):
    case: str
    role: str
    expected_sqlstate: str
    got: str


class PgTapFile(Record):
    file: str
    mode: str
    extension_version: str
    planned: int | None
    ran: int
    passed: int
    failed: int
    bail: str = ""
    failures: list[str] = Field(default_factory=list)


class LinterCheck(Record):
    check: str  # the lint's name (Supabase's advisors) or the kept catalog query's
    level: str
    offending: list[str]
    source: str = "catalog query"  # or "supabase db advisors"
    fails: bool = True  # whether anything it finds fails the suite (an INFO lint the suite only lists: False)


class StaticCheck(Record):
    tool: str
    ok: bool
    output: str


class TestOutcome(BaseModel):
    model_config = ConfigDict(extra="forbid")
    nodeid: str
    outcome: str  # passed | failed | error | skipped
    requirements: list[str]
    doc: str = ""
    message: str = ""


class Evidence(BaseModel):
    """Everything a run recorded, in the order the report shows it (certlog.reporting.report renders each field
    that has a section). A new section: a record class above, its field here, and its renderer there."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)
    run: RunInfo | None = None
    server: ServerInfo | None = None
    templates: list[TemplateRecord] = Field(default_factory=list)
    migration_failure: str = ""
    cli_info: CliInfo | None = None
    cli: list[CliStep] = Field(default_factory=list)
    describe: Describe | None = None
    privileges: list[PrivilegeCell] = Field(default_factory=list)
    plans: list[Plan] = Field(default_factory=list)
    latency: Latency | None = None
    work: WorkPerOperation | None = None
    reliability: list[Measurements] = Field(default_factory=list)
    bad_inputs: list[BadInput] = Field(default_factory=list)
    pgtap: list[PgTapFile] = Field(default_factory=list)
    linter: list[LinterCheck] = Field(default_factory=list)
    static: list[StaticCheck] = Field(default_factory=list)
    standin: list[StandinPiece] = Field(default_factory=list)
    tests: list[TestOutcome] = Field(default_factory=list)

    def outcome(self, nodeid: str) -> str:
        """The outcome of the test that made a record ('not run' if it never reported)."""
        found = [t.outcome for t in self.tests if t.nodeid == nodeid or t.nodeid.startswith(nodeid + " » ")]
        if not found:
            return "not run"
        return "passed" if all(o == "passed" for o in found) else next(o for o in found if o != "passed")


def _slots() -> dict[type, tuple[str, bool]]:
    """Record class -> (its field of Evidence, whether that field is a list), read off Evidence's fields."""
    slots = {}
    for name, info in Evidence.model_fields.items():
        listed = typing.get_origin(info.annotation) is list
        for kind in typing.get_args(info.annotation):
            if isinstance(kind, type) and issubclass(kind, Record):
                slots[kind] = (name, listed)
    return slots


SLOTS = _slots()


def put(evidence: Evidence, record: Record, by: str) -> None:
    record.by = by
    name, listed = SLOTS[type(record)]
    if listed:
        getattr(evidence, name).append(record)
    else:
        setattr(evidence, name, record)


class Recorder:
    """What a test records through: every record stamped with the test's node id."""

    def __init__(self, evidence: Evidence, by: str) -> None:
        self.evidence, self.by = evidence, by

    def put(self, *records: Record) -> None:
        for record in records:
            put(self.evidence, record, self.by)
