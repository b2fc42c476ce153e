"""Run the queries kept as .sql files in certlog/database/sql/ (each read once: some run in timed loops)."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache

from psycopg.rows import dict_row

from certlog.paths import SQL


@cache
def text(name: str) -> str:
    return (SQL / f"{name}.sql").read_text()


def rows(conn, name: str, params=None) -> list[dict]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(text(name), params).fetchall()


def one(conn, name: str, params=None) -> dict:
    found = rows(conn, name, params)
    if len(found) != 1:
        raise LookupError(f"{name}.sql returned {len(found)} rows, expected exactly one")
    return found[0]


SENT_AT = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)  # a night's run, for rows written directly


def insert_row(conn, certification_id, notification_type, recipient_id, idempotency_key, sent_at=SENT_AT) -> None:
    """One row with every column named (insert_row.sql)."""
    conn.execute(text("insert_row"), {"certification_id": certification_id, "notification_type": notification_type,
                                       "recipient_id": recipient_id, "idempotency_key": idempotency_key,
                                       "sent_at": sent_at})
