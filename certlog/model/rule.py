"""The notification rule, as the table contract states it: the Python twin of the Edge Function's
(supabase/functions/_shared/cert_notifications.ts) and of the database's (public.cert_notification_due,
public.cert_notification_counts_from), all three checked against certlog/data/notification_rule_vectors.csv.

A cycle is one expiry date of one certification; on a night the notification due is the most urgent one whose
day has come (a missed one is sent late, unless a more urgent one is due by then; `expired` until the catch-up
ends); each type at most once per cycle. The key's date is the notification's due day in its cycle.
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, time, timedelta

from certlog.model import DATA
from certlog.model.contract import NotificationType, load

SCHEDULE: tuple[NotificationType, ...] = load().notification_types
DAYS_BEFORE = {n.name: n.days_before for n in SCHEDULE}
URGENT_FIRST = tuple(sorted(DAYS_BEFORE, key=DAYS_BEFORE.get))  # expired, then 7d, 30d, 90d
CORRECTION_DAYS = load().rule.correction_days
EXPIRED_CATCH_UP_DAYS = load().rule.expired_catch_up_days
VECTORS_FILE = DATA / "notification_rule_vectors.csv"  # shared by SQL (generated pgTAP), Python and Deno


def due(expires_on: date, day: date) -> str | None:
    """The notification due on `day` for a certification expiring on `expires_on`: the most urgent one whose day has
    come, none once the catch-up after expiry is over (or before the first warning)."""
    if day > expires_on + timedelta(days=EXPIRED_CATCH_UP_DAYS):
        return None
    return next((t for t in URGENT_FIRST if day >= expires_on - timedelta(days=DAYS_BEFORE[t])), None)


def due_on(expires_on: date, notification_type: str) -> date:
    """The day a notification is due in its cycle: the date its idempotency key is made from."""
    return expires_on - timedelta(days=DAYS_BEFORE[notification_type])


def cycle_start(expires_on: date, notification_type: str) -> datetime:
    """From when a notification of this type counts as sent in the cycle that expires on `expires_on` (UTC)."""
    return datetime.combine(due_on(expires_on, notification_type) - timedelta(days=CORRECTION_DAYS), time(), UTC)


def sent_in_cycle(sent_at: datetime, notification_type: str, expires_on: date) -> bool:
    return sent_at >= cycle_start(expires_on, notification_type)


def vectors() -> list[dict[str, str]]:
    """The shared rule vectors: case, expires_on, scheduled_on, due, due_on, logged, already_sent, sends."""
    with VECTORS_FILE.open(newline="") as f:
        return list(csv.DictReader(f))


def logged(vector: dict[str, str]) -> list[tuple[str, datetime]]:
    """A vector's rows already in the log: (type, sent_at) for each `type@timestamp` of its `logged` column."""
    rows = []
    for item in filter(None, vector["logged"].split(";")):
        kind, _, at = item.partition("@")
        rows.append((kind, datetime.fromisoformat(at)))
    return rows
