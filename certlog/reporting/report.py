"""The reviewer's evidence: evidence.md (pastes into a pull request), evidence.html (self-contained),
and the charts as PNG files beside them.

Everything comes from one saved Evidence (results.json): the verdicts at the top are the
requirement verdicts from the tests' outcomes, and each section below shows what a test
recorded together with that test's outcome. Nothing is measured, read from the machine or
decided here, so rendering the same results twice gives the same files.
"""

from __future__ import annotations

import base64
import html
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import markdown as markdown_lib

from certlog.model.contract import TABLE_PRIVILEGES, load
from certlog.model.evidence import Evidence, TestOutcome
from certlog.paths import ROOT, write_atomically
from certlog.reporting import plots, work
from certlog.reporting.markdown import code, details, table
from certlog.reporting.verdicts import RequirementVerdict

LATENCY_CHART = "evidence-dedup-latency.png"
MATRIX_PRIVILEGES = TABLE_PRIVILEGES[:5]  # SELECT .. TRUNCATE: what a client could try
NOT_RECORDED = "_Not recorded in this run._"


@dataclass(frozen=True)
class Rendered:
    markdown: str
    html: str
    charts: dict[str, bytes]


Section = Callable[[Evidence], str]
SECTIONS: dict[str, Section] = {}  # field of Evidence -> the section that shows it


def section(field: str) -> Callable[[Section], Section]:
    """Registers the renderer of one field of Evidence; the sections come in Evidence's order of fields."""
    if field not in Evidence.model_fields:
        raise LookupError(f"Evidence has no field {field!r}")

    def register(render: Section) -> Section:
        SECTIONS[field] = render
        return render

    return register


def render(evidence: Evidence, verdicts: list[RequirementVerdict]) -> Rendered:
    charts: dict[str, bytes] = {}
    if evidence.latency:
        charts[LATENCY_CHART] = plots.latency_histogram(
            evidence.latency.samples_ms, evidence.latency.budget_ms, "Dedup lookup latency (service_role, round trip)")
    sections = [_summary(evidence, verdicts), _what_failed(evidence), _at_a_glance(verdicts), "# Details",
                *(SECTIONS[name](evidence) for name in Evidence.model_fields if name in SECTIONS)]
    text = local("\n\n".join(s for s in sections if s) + "\n")
    return Rendered(text, _html(text, charts), charts)


LOCAL_PLACES = (  # what a reviewer cannot open: the clone's own path, the run's throwaway directories
    (re.compile(re.escape(str(ROOT)) + r"/?"), ""),
    (re.compile(r"/(?:dev/shm|tmp|var/tmp)/certlog-[\w.-]+(?:/[\w.-]+)*"), "(a directory of the run, removed)"),
)


def local(text: str) -> str:
    """`text` with the paths of this machine made relative to the repository, or named for what they were."""
    for pattern, replacement in LOCAL_PLACES:
        text = pattern.sub(replacement, text)
    return text


def write(report_dir: Path, rendered: Rendered) -> list[Path]:
    """The charts, then the Markdown and the HTML, each replaced atomically."""
    report_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name, png in sorted(rendered.charts.items()):
        written.append(write_atomically(report_dir / name, png))
    written.append(write_atomically(report_dir / "evidence.md", rendered.markdown.encode()))
    written.append(write_atomically(report_dir / "evidence.html", rendered.html.encode()))
    return written


def _verdict(outcome: str) -> str:
    return {"passed": "PASS", "not run": "NOT RUN"}.get(outcome, "FAIL")


def _judged(evidence: Evidence, by: str) -> str:
    return f"**{_verdict(evidence.outcome(by))}** (`{by}`)" if by and by != "session" else ""


# --- the top: what a reviewer reads first ----------------------------------------------------------


