"""AC-7, TEST-4: faults lose nothing and leave nothing half-written.

A cron batch killed mid-transaction, a migration failing partway, a server crash mid-run.
"""

import threading
import time

import psycopg
import pytest

from certlog import standin
from certlog.cronjob import calls as cron
from certlog.database import connections as databases
from certlog.database import psql
from certlog.errors import SqlScriptFailed
from certlog.model.evidence import Measurements
from certlog.paths import cert_notification_log_migration, migration_files
from certlog.session import templates as prepare
from certlog.standin.postgrest import postgrest_session


def _count(server, db, keys):
    with databases.connect(server, db) as conn:
        return conn.execute("select count(*) from public.cert_notification_log where idempotency_key = any(%s)",
                            (keys,)).fetchone()[0]


@pytest.mark.requirement("TEST-4")
def test_a_batch_killed_mid_transaction_leaves_nothing_and_the_rerun_completes_it(server, fresh_db, evidence):
    with databases.connect(server, fresh_db) as conn:
        batch = cron.not_yet_logged(conn, 500)
    keys = [n.key for n in batch]
    with postgrest_session(server, fresh_db) as api:
        conn = api.conn
        conn.autocommit = False
        conn.execute("select set_config('role', 'service_role', true)")
        assert len(cron.upsert(conn, batch[:300])) == 300  # inserted, not committed
        pid = conn.info.backend_pid
        with databases.connect(server, fresh_db, autocommit=True) as admin:
            assert admin.execute("select pg_terminate_backend(%s)", (pid,)).fetchone()[0]
        with pytest.raises(psycopg.OperationalError):
            conn.execute("commit")
    left = _count(server, fresh_db, keys)
    with postgrest_session(server, fresh_db) as api, api.request("service_role", commit=True) as rerun:
        stored = cron.upsert(rerun, batch)
    evidence.put(Measurements(title="A cron batch whose connection is terminated mid-transaction",
                         figures={"rows left by the killed batch": left, "rows the rerun stored": len(stored)}))
    assert left == 0
    assert sorted(stored) == sorted(keys) and _count(server, fresh_db, keys) == len(keys)


@pytest.mark.requirement("AC-7")
@pytest.mark.parametrize("state", ["before the migration", "after the migration"])
def test_a_migration_failing_partway_leaves_the_database_as_it_was(harness, server, settings, templates, tmp_path,
                                                                   state):
    if state.startswith("before"):  # Supabase stand-in and Tier 0, never migrated
        name = harness.workspace.create("fault_fresh", template=harness.base)
        standin.set_privilege_mode(server, name, "legacy")
    else:
        name = harness.clone("fault_migrated")
    try:
        source = cert_notification_log_migration(settings.migrations_dir).read_text()
        cut = source.index(";\n", source.index("create table")) + 2  # after the table, before the rest
        broken = tmp_path / "broken.sql"
        broken.write_text(source[:cut] + "select 1 / 0;  -- injected failure\n" + source[cut:])
        before = psql.schema_dump(server, name)
        with databases.connect(server, name) as conn:
            rows_before = prepare.fingerprint(conn) if state.startswith("after") else None
        with pytest.raises(SqlScriptFailed, match="division by zero"):
            prepare.apply_migrations(server, name, [broken])
        assert psql.schema_dump(server, name) == before
        if rows_before is not None:
            with databases.connect(server, name) as conn:
                assert prepare.fingerprint(conn) == rows_before
        prepare.apply_migrations(server, name, migration_files(settings.migrations_dir))  # the clean one still applies
        with databases.connect(server, name) as conn:
            assert conn.execute("select to_regclass('public.cert_notification_log') is not null").fetchone()[0]
    finally:
        harness.workspace.drop(name)


@pytest.mark.exclusive
@pytest.mark.requirement("TEST-4")
def test_a_server_crash_mid_run_loses_no_committed_row(server, fresh_db, evidence):
    if not server.can_restart:
        pytest.skip(f"the {server.kind} backend cannot crash and restart its server")
    with databases.connect(server, fresh_db) as conn:
        notifications = cron.not_yet_logged(conn, 20_000)
    acknowledged: list[str] = []
    attempted: list[str] = []
    interrupted = threading.Event()

    def writer():
        """Batch after batch of new notifications until the server goes down under it (or 60 s pass)."""
        deadline = time.monotonic() + 60
        with postgrest_session(server, fresh_db) as api:
            for at in range(0, len(notifications), 50):
                batch = notifications[at:at + 50]
                attempted.extend(n.key for n in batch)
                try:
                    with api.request("service_role", commit=True) as conn:
                        stored = cron.upsert(conn, batch)
                except psycopg.OperationalError:
                    interrupted.set()
                    return  # the server went down: what was acknowledged must survive
                acknowledged.extend(stored)
                if time.monotonic() > deadline:
                    return

    thread = threading.Thread(target=writer)
    thread.start()
    deadline = time.monotonic() + 30
    while len(acknowledged) < 1_000 and thread.is_alive() and time.monotonic() < deadline:
        time.sleep(0.005)
    server.restart()
    thread.join(timeout=90)
    with databases.connect(server, fresh_db) as conn:
        stored = [k for (k,) in conn.execute("select idempotency_key from public.cert_notification_log "
                                             "where idempotency_key = any(%s)", (attempted,))]
    evidence.put(Measurements(title="A server crash (immediate stop) in the middle of a cron run",
                         figures={"rows attempted": len(attempted),
                                  "rows acknowledged before the crash": len(acknowledged),
                                  "acknowledged rows found after the restart": len(set(acknowledged) & set(stored))}))
    assert interrupted.is_set() and acknowledged, "the crash did not land mid-run"
    assert set(acknowledged) <= set(stored)
    assert len(stored) == len(set(stored)) and set(stored) <= set(attempted)
