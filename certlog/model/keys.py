"""The Python twin of public.cert_notification_idempotency_key()."""

from __future__ import annotations

import csv
import hashlib
from datetime import UTC, date, datetime
from uuid import UUID

from certlog.model import DATA

VECTORS_FILE = DATA / "idempotency_key_vectors.csv"  # shared by SQL (generated pgTAP), Python and Deno


def vectors() -> list[dict[str, str]]:
    """The shared key vectors: certification_id, notification_type, scheduled_at, scheduled_on, idempotency_key."""
    with VECTORS_FILE.open(newline="") as f:
        return list(csv.DictReader(f))


def idempotency_key(certification_id: UUID | str, notification_type: str, scheduled_on: date) -> str:
    """Lowercase hex SHA-256 of '{certification_id}|{notification_type}|{YYYY-MM-DD}'.

    `scheduled_on` is the cron job's scheduled run date (UTC), never the send time,
    so a retry on the same day yields the same key.
    """
    return canonical_key(str(UUID(str(certification_id))), notification_type, scheduled_on.isoformat())


def canonical_key(certification_id: str, notification_type: str, scheduled_on: str) -> str:
    """The key from parts already in canonical form (a lowercase hyphenated uuid, a YYYY-MM-DD date)."""
    return hashlib.sha256(f"{certification_id}|{notification_type}|{scheduled_on}".encode()).hexdigest()


def scheduled_day(run_started_at: datetime) -> date:
    """The scheduled run date of a run that started at `run_started_at`: its calendar date in UTC."""
    if run_started_at.tzinfo is None:
        raise ValueError("a naive datetime has no UTC date; give the run's start with its time zone")
    return run_started_at.astimezone(UTC).date()