def _summary(ev: Evidence, verdicts: list[RequirementVerdict]) -> str:
    passed = sum(v.passed for v in verdicts)
    run = ev.run
    complete = run is not None and run.complete and not ev.migration_failure
    status = "PASS" if passed == len(verdicts) and complete else "FAIL"
    lines = [f"# cert_notification_log: verification evidence ({status})", "",
             f"**{passed} of {len(verdicts)} requirements pass.**", ""]
    if run:
        lines += [f"- Run: `certlog {run.command}`, {run.started_at}, {run.wall_seconds:.1f} s, "
                  f"{'complete' if run.complete else '**incomplete (stopped before every test ran)**'}."]
    if ev.server:
        lines.append(f"- Server: {ev.server.version.split(' on ')[0]} ({ev.server.kind} backend).")
    if run:
        lines += ["- Migrations:", *(f"  - `{m.name}` (SHA-256 `{m.sha256[:16]}…`)" for m in run.migrations)]
    if ev.migration_failure:
        lines += ["", "**The migration could not be applied:**", "", code(ev.migration_failure)]
    return "\n".join(lines)


def check_name(t: TestOutcome) -> str:
    """A test in words: a pgTAP assertion by its description (without the ids it starts with), a Python test by
    its name (underscores as spaces, its parameters kept)."""
    node, _, sub = t.nodeid.partition(" » ")
    if sub:  # "<file> [mode] #N: <description>", or "supabase test db: <file> #N: <description>"
        numbered = re.search(r"#\d+: (.*)$", sub)
        stated = numbered.group(1) if numbered else (sub.split(": ", 1)[1] if ": " in sub else sub)
        return STATED_IDS.sub("", stated)
    name = node.rpartition("::")[2].removeprefix("test_")
    base, _, parameters = name.partition("[")
    return base.replace("_", " ") + (f" [{parameters}" if parameters else "")


STATED_IDS = re.compile(r"^(?:[A-Z]+-\d+, )*[A-Z]+-\d+: ")


def _proven_by(v: RequirementVerdict) -> str:
    """The checks that prove a requirement, by file: how many, and the failing ones in words."""
    files: dict[str, list[TestOutcome]] = defaultdict(list)
    for t in v.tests:
        node, _, sub = t.nodeid.partition(" » ")
        pgtap = re.match(r"(?:supabase test db: )?(?:supabase/tests/)?(\S+\.sql)", sub)
        files[f"supabase/tests/{pgtap.group(1)}" if pgtap else node.partition("::")[0]].append(t)
    parts = []
    for path, checks in files.items():
        kind = "assertion" if path.endswith(".sql") else "test"
        names = sorted({check_name(t) for t in checks})
        failing = sorted({check_name(t) for t in checks if t.outcome != "passed"})
        listed = f"{len(names)} {kind}{'s' if len(names) > 1 else ''}"
        parts.append(f"`{path}`: {listed}" + (f" — **failing**: {'; '.join(failing[:3])}" if failing else ""))
    return "<br>".join(parts) or "no test"


def _what_failed(ev: Evidence) -> str:
    """The first screen of a failing run: each check that did not pass, in words, with what it found and the
    requirements it proves; then the verdicts."""
    failing = [t for t in ev.tests if t.outcome != "passed"]
    if not failing:
        return ""
    same: dict[tuple[str, str], list[TestOutcome]] = {}  # one check failing in each mode and under the CLI: once
    for t in failing:
        same.setdefault((", ".join(t.requirements) or "no requirement", check_name(t)), []).append(t)
    lines = ["## What failed", ""]
    for (ids, name), tests in list(same.items())[:40]:
        found = " ".join(tests[0].message.split())[:300] or tests[0].outcome
        where = ", ".join(f"`{node}`" for node in dict.fromkeys(t.nodeid.partition(" » ")[0] for t in tests))
        lines.append(f"- **{ids}** — {name} ({where}): {found}")
    if len(same) > 40:
        lines.append(f"- and {len(same) - 40} more (the table of tests that did not pass, at the end)")
    return "\n".join(lines)


def _at_a_glance(verdicts: list[RequirementVerdict]) -> str:
    rows = [(f"**{v.verdict}**", v.requirement.id, v.requirement.text, _proven_by(v)) for v in verdicts]
    return "## Verdicts at a glance\n\n" + table(["Verdict", "Id", "Requirement", "Proven by"], rows)


# --- details -----------------------------------------------------------------------------------------


