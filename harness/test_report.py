"""The evidence is a typed contract: it round-trips through results.json unchanged, a record of the wrong
shape fails where it is made, and a report rebuilt from saved results is the report the run wrote."""

import os
import subprocess
import sys

import pytest
from pydantic import ValidationError

from certlog.model import evidence as records
from certlog.model.requirements import catalogue
from certlog.paths import ROOT
from certlog.plugin import results
from certlog.plugin.record import failure_message
from certlog.reporting import report
from certlog.reporting.verdicts import requirement_verdicts


def _evidence() -> records.Evidence:
    ev = records.Evidence()
    records.put(ev, records.RunInfo(command="verify", started_at="2026-11-25T12:00:00+00:00", machine="m",
                                    python="3.11", backend="auto", seed_rows=50_000, seed=1, migrations_dir="d",
                                    migrations=[records.MigrationFile(name="1_x.sql", sha256="ab" * 32)],
                                    complete=True), "session")
    records.put(ev, records.Latency(statement="select 1", n=3, hits=1, p50_ms=0.1, p95_ms=0.2, p99_ms=0.3,
                                    max_ms=0.4, mean_ms=0.2, budget_ms=5, samples_ms=[0.1, 0.2, 0.4]), "t::latency")
    records.put(ev, records.PrivilegeCell(mode="legacy", role="anon", privilege="SELECT", expected=False,
                                          catalog=False, observed="refused (42501)"), "t::privileges")
    records.put(ev, records.CliInfo(version="3.1.0", executable="node_modules/.bin/supabase", pinned="3.1.0",
                                    pg_prove_image="pg_prove:3.36"), "session")
    records.put(ev, records.CliStep(step="db push", command="supabase db push", exit_code=0, seconds=0.5,
                                    output="Finished \U0001f389 \U0001f468\u200d\U0001f4bb"), "t::push")
    ev.tests += [records.TestOutcome(nodeid="t::latency", outcome="passed", requirements=["PERF-1"]),
                 records.TestOutcome(nodeid="t::privileges", outcome="failed", requirements=["AC-5"],
                                     message="AssertionError")]
    return ev


def test_the_evidence_round_trips_through_its_file(tmp_path):
    ev = _evidence()
    results.save(tmp_path / "results.json", ev)
    assert results.load(tmp_path / "results.json") == ev


def test_a_record_of_the_wrong_shape_fails_where_it_is_made():
    with pytest.raises(ValidationError):
        records.Latency(statement="select 1", n="many")
    with pytest.raises(ValidationError):
        records.CliStep(step="x", command="y", exit_code=0, seconds=1.0, output="", verdict="PASS")


def test_the_report_shows_the_recording_tests_outcome_and_decides_nothing_itself():
    ev = _evidence()
    rendered = report.render(ev, requirement_verdicts(ev.tests, complete=True))
    assert "FAIL: not granted; refused (42501)" in rendered.markdown  # what the failed privilege test recorded
    assert "**PASS** (`t::latency`)" in rendered.markdown
    assert "`3.1.0` (the version package.json pins" in rendered.markdown and "`pg_prove:3.36`" in rendered.markdown
    assert "$ supabase db push" in rendered.markdown  # every command as run, in its collapsed output
    assert f"**1 of {len(catalogue())} requirements pass.**" in rendered.markdown  # PERF-1 passes, AC-5 fails


def test_in_a_run_that_stopped_early_no_requirement_passes_but_a_failure_stays_one():
    ev = _evidence()
    verdicts = {v.requirement.id: v.verdict for v in requirement_verdicts(ev.tests, complete=False)}
    assert verdicts["PERF-1"] == "INCOMPLETE"  # its test passed, but others of the run never ran
    assert verdicts["AC-5"] == "FAIL"


