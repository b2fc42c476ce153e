"""The cron job's two database calls, in the form the Edge Function really makes them.

The Edge Function holds the service-role key, so it reaches the database only through
PostgREST: the harness sends the SQL PostgREST generates for those calls (certlog/database/sql/
postgrest_*.sql), with the role switched and the claims set as PostgREST sets them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from uuid import UUID

from certlog.database import queries
from certlog.model.keys import idempotency_key
from certlog.model.schedule import DAYS_BEFORE


@dataclass(frozen=True)
class Notification:
    certification_id: UUID
    notification_type: str
    recipient_id: UUID
    scheduled_on: date

    @property
    def key(self) -> str:
        return idempotency_key(self.certification_id, self.notification_type, self.scheduled_on)

    def row(self) -> dict:
        """The row the Edge Function sends (supabase/functions/_shared/cert_notifications.ts)."""
        return {"certification_id": str(self.certification_id), "notification_type": self.notification_type,
                "recipient_id": str(self.recipient_id), "idempotency_key": self.key}


def upsert_body(batch: Sequence[Notification]) -> str:
    """The JSON body of the upsert: rows sorted by key, as the Edge Function sends them."""
    return json.dumps(sorted((n.row() for n in batch), key=lambda row: row["idempotency_key"]))


def upsert(conn, batch: Sequence[Notification]) -> list[str]:
    """One upsert with ignoreDuplicates; returns the keys actually stored (send those now)."""
    return upsert_json(conn, upsert_body(batch))


def upsert_json(conn, body: str) -> list[str]:
    """The upsert of a JSON body as the Edge Function sends it; the keys stored."""
    stored = conn.execute(queries.text("postgrest_upsert"), {"body": body}).fetchone()[0]
    return [row["idempotency_key"] for row in stored]


def already_sent_body(pairs: Sequence[tuple[UUID, str]]) -> str:
    return json.dumps({"certification_ids": [str(c) for c, _ in pairs],
                       "notification_types": [t for _, t in pairs]})


def already_sent(conn, pairs: Sequence[tuple[UUID, str]]) -> list[int]:
    """0-based indexes of the pairs already in the log: one RPC for the whole batch."""
    body = conn.execute(queries.text("postgrest_rpc_already_sent"), {"body": already_sent_body(pairs)}).fetchone()[0]
    return [position - 1 for position in body]


def seeded(conn, limit: int) -> list[dict]:
    """Seeded notifications in a stable pseudo-random order, each with the day its key was made for."""
    return queries.rows(conn, "seeded_notifications", {"limit": limit, "types": list(DAYS_BEFORE),
                                                       "days_before": list(DAYS_BEFORE.values())})


def due_notifications(conn, scheduled_on: date, limit: int) -> list[Notification]:
    """`limit` certifications with a notification due on `scheduled_on` (synthetic: any seeded certification)."""
    rows = conn.execute("select id, peer_mentor_id from public.peer_mentor_certifications order by id limit %s",
                        (limit,)).fetchall()
    return [Notification(cert, "expiry_warning_7d", mentor, scheduled_on) for cert, mentor in rows]