@section("run")
def _run(ev: Evidence) -> str:
    if not ev.run:
        return "## Run\n\n" + NOT_RECORDED
    r = ev.run
    rows = [("Command", f"`certlog {r.command}`"), ("Started (UTC)", r.started_at),
            ("Wall time", f"{r.wall_seconds} s"),
            ("Machine", r.machine), ("Python", r.python), ("Backend (setting)", r.backend),
            ("Seed", f"{r.seed_rows:,} log rows, seed {r.seed}"), ("Migrations directory", f"`{r.migrations_dir}`")]
    if ev.server:
        lacking = [p.piece for p in ev.standin if p.source == "missing"]
        rows += [("PostgreSQL", ev.server.version),
                 ("This major verified", f"in part: the server lacks {', '.join(lacking)}" if lacking else
                  "in full (every extension the suite needs is on the server)"),
                 ("Backend (used)", ev.server.kind),
                 ("Server start to ready", f"{ev.server.startup_seconds} s")]
        gone = " (removed when the run ended)" if ev.server.kind == "embedded" else ""
        rows += [(k.replace("_", " "), f"`{v}`{gone if k in ('data_directory', 'log') else ''}")
                 for k, v in sorted(ev.server.details.items()) if k != "options"]
    return "## Run\n\n" + table(["What", "Value"], rows)


@section("templates")
def _migrations(ev: Evidence) -> str:
    out = ["## Migrations and their idempotency"]
    if ev.run:
        out += ["", table(["File", "SHA-256"], [(f"`{m.name}`", f"`{m.sha256}`") for m in ev.run.migrations])]
    if ev.templates:
        out += ["", "Each template: `supabase db push` (in legacy pushed twice: the second a no-op), seeded rows (the "
                    "task's scale in legacy, where the scale checks run; fewer in revoked, whose checks are about "
                    "privileges), then every migration applied again raw with psql as `postgres`; the schema dump "
                    "and every row must be unchanged.", "",
                table(["Default privileges", "Seeded (users / certifications / log rows)", "Schema after push",
                       "after raw re-apply", "Rows before / after", "Row checksum", "Re-apply error"],
                      [(t.mode, f"{t.users:,} / {t.certifications:,} / {t.log_rows:,}",
                        f"`{t.first_apply_digest[:12]}`",
                        f"`{t.second_apply_digest[:12]}`", f"{t.rows_before:,} / {t.rows_after:,}",
                        "unchanged" if t.checksum_before == t.checksum_after else "**CHANGED**",
                        t.second_apply_error[:200] or "none") for t in ev.templates])]
    idempotency = [t for t in ev.tests if t.nodeid.startswith("schema/test_idempotent_migration.py")]
    if idempotency:
        passed = sum(t.outcome == "passed" for t in idempotency)
        out += ["", f"Judged by `schema/test_idempotent_migration.py`: {passed} of {len(idempotency)} checks pass."]
    return "\n".join(out)


@section("cli")
def _supabase_cli(ev: Evidence) -> str:
    if not ev.cli:
        return "## Supabase CLI\n\n" + NOT_RECORDED
    rows = [(s.step, s.exit_code, f"{s.seconds:.2f}", _judged(ev, s.by)) for s in ev.cli]
    outputs = [details(f"{html.escape(s.step)}: the command as run, its output",
                       code(f"$ {s.command}\n{s.output.strip()[-4000:]}")) for s in ev.cli]
    about = ""
    if ev.cli_info:
        info = ev.cli_info
        pinned = ("the version package.json pins" if info.version == info.pinned
                  else f"**not** the {info.pinned} package.json pins")
        about = (f"`supabase --version`: `{info.version}` ({pinned}; `{info.executable}`). `supabase test db` asks for "
                 f"pg_prove in `{info.pg_prove_image}`, built locally under that tag (`scripts/build-images.sh`).\n\n")
    return ("## Supabase CLI (the task's framework, run for real)\n\n" + about
            + table(["Step", "Exit", "Seconds", "Verdict"], rows) + "\n\n" + "\n\n".join(outputs))


@section("describe")
def _describe(ev: Evidence) -> str:
    if not ev.describe:
        return "## `\\d+` (psql)\n\n" + NOT_RECORDED
    comments = ""
    if ev.describe.comments:
        comments = ("\n\nThe Description column in full (`col_description`, the same catalog):\n\n"
                    + table(["Column", "Comment"], [(f"`{c}`", text or "(none)")
                                                    for c, text in ev.describe.comments.items()]))
    return (f"## `\\d+ {ev.describe.table}` (psql)\n\n{_judged(ev, ev.describe.by)}\n\n"
            + code(ev.describe.output, "psql") + comments)