def test_the_report_draws_in_any_font_and_wraps_long_cells():
    rendered = report.render(_evidence(), requirement_verdicts(_evidence().tests, complete=True))
    assert "Finished" in rendered.markdown
    assert [c for c in rendered.markdown + rendered.html if ord(c) > 0xFFFF or c == "\u200d"] == []  # no emoji boxes
    assert "white-space:pre-wrap" in rendered.html  # a long line of tool output wraps instead of leaving the page


def test_a_report_rebuilt_from_saved_results_is_the_one_written(tmp_path):
    ev = _evidence()
    results.save(tmp_path / "results.json", ev)
    first = tmp_path / "first"
    report.write(first, report.render(ev, requirement_verdicts(ev.tests, complete=True)))
    rebuilt = tmp_path / "rebuilt"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CERTLOG_")} | {"CERTLOG_REPORT_DIR": str(rebuilt)}
    out = subprocess.run([sys.executable, "-m", "certlog", "report", str(tmp_path / "results.json")], cwd=ROOT,
                         env=env, capture_output=True, text=True)
    assert out.returncode == 1, out.stderr  # a requirement fails in these results
    written = sorted(p.name for p in first.iterdir())
    assert written == sorted(p.name for p in rebuilt.iterdir() if not p.name.startswith("."))
    assert all((first / name).read_bytes() == (rebuilt / name).read_bytes() for name in written)


