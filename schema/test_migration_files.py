"""AC-7: the migration is committed under supabase/migrations/, named as the Supabase CLI expects."""

import re
import subprocess

import pytest

from certlog.paths import MIGRATIONS, ROOT, migration_files


@pytest.mark.requirement("AC-7")
def test_every_migration_is_named_as_the_supabase_cli_expects(settings):
    """<UTC timestamp YYYYMMDDHHMMSS>_<name>.sql; exactly one of them creates the table."""
    files = migration_files(settings.migrations_dir)
    assert [p.name for p in files if not re.fullmatch(r"\d{14}_[a-z0-9_]+\.sql", p.name)] == []
    creating = [p.name for p in files if "create table if not exists public.cert_notification_log" in p.read_text()]
    assert len(creating) == 1 and creating[0].endswith("_create_cert_notification_log.sql"), creating


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
