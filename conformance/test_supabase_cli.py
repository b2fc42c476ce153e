"""PLAT-3, PERF-2: the Supabase CLI itself (db push, test db, db lint, inspect report) against the stand-in.

The CLI is the pinned npm package (package.json); every command runs for real with --remote=<url>
over TCP on 127.0.0.1. `supabase test db` runs pg_prove in the CLI's own container image.
The pushes build the templates; the other commands (certlog.session.cli_steps) run beside the
other tests, each on a database of its own, and are checked here.
"""

import dataclasses
import re

import pytest

from certlog.database import queries
from certlog.model.contract import load
from certlog.model.evidence import CliStep
from certlog.paths import migration_files
from certlog.session.cli_steps import INSPECT_SHOWN, WORKLOAD
from certlog.session.templates import UP_TO_DATE
from certlog.settings import PRIVILEGE_MODES

contract = load()


def _step(step: str, run, *, expect_failure: bool = False) -> CliStep:
    return CliStep(step=step, command=run.command, exit_code=run.exit_code, seconds=round(run.seconds, 2),
                   output=run.output, expect_failure=expect_failure)


@pytest.mark.requirement("PLAT-3", "AC-7")
@pytest.mark.parametrize("mode", PRIVILEGE_MODES)
def test_db_push_applied_every_migration_and_recorded_it(migrated, settings, mode, evidence):
    first_push = migrated[mode].push
    evidence.put(_step(f"db push ({mode})", first_push))
    versions = [re.match(r"(\d+)_(.*)\.sql$", p.name).groups() for p in migration_files(settings.migrations_dir)]
    history = [(h["version"], h["name"]) for h in migrated[mode].history]
    assert first_push.ok, first_push.output
    assert "deprecated" not in first_push.output.lower(), first_push.output  # 3.x flags only (--remote=<url>)
    assert history == versions
    assert all(h["statements"] > 0 for h in migrated[mode].history)


@pytest.mark.requirement("PLAT-3", "AC-7")
def test_a_second_db_push_is_a_no_op(templates, evidence):
    second_push = templates["legacy"].pushes[1]
    if second_push is None:
        pytest.skip("a mutation run does not repeat the push (nothing a migration changes decides it)")
    evidence.put(_step("db push again (legacy)", second_push))
    assert second_push.ok and UP_TO_DATE in second_push.output, second_push.output


PG_PROVE_FILE = re.compile(r"^(\S+\.(?:sql|pg)) \.+")  # pg_prove's line for a file, before its results
PG_PROVE_FAILED = re.compile(r'^# Failed test (\d+): "(.*)"$')  # and for each failed assertion, its description
PG_PROVE_BROKEN = re.compile(r"Dubious|Bad plan|Parse errors|No subtests run|No plan found")


def failed_assertions(output: str) -> list[tuple[str, str, str]]:
    """(file, number, description) of each assertion pg_prove reports failed."""
    found, file = [], "?"
    for line in output.splitlines():
        if named := PG_PROVE_FILE.match(line):
            file = named.group(1).rsplit("/", 1)[-1]
        elif failed := PG_PROVE_FAILED.match(line.strip()):
            found.append((file, *failed.groups()))
    return found


@pytest.mark.cli_step("test db")
@pytest.mark.requirement("PLAT-3", "TEST-1", "TEST-2", "TEST-3")
def test_supabase_test_db_passes_supabase_tests_unchanged(cli_step, evidence, subtests):
    """Each assertion pg_prove reports failed is a subtest, filed under the requirements its description states;
    the test itself fails only if the CLI did not run every file to its plan."""
    run = cli_step
    evidence.put(_step("test db", run))
    failed = failed_assertions(run.output)
    for file, number, description in failed:
        with subtests.test(msg=f"supabase test db: {file} #{number}: {description}"):
            pytest.fail(f"pg_prove: {file} #{number} failed: {description}", pytrace=False)
    assert "Result: " in run.output and not PG_PROVE_BROKEN.search(run.output), run.output
    assert ("Result: PASS" in run.output) == (not failed), run.output


@pytest.mark.cli_step("db lint")
@pytest.mark.requirement("PLAT-3", "PLAT-2")
def test_supabase_db_lint_finds_nothing(cli_step, evidence):
    run = cli_step
    evidence.put(_step("db lint", run))
    assert run.ok and run.json()["results"] == [], run.output


@pytest.mark.cli_step("db lint control")
@pytest.mark.requirement("PLAT-3")
def test_supabase_db_lint_turns_red_on_a_plpgsql_error(cli_step, evidence):
    """The lint above can fail: a function reading a column that does not exist is reported."""
    run = cli_step
    evidence.put(_step("db lint (control: a broken function)", run, expect_failure=True))
    found = {r["function"]: r["issues"] for r in (run.json() or {}).get("results", [])}
    assert not run.ok and [i["sqlState"] for i in found.get("public.certlog_broken", [])] == ["42703"], run.output


def _inspected_scans(run, catalog, columns) -> tuple[int, dict]:
    """Scans the inspect report counts on the indexes whose key starts with `columns` (any of them: a copy of an
    index is the index set's concern, PLAT-2), and every index's count."""
    scans = {row["name"]: int(row["index_scans"]) for row in run.table("index_stats.csv")}
    fitting = {f"{contract.schema}.{row['index'].split('.')[-1]}" for row in queries.rows(
        catalog, "indexes_leading_with", {"table": contract.qualified, "columns": list(columns)})}
    return sum(scans.get(name, 0) for name in fitting), scans


@pytest.mark.cli_step("inspect report")
@pytest.mark.requirement("PERF-2")
def test_inspect_report_shows_the_composite_index_serving_the_workload(cli_step, catalog, evidence):
    """On a clone of its own (not the lint control's), its statistics made as a live database has them."""
    run = cli_step
    shown = "".join(f"\n{name}:\n{run.files.get(name, '(not written)')}" for name in INSPECT_SHOWN)
    evidence.put(_step("inspect report", dataclasses.replace(run, output=run.output + shown)))
    assert run.ok, run.output
    served, scans = _inspected_scans(run, catalog, contract.composite_index.columns)
    assert served >= 2 * WORKLOAD, f"an index on (certification_id, notification_type) served {served} scans: {scans}"


@pytest.mark.cli_step("inspect report")
@pytest.mark.requirement("PERF-1")
def test_inspect_report_shows_the_unique_key_index_serving_the_dedup_lookups(cli_step, catalog):
    run = cli_step
    assert run.ok, run.output
    served, scans = _inspected_scans(run, catalog, contract.unique_key_index.columns)
    assert served >= WORKLOAD, f"an index on idempotency_key served {served} scans: {scans}"
