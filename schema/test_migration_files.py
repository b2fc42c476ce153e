"""AC-7: the migration is committed under supabase/migrations/, named as the Supabase CLI expects."""

import re
import subprocess

import pytest

from certlog.paths import MIGRATIONS, ROOT, migration_files


@pytest.mark.requirement("AC-7")
def test_one_migration_named_with_a_utc_timestamp_creates_the_table(settings):
    files = [p for p in migration_files(settings.migrations_dir) if "cert_notification_log" in p.read_text()]
    assert [p.name for p in files] and all(
        re.fullmatch(r"\d{14}_create_cert_notification_log\.sql", p.name) for p in files), files


@pytest.mark.repository
@pytest.mark.requirement("AC-7")
def test_migration_is_tracked_by_git():
    tracked = subprocess.run(["git", "ls-files", str(MIGRATIONS.relative_to(ROOT))], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
    assert any(name.endswith("_create_cert_notification_log.sql") for name in tracked), tracked


@pytest.mark.requirement("AC-7")
def test_migration_leaves_transaction_control_to_the_runner(settings):
    """supabase db push wraps each file in its own transaction: a COMMIT inside would break atomicity."""
    for path in migration_files(settings.migrations_dir):
        statements = re.sub(r"--[^\n]*", "", path.read_text()).lower()
        assert not re.search(r"^\s*(begin|commit|rollback)\s*;", statements, re.MULTILINE), path.name
