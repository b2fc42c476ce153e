"""The Supabase CLI commands the suite checks, each on a database of its own.

`test db`, the lint and the advisors' control read the catalog (a clone of the migrated template);
`inspect report` and `db advisors` report on one database after a workload over the seeded rows.
Each is mostly the CLI working (and, for `test db`, its pg_prove container), so a session starts
those its collected tests check (marked `cli_step`) as soon as its templates are pushed, and runs
them beside its other tests (certlog.session.background); conformance/test_supabase_cli.py and
test_supabase_advisors.py check what they did.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
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
    run: Callable  # (harness, cli) -> CliRun, or what its tests check (the advisors: Advisors)


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


_worked: dict[int, tuple[weakref.ref, str]] = {}  # id(harness) -> (the harness, its database after the workload)
_working = threading.Lock()


def _worked_database(harness) -> str:
    """A clone of the seeded template given its statistics as a live database has them and then a workload of
    lookups, made once per session: `inspect report` and the advisors both report on it."""
    with _working:
        made = _worked.get(id(harness))
        if made is None or made[0]() is not harness:  # none yet, or an ended session's harness had this id
            _worked[id(harness)] = made = (weakref.ref(harness), _work(harness))
        return made[1]


def _work(harness) -> str:
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
    return database


def _inspect(harness, cli: SupabaseCli) -> CliRun:
    """`supabase inspect report` (every `inspect db` report) after the workload."""
    return cli.inspect_report(_worked_database(harness))


def _exposed_schemas(harness, database: str) -> list[str]:
    """The schemas authenticator's pgrst.db_schemas exposes (the stand-in's are hosted Supabase's default)."""
    with databases.connect(harness.server, database, autocommit=True) as conn:
        return [row["schema"] for row in queries.rows(conn, "exposed_schemas")]


@dataclass(frozen=True)
class Advisors:
    run: CliRun  # on the migrated database after the workload
    control: CliRun  # on a copy given one fault per lint they must fail on (advisors_control.sql)
    security_definer_executable: list[str]  # what lint_security_definer_executable.sql finds on that copy


def _advisors(harness, cli: SupabaseCli) -> Advisors:
    """`supabase db advisors` on the migrated database after the workload (so unused_index judges something),
    judging the schemas PostgREST exposes there as hosted Supabase's advisors do; beside it, the same on the
    control copy (one step: a mutation session, which makes a step when a test asks, waits for both at once)."""
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="certlog-advisors-control") as pool:
        control = pool.submit(_advisors_control, harness, cli)
        database = _worked_database(harness)
        run = cli.db_advisors(database, _exposed_schemas(harness, database))
        control_run, definers = control.result()
    return Advisors(run, control_run, definers)


def _advisors_control(harness, cli: SupabaseCli) -> tuple[CliRun, list[str]]:
    """The advisors on a copy given advisors_control.sql's faults, and the kept catalog query's verdict there."""
    database = harness.clone("cli_advisors_control", seeded=False)
    with databases.connect(harness.server, database, user="postgres", autocommit=True) as conn:
        conn.execute(queries.text("advisors_control"))
        definers = [row["object"] for row in queries.rows(conn, "lint_security_definer_executable")]
    return cli.db_advisors(database, _exposed_schemas(harness, database)), definers


STEPS = {
    "test db": CliTask(("pg_cron",), _test_db),  # supabase/tests includes the Cron job's test
    "db lint": CliTask(("plpgsql_check",), _lint),
    "db lint control": CliTask(("plpgsql_check",), _lint_control),
    "inspect report": CliTask(("pg_stat_statements",), _inspect),
    "db advisors": CliTask((), _advisors),  # the workload needs no extension (inspect report reads pg_stat_statements)
}
