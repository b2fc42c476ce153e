"""AC-7 (PLAT-1: as postgres): applied twice as postgres, the schema dump is identical, no row is lost and the
scheduled jobs are those of one apply."""

import difflib

import pytest

from certlog.settings import PRIVILEGE_MODES


@pytest.mark.requirement("AC-7")
@pytest.mark.parametrize("mode", PRIVILEGE_MODES)
def test_second_apply_leaves_the_schema_dump_identical(templates, mode):
    proof = templates[mode].idempotency
    assert not proof.second_apply_error, proof.second_apply_error
    diff = "".join(difflib.unified_diff(proof.first_dump.splitlines(True), proof.second_dump.splitlines(True),
                                        "after first apply", "after second apply"))
    assert proof.schema_identical, diff


@pytest.mark.requirement("AC-7")
@pytest.mark.parametrize("mode", PRIVILEGE_MODES)
def test_second_apply_keeps_every_row_unchanged(templates, mode):
    proof = templates[mode].idempotency
    assert proof.before_second_apply.rows == templates[mode].seed.log_rows
    assert proof.after_second_apply == proof.before_second_apply


@pytest.mark.needs("pg_cron")
@pytest.mark.requirement("AC-7")
@pytest.mark.parametrize("mode", PRIVILEGE_MODES)
def test_second_apply_schedules_no_job_again(templates, mode):
    """pg_cron's jobs are rows, not schema: a second apply must leave them as the first left them (a job
    scheduled without a name is added again by every apply)."""
    proof = templates[mode].idempotency
    assert proof.jobs_before, "the first apply scheduled no pg_cron job"
    assert proof.jobs_after == proof.jobs_before, (
        f"jobs after the first apply: {list(proof.jobs_before)}; after the second: {list(proof.jobs_after)}")


@pytest.mark.requirement("PLAT-1")
def test_migration_ran_as_a_role_without_superuser_rights(catalog):
    owner, is_super = catalog.execute(
        "select c.relowner::regrole::text, r.rolsuper from pg_class c join pg_roles r on r.oid = c.relowner "
        "where c.oid = 'public.cert_notification_log'::regclass").fetchone()
    assert (owner, is_super) == ("postgres", False)
