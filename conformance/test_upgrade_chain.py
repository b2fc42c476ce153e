"""PLAT-4: what has landed is deployed, so each migration must apply on top of the ones before it, with rows.

For every prefix of the migrations: a database gets that prefix through `supabase db push`; the Edge Function of
that version writes rows (a renewed certification's previous cycle among them) and calls its batch check; then the
rest is pushed on top. The rows must survive exactly; the previous batch check (two arguments) must fail with the
documented error (0A000, naming expires_on) while the previous upsert keeps working; the new batch check must
answer for each certification's current cycle; and the result must pass the pgTAP structure test.
"""

import json
import shutil
import uuid
from datetime import date, timedelta

import psycopg
import pytest

from certlog import standin
from certlog.cronjob import calls as cron
from certlog.database import connections as databases
from certlog.database import pgtap, queries
from certlog.derived.pgtap import STRUCTURE_FILE
from certlog.model.evidence import Measurements
from certlog.paths import MIGRATIONS, migration_files
from certlog.session import templates as build
from certlog.standin.postgrest import postgrest_session

PREFIXES = range(1, len(migration_files(MIGRATIONS)))


NIGHT = date(2026, 11, 25)  # a night of the previous Edge Function, among the seeded certifications' expiries


def _that_night(conn) -> list[cron.Notification]:
    """What the previous Edge Function logged that night: the notifications due exactly then, the one kind both
    versions send alike (the same row, the same key: the scheduled run date is the due day)."""
    return [n for n in cron.due(conn, NIGHT) if n.due_on == NIGHT]


def _previous_batch_check(conn, batch):
    """The batch check as the Edge Function called it before cycles: two arguments."""
    body = json.dumps({"certification_ids": [str(n.certification_id) for n in batch],
                       "notification_types": [n.notification_type for n in batch]})
    return conn.execute(queries.text("postgrest_rpc_already_sent_before_cycles"), {"body": body}).fetchone()[0]


@pytest.fixture
def chain_db(harness, server):
    """The Supabase stand-in, Tier 0 and its people (the base database), never migrated."""
    name = harness.workspace.create(f"chain_{uuid.uuid4().hex[:8]}", template=harness.base)
    standin.set_privilege_mode(server, name, "legacy")
    try:
        yield name
    finally:
        harness.workspace.drop(name)


@pytest.mark.requirement("PLAT-4")
@pytest.mark.parametrize("prefix", PREFIXES, ids=lambda k: f"{k}-of-{len(PREFIXES) + 1}")
def test_each_migration_applies_on_top_of_the_landed_ones_with_their_rows(harness, server, settings, chain_db,
                                                                          supabase_cli, tmp_path, prefix, evidence):
    files = migration_files(settings.migrations_dir)
    landed = tmp_path / "landed"
    landed.mkdir()
    for path in files[:prefix]:
        shutil.copy2(path, landed / path.name)
    build.push(supabase_cli, chain_db, landed)

    with postgrest_session(server, chain_db) as api:
        with api.request("service_role", commit=True) as conn:  # the previous Edge Function's night
            batch = _that_night(conn)
            assert _previous_batch_check(conn, batch) == []
            assert len(cron.upsert(conn, batch)) == len(batch) > 20
        renewed = batch[0]
        with databases.connect(server, chain_db, autocommit=True) as admin:  # a renewal, after its notification
            admin.execute("update public.peer_mentor_certifications set expires_on = expires_on + 365 where id = %s",
                          (renewed.certification_id,))
            before = build.fingerprint(admin)

    upgrade = build.push(supabase_cli, chain_db, settings.migrations_dir)
    with databases.connect(server, chain_db, autocommit=True) as admin:
        after = build.fingerprint(admin)
        history = [h["name"] for h in build.migration_history(server, chain_db)]
    with postgrest_session(server, chain_db) as api:
        with api.request("service_role") as conn, pytest.raises(psycopg.errors.FeatureNotSupported) as refused:
            _previous_batch_check(conn, batch)
        with api.request("service_role") as conn:
            later = cron.not_yet_logged(conn, 10)
            stored_by_previous_upsert = cron.upsert(conn, later)
            renewal = cron.Notification(renewed.certification_id, renewed.notification_type, renewed.recipient_id,
                                        renewed.expires_on + timedelta(days=365))
            answered = cron.already_sent(conn, [*batch[1:], renewal])
    pgtap.ensure_extension(server, chain_db)
    structure = pgtap.run_file(server, chain_db, STRUCTURE_FILE)
    evidence.put(Measurements(title=f"Migrations {prefix + 1}-{len(files)} pushed onto {prefix} landed, with rows",
                              figures={"rows before": before.rows, "rows after": after.rows,
                                       "checksum": "unchanged" if before == after else "CHANGED",
                                       "previous batch check": f"refused, {refused.value.sqlstate}",
                                       "structure assertions passed": structure.passed}))
    assert upgrade.ok and len(history) == len(files), upgrade.output
    assert before == after and after.rows == len(batch)
    assert "expires_on" in (refused.value.diag.message_hint or "")
    assert len(stored_by_previous_upsert) == len(later) == 10
    assert answered == list(range(len(batch) - 1))  # the batch, each in its cycle; not the renewal's new cycle
    assert structure.complete and structure.failed == 0, [r.description for r in structure.results if not r.ok]