def test_only_the_newest_runs_are_kept(tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    names = [f"20261203T0600{i:02d}-test-abcdef.json" for i in range(12)]
    for name in reversed(names):  # made in any order: their names say when they started
        (runs / name).write_text("{}")
    results.prune_runs(runs, keep=5)
    assert sorted(p.name for p in runs.iterdir()) == names[-5:]
    results.prune_runs(tmp_path / "none")  # no directory yet: nothing to do



def _failing_run() -> records.Evidence:
    """A run in which a pgTAP assertion and a Python test failed, and another requirement's tests never ran."""
    ev = _evidence()
    ev.run.collected = {"conformance/test_cascade.py::test_cascade": ["AC-6"], "t::latency": ["PERF-1"]}
    records.put(ev, records.Describe(table="public.cert_notification_log", output="Indexes:\n    x btree (a)\n"),
                "t::describe")
    records.put(ev, records.StaticCheck(tool="squawk", ok=True, output=(
        "\x1b[1m\x1b[33mwarning\x1b[0m: \x1b]8;;https://squawkhq.com/docs/x\x1b\\x\x1b]8;;\x1b\\ at "
        f"{ROOT}/supabase/migrations/1_x.sql")), "verify")
    records.put(ev, records.ServerInfo(kind="embedded", version="PostgreSQL 15.18 on x86_64", startup_seconds=0.4,
                                       details={"data_directory": "/dev/shm/certlog-pg-abc123/data"}), "session")
    ev.tests += [records.TestOutcome(
        nodeid="conformance/test_pgtap_suite.py::test_pgtap_file[s.sql-legacy] » supabase/tests/"
               "cert_notification_log_structure.sql [legacy] #17: AC-1: recipient_id is NOT NULL",
        outcome="failed", requirements=["AC-1"], message="not ok 17 - AC-1: recipient_id is NOT NULL"),
        records.TestOutcome(nodeid="conformance/test_bad_input.py::test_invalid_write[null recipient_id]",
                            outcome="failed", requirements=["AC-1"],
                            message="null recipient_id: expected SQLSTATE 23502, got None")]
    return ev


def test_a_failing_reports_first_screen_is_what_failed_in_words_with_its_requirement():
    ev = _failing_run()
    text = report.render(ev, requirement_verdicts(ev.tests, complete=True, collected=ev.run.collected)).markdown
    failed = text.index("## What failed")
    assert failed < text.index("## Verdicts at a glance")
    first_screen = text[failed:text.index("## Verdicts at a glance")]
    assert "- **AC-1** — recipient_id is NOT NULL" in first_screen
    assert "- **AC-1** — invalid write [null recipient_id]" in first_screen
    assert "expected SQLSTATE 23502" in first_screen


def test_one_check_failing_in_both_modes_and_under_the_cli_is_one_line_naming_each_place():
    ev = _failing_run()
    ev.tests.append(records.TestOutcome(
        nodeid="conformance/test_supabase_cli.py::test_supabase_test_db » supabase test db: "
               "cert_notification_log_structure.sql #17: AC-1: recipient_id is NOT NULL",
        outcome="failed", requirements=["AC-1"], message="pg_prove: #17 failed"))
    text = report.render(ev, requirement_verdicts(ev.tests, complete=True, collected=ev.run.collected)).markdown
    first_screen = text[text.index("## What failed"):text.index("## Verdicts at a glance")]
    line, = [line for line in first_screen.splitlines() if "recipient_id is NOT NULL" in line]
    assert "`conformance/test_pgtap_suite.py::" in line and "`conformance/test_supabase_cli.py::" in line


def test_a_failures_message_is_the_tests_own_without_pytests_explanation():
    class Report:
        longrepr = longreprtext = ("    def test_x():\n>       assert errors == [], f'...'\n"
                                   "E       AssertionError: 2 of 8 runs failed, first: QueryCanceled('timeout')\n"
                                   "E       assert [QueryCanceled('timeout')] == []\n"
                                   "E         Left contains 2 more items\n")
    assert failure_message(Report()) == "2 of 8 runs failed, first: QueryCanceled('timeout')"


def test_a_requirement_whose_tests_never_ran_reads_not_run_not_not_covered():
    ev = _failing_run()
    verdicts = {v.requirement.id: v.verdict for v in requirement_verdicts(ev.tests, complete=True,
                                                                       collected=ev.run.collected)}
    assert verdicts["AC-6"] == "NOT RUN" and verdicts["AC-2"] == "NOT COVERED"


def test_the_page_a_reviewer_reads():
    """\\d+ unwrapped in a block that scrolls; ids that do not break; no terminal codes; no paths of this machine;
    the header a list; checks named in words, not by assertion numbers."""
    ev = _failing_run()
    rendered = report.render(ev, requirement_verdicts(ev.tests, complete=True, collected=ev.run.collected))
    text, page = rendered.markdown, rendered.html
    assert "```psql\nIndexes:" in text and 'pre:has(> code.language-psql){white-space:pre' in page
    assert 'id="verdicts-at-a-glance"' in page and "td:nth-child(-n+2){white-space:nowrap}" in page
    assert "\x1b" not in text + page and "squawkhq.com/docs/x" not in text
    assert str(ROOT) not in text + page and "/dev/shm" not in text
    assert "`supabase/migrations/1_x.sql`" in text or "supabase/migrations/1_x.sql" in text
    assert "- Run: `certlog verify`" in text and "- Migrations:" in text
    assert "#17" not in text.split("## Verdicts at a glance")[1].split("# Details")[0]
    assert "`supabase/tests/cert_notification_log_structure.sql`: 1 assertion — **failing**: recipient_id is NOT NULL" \
        in text


def test_report_of_a_failed_run_exits_1_even_when_the_failing_test_proves_no_requirement(tmp_path):
    ev = _evidence()  # every requirement proven by a passing test; one more test, of no requirement, failed
    ev.tests = [records.TestOutcome(nodeid=f"t::{rid}", outcome="passed", requirements=[rid]) for rid in catalogue()]
    ev.tests.append(records.TestOutcome(nodeid="harness::a_check_of_its_own", outcome="failed", requirements=[]))
    results.save(tmp_path / "results.json", ev)
    env = {k: v for k, v in os.environ.items() if not k.startswith("CERTLOG_")} | {
        "CERTLOG_REPORT_DIR": str(tmp_path / "out")}
    out = subprocess.run([sys.executable, "-m", "certlog", "report", str(tmp_path / "results.json")], cwd=ROOT,
                         env=env, capture_output=True, text=True)
    assert out.returncode == 1 and "harness::a_check_of_its_own" in out.stdout + out.stderr, out.stdout[-500:]
