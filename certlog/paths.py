"""Where the project's files are (fixed locations only; settings live in certlog.settings)."""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
ROOT = PACKAGE.parent
MIGRATIONS = ROOT / "supabase" / "migrations"
PGTAP_TESTS = ROOT / "supabase" / "tests"
STANDIN = PACKAGE / "standin" / "sql"
SQL = PACKAGE / "database" / "sql"


def write_atomically(path: Path, data: bytes) -> Path:
    """Readers see the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    staged = path.with_name(f".{path.name}.tmp")
    staged.write_bytes(data)
    staged.replace(path)
    return path


def migration_files(directory: Path) -> list[Path]:
    return sorted(directory.glob("*.sql"))


TABLE_MIGRATION = "*_create_cert_notification_log.sql"  # the migration that creates the table (a glob)


def cert_notification_log_migration(directory: Path) -> Path:
    found = sorted(directory.glob(TABLE_MIGRATION))
    if len(found) != 1:
        raise FileNotFoundError(f"expected one {TABLE_MIGRATION} in {directory}, found {found}")
    return found[0]
