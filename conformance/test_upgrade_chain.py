"""PLAT-4: what has landed is deployed, so each migration must apply on top of the ones before it, with rows.

For every prefix of the migrations: a database gets that prefix through `supabase db push`; the Edge Function of
that version writes rows (a renewed certification's previous cycle among them) and calls its batch check; then the
rest is pushed on top. The rows must survive exactly; the previous batch check (two arguments) must fail with the
documented error (0A000, naming expires_on) while the previous upsert keeps working; the new batch check must
know every row the previous version wrote; and the result must be the schema a fresh apply gives (so it meets the
contract wherever a fresh apply does: the structure test judges that one, and the rule's vectors how the batch
check answers for a renewal's new cycle, each under its own requirement).
"""

import difflib
import json
import shutil
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

import psycopg
import pytest

from certlog import standin
from certlog.cronjob import calls as cron
from certlog.database import connections as databases
from certlog.database import psql, queries
from certlog.model.evidence import Measurements
from certlog.paths import migration_files
from certlog.session import templates as build
from certlog.standin.postgrest import postgrest_session

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


def _chain(harness, server, settings, cli, scratch: Path, prefix: int, fresh_schema: str) -> tuple[dict, list[str]]:
    """One prefix: pushed, written to, the rest pushed on top; its figures and what went wrong."""
    files = migration_files(settings.migrations_dir)
    landed = scratch / f"landed_{prefix}"
    landed.mkdir()
    for path in files[:prefix]:
        shutil.copy2(path, landed / path.name)
    db = harness.workspace.create(f"chain_{prefix}", template=harness.base)
    try:
        standin.set_privilege_mode(server, db, "legacy")
        build.push(cli, db, landed)
        with postgrest_session(server, db) as api:
            with api.request("service_role", commit=True) as conn:  # the previous Edge Function's night
                batch = _that_night(conn)
                answered_before = _previous_batch_check(conn, batch)
                stored_before = cron.upsert(conn, batch)
            renewed = batch[0]
        with databases.connect(server, db, autocommit=True) as admin:  # a renewal, after its notification
            admin.execute("update public.peer_mentor_certifications set expires_on = expires_on + 365 where id = %s",
                          (renewed.certification_id,))
            before = build.fingerprint(admin)
        upgrade = build.push(cli, db, settings.migrations_dir)
        with databases.connect(server, db, autocommit=True) as admin:
            after = build.fingerprint(admin)
        history = build.migration_history(server, db)
        refused = None
        with postgrest_session(server, db) as api:
            try:
                with api.request("service_role") as conn:
                    _previous_batch_check(conn, batch)
            except psycopg.errors.FeatureNotSupported as exc:
                refused = exc
            with api.request("service_role") as conn:
                later = cron.not_yet_logged(conn, 10)
                stored_later = cron.upsert(conn, later)
                answered = cron.already_sent(conn, batch[1:])  # the renewed one is in a cycle of its own now
        schema = psql.schema_dump(server, db)
    finally:
        harness.workspace.discard(db)
    wrong = []
    if not (answered_before == [] and len(stored_before) == len(batch) > 20):
        wrong.append(f"the previous version's night: {len(stored_before)} of {len(batch)} stored")
    if not (upgrade.ok and len(history) == len(files)):
        wrong.append(f"the rest did not apply on top: {upgrade.output[-300:]}")
    if not (before == after and after.rows == len(batch)):
        wrong.append(f"rows changed by the upgrade: {before} -> {after}")
    if refused is None or "expires_on" not in (refused.diag.message_hint or ""):
        wrong.append("the previous batch check was not refused with 0A000 and a hint naming expires_on")
    if len(stored_later) != len(later) or len(later) != 10:
        wrong.append(f"the previous upsert stored {len(stored_later)} of {len(later)} new notifications")
    if answered != list(range(len(batch) - 1)):
        wrong.append("the batch check does not know the rows the previous version wrote")
    if schema != fresh_schema:
        changed = [line for line in difflib.unified_diff(fresh_schema.splitlines(), schema.splitlines(), lineterm="",
                                                         n=0) if line[:1] in "+-" and line[:3] not in ("+++", "---")]
        wrong.append(f"the upgraded schema is not a fresh apply's: {changed[:6]}")
    figures = {"landed": prefix, "pushed on top": len(files) - prefix, "rows before": before.rows,
               "rows after": after.rows, "checksum": "unchanged" if before == after else "CHANGED",
               "previous batch check": f"refused, {refused.sqlstate}" if refused else "ANSWERED",
               "schema": "a fresh apply's" if schema == fresh_schema else "DIFFERS from a fresh apply's"}
    return figures, wrong


@pytest.mark.requirement("PLAT-4")
def test_each_migration_applies_on_top_of_the_landed_ones_with_their_rows(harness, server, settings, supabase_cli,
                                                                          migrated, tmp_path, evidence):
    """Every prefix of the migrations (the landed ones), side by side: each on a database of its own."""
    prefixes = range(1, len(migration_files(settings.migrations_dir)))
    fresh_schema = psql.schema_dump(server, migrated["legacy"].name)
    with ThreadPoolExecutor(max_workers=len(prefixes) or 1) as pool:
        chains = list(pool.map(lambda k: _chain(harness, server, settings, supabase_cli, tmp_path, k, fresh_schema),
                               prefixes))
    for figures, _ in chains:
        evidence.put(Measurements(title=f"{figures['pushed on top']} migration(s) pushed onto {figures['landed']} "
                                        "landed, with rows", figures=figures))
    assert prefixes and {k: wrong for k, (_, wrong) in zip(prefixes, chains, strict=True) if wrong} == {}
