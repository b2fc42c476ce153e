"""IMPL-3: Supabase Cron runs the retention purge: as the migration schedules it, as the role it runs as.

The catalog side (one job, its schedule, command and role) is the generated pgTAP test
supabase/tests/cert_notification_log_cron.sql; here the job's command is run as its role, and
then pg_cron itself runs the job on a migrated, seeded database.
"""

import time
from datetime import timedelta

import pytest
from psycopg import sql

from certlog.database import connections as databases
from certlog.model.contract import load
from certlog.model.evidence import Measurements
from certlog.standin import cron

JOB = load().cron_jobs[0]
WAIT_SECONDS = 30


def _job(conn) -> dict:
    row = conn.execute("select command, username from cron.job where jobname = %s", (JOB.name,)).fetchone()
    assert row is not None, f"no pg_cron job named {JOB.name}"
    return {"command": row[0], "username": row[1]}


@pytest.mark.needs("pg_cron")
@pytest.mark.requirement("IMPL-3")
def test_the_jobs_command_succeeds_as_the_role_it_runs_as(superuser):
    job = _job(superuser)
    superuser.execute(sql.SQL("set local role {}").format(sql.Identifier(job["username"])))
    superuser.execute(job["command"])  # rolled back with the fixture's transaction


def _count(conn, where: str = "true", *params) -> int:
    return conn.execute(f"select count(*) from public.cert_notification_log where {where}", params).fetchone()[0]


@pytest.mark.needs("pg_cron")
@pytest.mark.exclusive
@pytest.mark.requirement("IMPL-3")
def test_pg_cron_runs_the_purge_deleting_exactly_the_rows_older_than_a_year(server, db, templates, evidence):
    """pg_cron runs the migration's job (its schedule brought forward to now) on a copy of the seeded template;
    the rows it deletes are exactly those older than a year at the moment it ran."""
    with cron.run_jobs_now(server, templates["legacy"].name, JOB.name) as dbname, \
            databases.connect(server, dbname, autocommit=True) as conn:
        deadline, run = time.monotonic() + WAIT_SECONDS, None
        while run is None and time.monotonic() < deadline:
            time.sleep(0.05)
            run = conn.execute(
                "select d.status, d.return_message, d.start_time, d.end_time, d.username from cron.job_run_details d "
                "join cron.job j on j.jobid = d.jobid where j.jobname = %s and d.status in ('succeeded', 'failed')",
                (JOB.name,)).fetchone()
        assert run is not None, f"pg_cron did not run {JOB.name} within {WAIT_SECONDS} s"
        status, message, started, ended, username = run
        year_before_start, year_before_end = started - timedelta(days=365), ended - timedelta(days=365)
        left = _count(conn)
        left_older = _count(conn, "sent_at < %s", year_before_start)
        left_younger = _count(conn, "sent_at >= %s", year_before_end)
    with databases.connect(server, db) as before:  # the shared clone: the template's rows, untouched
        total = _count(before)
        older_at_start = _count(before, "sent_at < %s", year_before_start)
        older_at_end = _count(before, "sent_at < %s", year_before_end)
        younger = _count(before, "sent_at >= %s", year_before_end)
    evidence.put(Measurements(title=f"pg_cron ran the job {JOB.name} on a copy of the seeded template",
                         figures={"status": status, "ran as": username, "rows before": total,
                                  "rows deleted": total - left, "older than a year left": left_older}))
    assert (status, username) == ("succeeded", JOB.runs_as), message
    assert left_older == 0 and left_younger == younger
    assert older_at_start <= total - left <= older_at_end and older_at_start > 0
