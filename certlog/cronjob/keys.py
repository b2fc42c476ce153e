"""The Python twin of public.cert_notification_idempotency_key()."""

from __future__ import annotations

import hashlib
from datetime import date
from uuid import UUID

from certlog.cronjob.schedule import NOTIFICATION_TYPES  # noqa: F401 - re-exported


def idempotency_key(certification_id: UUID | str, notification_type: str, scheduled_on: date) -> str:
    """Lowercase hex SHA-256 of '{certification_id}|{notification_type}|{YYYY-MM-DD}'.

    `scheduled_on` is the cron job's scheduled run date (UTC), never the send time,
    so a retry on the same day yields the same key.
    """
    payload = f"{UUID(str(certification_id))}|{notification_type}|{scheduled_on.isoformat()}"
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()