@section("privileges")
def _privileges(ev: Evidence) -> str:
    if not ev.privileges:
        return "## Role x privilege matrix\n\n" + NOT_RECORDED
    contract = load()
    expected = "; ".join(f"{role}: {', '.join(p) or 'nothing'}" for role, p in contract.privileges.items())
    out = ["## Role x privilege matrix",
           "", f"Expected (the table contract): {expected}. Each cell: what the catalog says "
               "(`has_table_privilege`), then what happened when the statement was sent with the role switched as "
               "PostgREST switches it."]
    cells = {(c.mode, c.role, c.privilege): c for c in ev.privileges}
    for mode in sorted({c.mode for c in ev.privileges}):
        rows = []
        for role in contract.privileges:
            row = [role]
            for privilege in MATRIX_PRIVILEGES:
                c = cells.get((mode, role, privilege))
                if c is None:
                    row.append("not tried")
                    continue
                catalog = {True: "granted", False: "not granted", None: "?"}[c.catalog]
                row.append(f"{_verdict(ev.outcome(c.by))}: {catalog}; {c.observed}")
            rows.append(row)
        out += ["", f"### Default privileges: {mode}", "", table(["Role", *MATRIX_PRIVILEGES], rows)]
    return "\n".join(out)


@section("plans")
def _plans(ev: Evidence) -> str:
    if not ev.plans:
        return "## Query plans\n\n" + NOT_RECORDED
    out = ["## Query plans (EXPLAIN ANALYZE on the seeded table)"]
    for p in ev.plans:
        out += ["", f"### {p.title}", "", f"{p.rows:,} rows; {_judged(ev, p.by)}", "", code(p.text)]
    return "\n".join(out)


@section("latency")
def _latency(ev: Evidence) -> str:
    lat = ev.latency
    if not lat:
        return "## Dedup lookup latency\n\n" + NOT_RECORDED
    rows = [(f"{lat.n:,} ({lat.hits:,} hits)", f"{lat.p50_ms:.3f}", f"{lat.p95_ms:.3f}", f"{lat.p99_ms:.3f}",
             f"{lat.max_ms:.3f}", f"{lat.budget_ms:g}", _judged(ev, lat.by))]
    histogram = plots.ascii_histogram(lat.samples_ms, [0.05, 0.1, 0.2, 0.5, 1, 2, 5])
    return (f"## Dedup lookup latency (`{lat.statement}`, as service_role, round trip)\n\n"
            + table(["Lookups", "p50 ms", "p95 ms", "p99 ms", "max ms", "budget ms", "Verdict (p99 < budget)"], rows)
            + "\n\n" + code(histogram) + f"\n\n![Dedup lookup latency histogram]({LATENCY_CHART})")


@section("work")
def _work(ev: Evidence) -> str:
    if not ev.work:
        return "## Work per operation\n\n" + NOT_RECORDED
    return f"## Work per operation {_judged(ev, ev.work.by)}\n\n{work.scales_markdown(ev.work)}"


@section("reliability")
def _reliability(ev: Evidence) -> str:
    if not ev.reliability:
        return ""
    out = ["## Reliability"]
    for f in ev.reliability:
        figures = ", ".join(f"{name} **{value:,}**" if isinstance(value, int) else f"{name} **{value}**"
                            for name, value in f.figures.items())
        out += ["", f"- {f.title}: {figures}. {_judged(ev, f.by)}"]
    return "\n".join(out)


@section("bad_inputs")
def _bad_inputs(ev: Evidence) -> str:
    if not ev.bad_inputs:
        return ""
    rows = [(b.case, b.role, b.expected_sqlstate, b.got, _verdict(ev.outcome(b.by))) for b in ev.bad_inputs]
    return ("## Invalid writes (each committed as its role would send it; the table's rows and checksum unchanged "
            "after each)\n\n" + details(f"{len(rows)} invalid writes", table(
                ["Case", "Role", "Expected SQLSTATE", "Got", "Verdict"], rows)))


