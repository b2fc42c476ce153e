"""Work per operation as Markdown: the counters at each scale, storage, the seed's cost per row, hypopg's
verdicts, and a change's counters beside its base's with "more work" / "less work" called out."""

from __future__ import annotations

from certlog.model.evidence import WorkPerOperation, WorkScale
from certlog.model.work import SAME, THRESHOLD, WorkJudgement
from certlog.reporting.markdown import table


def _n(value: float | None, digits: int = 0) -> str:
    if value is None:
        return ""
    return f"{value:,.{digits}f}" if digits or value != int(value) else f"{int(value):,}"


def _cpu(ms: float | None) -> str:
    if ms is None:
        return ""
    return "under 10 (the clock's tick)" if ms == 0 else _n(ms)


def operations_table(scales: list[WorkScale]) -> str:
    """Each hot path at each scale: per round, the counters, the server's execution time, the plan's name."""
    rows = []
    for name in dict.fromkeys(o.name for s in scales for o in s.operations):
        for scale in scales:
            op = next((o for o in scale.operations if o.name == name), None)
            if op is None:
                continue
            if op.error:
                rows.append((f"`{name}`", _n(scale.rows), *[""] * 8, f"**failed**: {op.error}"))
                continue
            spread = "; ".join(f"{k} {v}" for k, v in op.spread.items())
            rows.append((f"`{name}`", _n(scale.rows), _n(op.buffers), _n(op.rows), _n(op.rows_examined),
                         _n(op.wal_bytes), _n(op.wal_records), f"{op.exec_ms:.3f}",
                         _cpu(op.cpu_ms), f"`{op.fingerprint}`",
                         spread or "identical"))
    return table(["Operation", "Table rows", "Buffers (hit+read)", "Rows returned", "Rows examined", "WAL bytes",
                  "WAL records", "Server ms", "Server CPU ms", "Plan", "Rounds differ"], rows)


def plans_list(scales: list[WorkScale]) -> str:
    """The plan shapes behind each fingerprint (each named once)."""
    seen, lines = set(), []
    for scale in scales:
        for op in scale.operations:
            if op.fingerprint in seen:
                continue
            seen.add(op.fingerprint)
            lines.append(f"- `{op.fingerprint}` ({op.name}, {scale.rows:,} rows):")
            lines += [f"  - {p}" for p in op.plans]
    return "\n".join(lines)


def storage_table(scales: list[WorkScale]) -> str:
    rows = [(f"`{s.relation}`", s.kind, _n(scale.rows), _n(s.bytes), _n(s.bytes_per_row, 1),
             _n(s.btree_height) if s.btree_height is not None else "")
            for scale in scales for s in scale.storage]
    return table(["Relation", "Kind", "Table rows", "Bytes", "Bytes per row", "Btree height"], rows)


def seed_table(scales: list[WorkScale]) -> str:
    rows = []
    for scale in scales:
        seed = scale.seed
        if seed is None:
            continue
        cpu = seed.cpu_seconds_per_10k
        noise = (f"{min(cpu):.3f} to {max(cpu):.3f} ({len(cpu)} loads)" if len(cpu) > 1
                 else f"{cpu[0]:.3f} (one load)" if cpu else "not this machine's process")
        rows.append((_n(seed.rows), _n(seed.buffers_per_10k), _n(seed.wal_bytes_per_10k),
                     _n(seed.wal_records_per_10k), f"{seed.exec_ms_per_10k:.1f}", noise))
    return table(["Rows loaded", "Buffers per 10 000 rows", "WAL bytes per 10 000", "WAL records per 10 000",
                  "Server ms per 10 000", "Server CPU s per 10 000"], rows)


def hypothetical_table(record: WorkPerOperation) -> str:
    rows = [(f"`{h.operation}`", f"{h.cost:,.2f}", f"`{h.best_index}`" if h.best_index else "none",
             f"{h.best_cost:,.2f}", f"{h.saving:.1%}", h.verdict) for h in record.hypothetical]
    return table(["Operation", "Planner cost", "Best hypothetical index", "Its cost", "Saving", "Verdict"], rows)


