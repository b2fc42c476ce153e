"""The Supabase CLI commands the suite checks, each on a database of its own.

`test db` and the lint read the catalog (a clone of the migrated template); `inspect report`
reports on a workload over the seeded rows. Each is mostly the CLI working (and, for `test db`,
its pg_prove container), so a session starts those its collected tests check (marked `cli_step`)
as soon as its templates are pushed, and runs them beside its other tests
(certlog.session.background); conformance/test_supabase_cli.py checks what they did.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from certlog.cronjob import calls as cron
from certlog.database import connections as databases
from certlog.database import queries
from certlog.paths import PGTAP_TESTS
from certlog.standin.postgrest import postgrest_session
from certlog.tools.supabase_cli import CliRun, SupabaseCli

INSPECT_SHOWN = ("index_stats.csv", "table_stats.csv")  # in the evidence: which indexes served, the tables' sizes
WORKLOAD = 300  # dedup and composite lookups before `inspect report`
BROKEN_FUNCTION = ("create function public.certlog_broken() returns int language plpgsql as "
                   "$$ begin return (select no_such_column from public.cert_notification_log limit 1); end $$")


@dataclass(frozen=True)
class CliTask:
    needs: tuple[str, ...]  # server extensions it cannot run without (its test is skipped or fails without them)
    run: Callable  # (harness, cli) -> CliRun


def _test_db(harness, cli: SupabaseCli) -> CliRun:
    """`supabase test db` runs supabase/tests unchanged (pg_prove in the CLI's container, through a Docker API)."""
    return cli.test_db(harness.clone("cli_test_db", seeded=False), PGTAP_TESTS, harness.docker())


def _lint(harness, cli: SupabaseCli) -> CliRun:
    return cli.db_lint(harness.clone("cli_lint", seeded=False))


def _lint_control(harness, cli: SupabaseCli) -> CliRun:
    """The lint on a copy given a function that reads a column that does not exist: it must fail."""
    database = harness.clone("cli_lint_control", seeded=False)
    with databases.connect(harness.server, database, user="postgres", autocommit=True) as conn:
        conn.execute(BROKEN_FUNCTION)
    return cli.db_lint(database)


def _inspect(harness, cli: SupabaseCli) -> CliRun:
    """`supabase inspect report` (every `inspect db` report) after a workload of lookups, on a clone given its
    statistics as a live database has them."""
    database = harness.clone("cli_inspect")
    server = harness.server
    with databases.connect(server, database, user="postgres", autocommit=True) as conn:
        conn.execute("analyze public.cert_notification_log")  # a clone starts with no row counts of its own
    with postgrest_session(server, database) as api, api.request("service_role") as conn:
        seeded = cron.seeded(conn, WORKLOAD)
        for n in seeded:
            conn.execute(queries.text("dedup_lookup"), {"key": n.key}, prepare=True).fetchall()
            conn.execute(queries.text("composite_lookup"), {"certification_id": n.certification_id,
                                                           "notification_type": n.notification_type},
                         prepare=True).fetchall()
        cron.already_sent(conn, seeded)
        conn.execute("select pg_stat_force_next_flush()")
    return cli.inspect_report(database)


STEPS = {
    "test db": CliTask(("pg_cron",), _test_db),  # supabase/tests includes the Cron job's test
    "db lint": CliTask(("plpgsql_check",), _lint),
    "db lint control": CliTask(("plpgsql_check",), _lint_control),
    "inspect report": CliTask(("pg_stat_statements",), _inspect),
}
