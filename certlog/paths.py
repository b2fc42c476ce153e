"""Where the project's files are."""

from __future__ import annotations

import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# CERTLOG_MIGRATIONS_DIR points the suite at other migrations (the mutation tests use it).
MIGRATIONS = Path(os.environ.get("CERTLOG_MIGRATIONS_DIR") or ROOT / "supabase" / "migrations")
PGTAP_TESTS = ROOT / "supabase" / "tests"
STANDIN = Path(__file__).resolve().parent / "standin"
SQL = Path(__file__).resolve().parent / "sql"
DATA = Path(__file__).resolve().parent / "data"


def cert_notification_log_migration(directory: Path = MIGRATIONS) -> Path:
    found = [p for p in migration_files(directory) if p.name.endswith("_create_cert_notification_log.sql")]
    if len(found) != 1:
        raise FileNotFoundError(f"expected one *_create_cert_notification_log.sql in {directory}, found {found}")
    return found[0]


def migration_files(directory: Path = MIGRATIONS) -> list[Path]:
    files = sorted(directory.glob("*.sql"))
    if not files:
        raise FileNotFoundError(f"no migration found in {directory}")
    return files
