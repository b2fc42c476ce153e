"""The cron job's writes, as the Edge Function makes them through PostgREST (service_role)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from certlog.cronjob.keys import idempotency_key
from certlog.database import queries


@dataclass(frozen=True)
class Notification:
    certification_id: UUID
    notification_type: str
    recipient_id: UUID
    scheduled_on: date

    @property
    def key(self) -> str:
        return idempotency_key(self.certification_id, self.notification_type, self.scheduled_on)


def batch_params(batch: Sequence[Notification]) -> dict:
    return {"certification_ids": [n.certification_id for n in batch],
            "notification_types": [n.notification_type for n in batch],
            "recipient_ids": [n.recipient_id for n in batch],
            "scheduled_ons": [n.scheduled_on for n in batch]}


def batch_check_params(pairs: Sequence[tuple[UUID, str]]) -> dict:
    """The parameters of batch_check.sql: the pairs as two comma-separated strings."""
    return {"certification_ids": ",".join(str(c) for c, _ in pairs),
            "notification_types": ",".join(t for _, t in pairs)}


def already_sent(conn, pairs: Sequence[tuple[UUID, str]]) -> list[int]:
    """0-based indexes of the pairs already in the log, in one round trip."""
    return [position - 1 for (position,) in conn.execute(queries.text("batch_check"), batch_check_params(pairs))]


def insert_batch(conn, batch: Sequence[Notification]) -> list[str]:
    """One batch, ON CONFLICT (idempotency_key) DO NOTHING; returns the keys actually stored."""
    return [row[1] for row in conn.execute(queries.text("cron_batch_insert"), batch_params(batch)).fetchall()]


def due_notifications(conn, scheduled_on: date, limit: int) -> list[Notification]:
    """`limit` certifications with a notification due on `scheduled_on` (synthetic: any seeded certification)."""
    rows = conn.execute("select id, peer_mentor_id from public.peer_mentor_certifications order by id limit %s",
                        (limit,)).fetchall()
    return [Notification(cert, "expiry_warning_7d", mentor, scheduled_on) for cert, mentor in rows]
