"""When each notification is due: the cron job's schedule, as the table contract states it."""

from __future__ import annotations

from certlog.model.contract import NotificationType, load

SCHEDULE: tuple[NotificationType, ...] = load().notification_types
DAYS_BEFORE = {n.name: n.days_before for n in SCHEDULE}