def index_table(record: WorkPerOperation) -> str:
    rows = [(f"`{i.index}`", ", ".join(f"`{u}`" for u in i.used_by) or "none", i.needed_for, i.verdict)
            for i in record.indexes]
    return table(["Index", "Hot paths whose plans use it", "Also needed for", "Verdict"], rows)


def judgement_table(judgements: list[WorkJudgement], *, base: str, head: str) -> str:
    """A change's counters beside its base's; a plan change or a counter off by more than THRESHOLD called out."""
    rows = []
    for j in judgements:
        if j.base.error or j.head.error:
            rows.append((f"`{j.name}`", "", "", "", "", "", f"**{j.verdict}**: {j.line().split(': ', 1)[1]}"))
            continue
        said = "; ".join(d.text() for d in j.differences)
        if j.plan_changed:
            said = "; ".join(s for s in (said, f"plan `{j.base.fingerprint}` -> `{j.head.fingerprint}`") if s)
        rows.append((f"`{j.name}`", f"{_n(j.base.buffers)} / {_n(j.head.buffers)}",
                     f"{_n(j.base.rows_examined)} / {_n(j.head.rows_examined)}",
                     f"{_n(j.base.wal_bytes)} / {_n(j.head.wal_bytes)}",
                     f"{j.base.exec_ms:.3f} / {j.head.exec_ms:.3f}",
                     f"`{j.base.fingerprint}`" + ("" if not j.plan_changed else f" / `{j.head.fingerprint}`"),
                     f"**{j.verdict}**: {said}" if j.flagged else j.verdict))
    return table(["Operation", f"Buffers {base} / {head}", "Rows examined", "WAL bytes", "Server ms",
                  "Plan", "Work"], rows)


def judgement_summary(judgements: list[WorkJudgement]) -> str:
    flagged = [j for j in judgements if j.flagged]
    if not flagged:
        return (f"**Same work**: every operation's buffers, rows, rows examined and WAL bytes are within "
                f"{THRESHOLD:.0%} of the base's, with the same plans.")
    return (f"**{len(flagged)} of {len(judgements)} operations do other work** ("
            + "; ".join(f"`{j.name}`: {j.verdict}" for j in flagged)
            + f"): a counter differs from the base's by more than {THRESHOLD:.0%}, or the plan changed.")


def comparison_markdown(record: WorkPerOperation) -> str:
    if not record.comparison:
        return ""
    rows = [(f"`{v.operation}`", f"**{v.verdict}**" if v.verdict != SAME else v.verdict, v.said)
            for v in record.comparison]
    return "\n".join([f"This commit's work against its base (`certlog bench --against`, the gate's bench step): "
                      f"{record.comparison_context}", "", table(["Operation", "Work", "Figures"], rows)])


def scales_markdown(record: WorkPerOperation) -> str:
    """Everything measured per scale, for evidence.md and reports/bench/work.md."""
    scales = record.scales
    sources = "; ".join(f"{s.rows:,} rows: {s.source}" for s in scales)
    parts = [f"Counted by the server, per round (pg_stat_statements, auto_explain), so the same on any machine; "
             f"server milliseconds beside them are this machine's. Measured: {sources}.", "",
             operations_table(scales), "", "Plans (every statement a round runs, nested ones included):", "",
             plans_list(scales), "", "Storage (after VACUUM):", "", storage_table(scales)]
    if any(s.seed for s in scales):
        parts += ["", "Seeding the log (one COPY, triggers off), per 10 000 rows:", "", seed_table(scales)]
    if record.hypothetical:
        parts += ["", "hypopg: the best hypothetical one- or two-column index per hot path "
                  f"(a saving above {THRESHOLD:.0%} of the planner's cost would call for it):", "",
                  hypothetical_table(record)]
    if record.indexes:
        parts += ["", "Each real index and what it is for:", "", index_table(record)]
    if record.repeated:
        parts += ["", "Counted twice in this run, on two copies, with the same figures and plans: "
                  + ", ".join(f"`{r}`" for r in record.repeated) + "."]
    if record.comparison:
        parts += ["", comparison_markdown(record)]
    return "\n".join(parts)
