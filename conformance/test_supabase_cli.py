"""PLAT-3, PERF-2: the Supabase CLI itself (db push, test db, db lint, inspect db) against the stand-in.

The CLI is the pinned npm package (package.json); every command runs for real with --db-url
over TCP on 127.0.0.1. `supabase test db` runs pg_prove in the CLI's own container image.
"""

import re
from concurrent.futures import ThreadPoolExecutor

import pytest

from certlog.cronjob import calls as cron
from certlog.database import connections as databases
from certlog.database import queries
from certlog.database.templates import UP_TO_DATE
from certlog.paths import PGTAP_TESTS, migration_files
from certlog.reporting.evidence import CliStep
from certlog.settings import PRIVILEGE_MODES
from certlog.standin.postgrest import postgrest_session


def _step(step: str, run, *, expect_failure: bool = False) -> CliStep:
    return CliStep(step=step, command=run.command, exit_code=run.exit_code, seconds=round(run.seconds, 2),
                   output=run.output, expect_failure=expect_failure)


INSPECT_REPORTS = ("index-stats", "table-stats", "outliers")  # which indexes served, table sizes, top queries
WORKLOAD = 300  # dedup and composite lookups before `inspect db`


@pytest.mark.requirement("PLAT-3", "AC-7")
@pytest.mark.parametrize("mode", PRIVILEGE_MODES)
def test_db_push_applied_every_migration_and_recorded_it(templates, settings, mode, evidence):
    first_push = templates[mode].pushes[0]
    evidence.put(_step(f"db push ({mode})", first_push))
    versions = [re.match(r"(\d+)_(.*)\.sql$", p.name).groups() for p in migration_files(settings.migrations_dir)]
    history = [(h["version"], h["name"]) for h in templates[mode].history]
    assert first_push.ok, first_push.output
    assert history == versions
    assert all(h["statements"] > 0 for h in templates[mode].history)


@pytest.mark.requirement("PLAT-3", "AC-7")
def test_a_second_db_push_is_a_no_op(templates, evidence):
    second_push = templates["legacy"].pushes[1]
    if second_push is None:
        pytest.skip("a mutation run does not repeat the push (nothing a migration changes decides it)")
    evidence.put(_step("db push again (legacy)", second_push))
    assert second_push.ok and UP_TO_DATE in second_push.output, second_push.output


@pytest.mark.needs("pg_cron")  # supabase/tests includes the Cron jobs' test
@pytest.mark.requirement("PLAT-3", "TEST-1", "TEST-2", "TEST-3")
def test_supabase_test_db_passes_supabase_tests_unchanged(supabase_cli, docker_env, db, evidence):
    run = supabase_cli.test_db(db, PGTAP_TESTS, docker_env)
    evidence.put(_step("test db", run))
    assert run.ok and "Result: PASS" in run.output, run.output


@pytest.fixture(scope="module")
def lints(supabase_cli, server, db, module_db):
    """`supabase db lint` on the migrated database and, side by side, on a copy given a broken function."""
    with databases.connect(server, module_db, user="postgres", autocommit=True) as conn:
        conn.execute("create function public.certlog_broken() returns int language plpgsql as "
                     "$$ begin return (select no_such_column from public.cert_notification_log limit 1); end $$")
    with ThreadPoolExecutor(max_workers=2) as pool:
        migrated, broken = pool.map(supabase_cli.db_lint, (db, module_db))
    return {"migrated": migrated, "broken": broken}


@pytest.mark.needs("plpgsql_check")
@pytest.mark.requirement("PLAT-3", "PLAT-2")
def test_supabase_db_lint_finds_nothing(lints, evidence):
    run = lints["migrated"]
    evidence.put(_step("db lint", run))
    assert run.ok and run.json()["results"] == [], run.output


@pytest.mark.needs("plpgsql_check")
@pytest.mark.requirement("PLAT-3")
def test_supabase_db_lint_turns_red_on_a_plpgsql_error(lints, evidence):
    """The lint above can fail: a function reading a column that does not exist is reported."""
    run = lints["broken"]
    evidence.put(_step("db lint (control: a broken function)", run, expect_failure=True))
    found = {r["function"]: r["issues"] for r in (run.json() or {}).get("results", [])}
    assert not run.ok and [i["sqlState"] for i in found.get("public.certlog_broken", [])] == ["42703"], run.output


@pytest.mark.needs("pg_stat_statements")
@pytest.mark.requirement("PERF-2")
def test_inspect_db_shows_the_composite_and_unique_indexes_serving_the_workload(supabase_cli, server, fresh_db,
                                                                               evidence):
    """On a clone of its own (not the lint control's), its statistics made as a live database has them."""
    with databases.connect(server, fresh_db, user="postgres", autocommit=True) as conn:
        conn.execute("analyze public.cert_notification_log")  # a clone starts with no row counts of its own
    with postgrest_session(server, fresh_db) as api, api.request("service_role") as conn:
        seeded = cron.seeded(conn, WORKLOAD)
        for row in seeded:
            conn.execute(queries.text("dedup_lookup"), {"key": row["idempotency_key"]}, prepare=True).fetchall()
            conn.execute(queries.text("composite_lookup"), row, prepare=True).fetchall()
        cron.already_sent(conn, [(r["certification_id"], r["notification_type"]) for r in seeded])
        conn.execute("select pg_stat_force_next_flush()")
    with ThreadPoolExecutor(max_workers=len(INSPECT_REPORTS)) as pool:  # each report is its own CLI process
        runs = dict(zip(INSPECT_REPORTS, pool.map(lambda r: supabase_cli.inspect(fresh_db, r), INSPECT_REPORTS),
                        strict=True))
    for report, run in runs.items():
        evidence.put(_step(f"inspect db {report}", run))
    assert all(run.ok for run in runs.values()), {r: run.output for r, run in runs.items() if not run.ok}
    scans = {row["name"]: int(row["index_scans"]) for row in runs["index-stats"].json()["rows"]}
    assert scans["public.cert_notification_log_certification_id_notification_type_idx"] >= 2 * WORKLOAD, scans
    assert scans["public.cert_notification_log_idempotency_key_key"] >= WORKLOAD, scans
