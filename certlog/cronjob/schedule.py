"""When each notification is due: the cron job's schedule (read from the table contract)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Notification:
    type: str
    days_before: int  # days before the certification's expiry date


SCHEDULE = (Notification("expiry_warning_90d", 90), Notification("expiry_warning_30d", 30),
            Notification("expiry_warning_7d", 7), Notification("expired", 0))
NOTIFICATION_TYPES = tuple(n.type for n in SCHEDULE)
