"""The cron job's two database calls, in the form the Edge Function really makes them.

The Edge Function holds the service-role key, so it reaches the database only through
PostgREST: the harness sends the SQL PostgREST generates for those calls (certlog/database/sql/
postgrest_*.sql), with the role switched and the claims set as PostgREST sets them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from uuid import UUID

from certlog.database import queries
from certlog.model import rule
from certlog.model.keys import idempotency_key


@dataclass(frozen=True)
class Notification:
    certification_id: UUID
    notification_type: str
    recipient_id: UUID
    expires_on: date  # the certification's expiry date when the job read it: the notification's cycle

    @property
    def due_on(self) -> date:
        return rule.due_on(self.expires_on, self.notification_type)

    @property
    def key(self) -> str:
        """The key of its due day: every run that sends it, on time or late, makes the same one."""
        return idempotency_key(self.certification_id, self.notification_type, self.due_on)

    def row(self) -> dict:
        """The row the Edge Function sends (supabase/functions/_shared/cert_notifications.ts)."""
        return {"certification_id": str(self.certification_id), "notification_type": self.notification_type,
                "recipient_id": str(self.recipient_id), "idempotency_key": self.key}

    @classmethod
    def of(cls, row: dict) -> Notification:
        return cls(row["certification_id"], row["notification_type"], row["recipient_id"], row["expires_on"])


def upsert_body(batch: Sequence[Notification], *, sent_at: datetime | None = None) -> str:
    """The JSON body of the upsert: rows sorted by key, as the Edge Function sends them (with `sent_at`, the
    simulation's own clock, in each row)."""
    rows = sorted((n.row() for n in batch), key=lambda row: row["idempotency_key"])
    if sent_at is not None:
        rows = [{**row, "sent_at": sent_at.isoformat()} for row in rows]
    return json.dumps(rows)


def upsert(conn, batch: Sequence[Notification], *, sent_at: datetime | None = None) -> list[str]:
    """One upsert with ignoreDuplicates; returns the keys actually stored (send those now)."""
    return upsert_json(conn, upsert_body(batch, sent_at=sent_at), sent_at=sent_at is not None)


def upsert_json(conn, body: str, *, sent_at: bool = False) -> list[str]:
    """The upsert of a JSON body as the Edge Function sends it (with a sent_at column if the rows carry one)."""
    statement = queries.text("postgrest_upsert_sent_at" if sent_at else "postgrest_upsert")
    stored = conn.execute(statement, {"body": body}).fetchone()[0]
    return [row["idempotency_key"] for row in stored]


def already_sent_body(batch: Sequence[Notification]) -> str:
    return json.dumps({"certification_ids": [str(n.certification_id) for n in batch],
                       "notification_types": [n.notification_type for n in batch],
                       "expires_on": [n.expires_on.isoformat() for n in batch]})


def already_sent(conn, batch: Sequence[Notification]) -> list[int]:
    """0-based indexes of the notifications already sent in their cycle: one RPC for the whole batch."""
    body = conn.execute(queries.text("postgrest_rpc_already_sent"), {"body": already_sent_body(batch)}).fetchone()[0]
    return [position - 1 for position in body]


def unsent(conn, batch: Sequence[Notification]) -> list[Notification]:
    """The notifications of `batch` not yet sent in their cycle (the batch check), in order."""
    sent = set(already_sent(conn, batch))
    return [n for i, n in enumerate(batch) if i not in sent]


def seeded(conn, limit: int) -> list[Notification]:
    """Seeded notifications in a stable pseudo-random order (each has its row, under its key)."""
    return [Notification.of(row) for row in queries.rows(conn, "seeded_notifications", {"limit": limit})]


def due(conn, day: date) -> list[Notification]:
    """The notifications the rule gives on `day`, whether sent already or not: the job reads the certifications
    within the rule's reach and applies the rule to each (the Edge Function its TypeScript, here the Python twin)."""
    rows = queries.rows(conn, "certifications_in_reach", {"day": day, "after": rule.EXPIRED_CATCH_UP_DAYS,
                                                          "before": max(rule.DAYS_BEFORE.values())})
    return [Notification(r["certification_id"], kind, r["recipient_id"], r["expires_on"]) for r in rows
            if (kind := rule.due(r["expires_on"], day))]


def not_yet_logged(conn, limit: int) -> list[Notification]:
    """Notifications whose type their certification has no row of yet (new in any cycle), in a stable
    pseudo-random order."""
    return [Notification.of(row) for row in queries.rows(conn, "unsent_notifications",
                                                         {"limit": limit, "types": list(rule.DAYS_BEFORE)})]