@section("pgtap")
def _pgtap(ev: Evidence) -> str:
    if not ev.pgtap:
        return "## pgTAP\n\n" + NOT_RECORDED
    rows = [(f"`{f.file}`", f.mode, f.planned, f.ran, f.passed, f.failed, "; ".join(f.failures[:5]) or f.bail[:200])
            for f in ev.pgtap]
    version = ev.pgtap[0].extension_version
    return (f"## pgTAP {version} (supabase/tests, run per default-privilege mode)\n\n"
            + table(["File", "Mode", "Planned", "Ran", "Passed", "Failed", "Failures"], rows))


@section("linter")
def _linter(ev: Evidence) -> str:
    if not ev.linter:
        return ""
    rows = [(f"`{c.check}`", c.level, c.source, "; ".join(c.offending) or "none", "yes" if c.fails else "no (listed)",
             _verdict(ev.outcome(c.by))) for c in ev.linter]
    return ("## Supabase's advisors (`supabase db advisors`, security and performance) and the kept catalog check\n\n"
            + table(["Lint", "Level", "From", "Found", "Fails the suite", "Verdict"], rows)
            + "\n\nEvery lint the advisors make, run on the migrated database after its workload, with its level and "
              "what it found: WARN and ERROR fail, and so does `unindexed_foreign_keys`; the other INFO lints are "
              "listed. `rls_enabled_no_policy` is intended (the table is internal).")


@section("static")
def _static(ev: Evidence) -> str:
    if not ev.static:
        return ""
    out = ["## Static checks"]
    for s in ev.static:
        out += ["", f"- **{'PASS' if s.ok else 'FAIL'}** {s.tool}", "", code(s.output or "(no output)")]
    return "\n".join(out)


@section("standin")
def _standin(ev: Evidence) -> str:
    if not ev.standin:
        return ""
    names = {"supplied": "the stand-in", "server": "the server's own", "missing": "**missing**"}
    rows = [(p.piece, names[p.source]) for p in ev.standin]
    return ("## Supabase stand-in: what the server had, what the stand-in supplied\n\n" + table(["Piece", "From"], rows)
            + "\n\nIn every database the harness creates, the per-database pieces (schemas, `auth.*` functions, "
              "default privileges, Tier 0) come from the stand-in (`certlog/standin/sql/`).")


@section("tests")
def _failures(ev: Evidence) -> str:
    failing = [t for t in ev.tests if t.outcome not in ("passed",)]
    if not failing:
        return ""
    rows = [(f"`{t.nodeid}`", t.outcome.upper(), t.message[:300]) for t in failing[:50]]
    return "## Tests that did not pass\n\n" + table(["Test", "Outcome", "Message"], rows)


# --- HTML -------------------------------------------------------------------------------------------

STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;max-width:1280px;margin:2em auto;
padding:0 1em;color:#1f2328}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #d0d7de;padding:4px 8px;vertical-align:top;
font-size:0.9em}th{background:#f6f8fa}
pre{background:#f6f8fa;padding:1em;white-space:pre-wrap;overflow-wrap:anywhere;font-size:0.85em}
pre:has(> code.language-psql){white-space:pre;overflow-wrap:normal;overflow-x:auto}
#verdicts-at-a-glance + table td:nth-child(-n+2){white-space:nowrap}
code{font-family:"DejaVu Sans Mono",monospace}
strong{font-weight:600}img{max-width:100%}
"""


def _html(text: str, charts: dict[str, bytes]) -> str:
    body = markdown_lib.markdown(text, extensions=["tables", "fenced_code", "md_in_html", "toc"])
    for name, png in charts.items():
        body = body.replace(f'src="{name}"', f'src="data:image/png;base64,{base64.b64encode(png).decode()}"')
    for word, colour in (("PASS", "#1a7f37"), ("FAIL", "#cf222e"), ("NOT COVERED", "#cf222e"), ("NOT RUN", "#9a6700"),
                         ("INCOMPLETE", "#9a6700")):
        body = body.replace(f"<strong>{word}</strong>", f'<strong style="color:{colour}">{word}</strong>')
    return (f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape('cert_notification_log evidence')}"
            f"</title><style>{STYLE}</style></head><body>{body}</body></html>\n")
