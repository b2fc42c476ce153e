"""Where the project's files are."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MIGRATIONS = ROOT / "supabase" / "migrations"
PGTAP_TESTS = ROOT / "supabase" / "tests"
STANDIN = Path(__file__).resolve().parent / "standin"
SQL = Path(__file__).resolve().parent / "sql"
DATA = Path(__file__).resolve().parent / "data"


def migration_files(directory: Path = MIGRATIONS) -> list[Path]:
    files = sorted(directory.glob("*.sql"))
    if not files:
        raise FileNotFoundError(f"no migration found in {directory}")
    return files
