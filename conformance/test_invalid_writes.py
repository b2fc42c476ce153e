"""AC-1, TEST-3: invalid values are refused by the database with their SQLSTATE.

Every row names its sent_at but the one that proves the defaults: a test of a CHECK or a reference does not depend
on sent_at's default."""

import uuid
from datetime import UTC, datetime

import psycopg
import pytest

COLUMNS = ("certification_id", "notification_type", "recipient_id", "idempotency_key", "sent_at")
VALID_KEY = "0" * 64
SENT_AT = datetime(2026, 11, 25, 2, 0, tzinfo=UTC)


def _insert(conn, row):
    names = ", ".join(row)
    marks = ", ".join(["%s"] * len(row))
    conn.execute(f"insert into public.cert_notification_log ({names}) values ({marks})", list(row.values()))


def _row(sample, **overrides):
    row = {"certification_id": sample["certification_id"], "notification_type": "expired",
           "recipient_id": sample["recipient_id"], "idempotency_key": VALID_KEY, "sent_at": SENT_AT}
    row.update(overrides)
    return row


@pytest.mark.requirement("AC-1")
def test_a_valid_row_is_accepted_with_defaults_filled(superuser, sample):
    row = _row(sample)
    del row["sent_at"]
    _insert(superuser, row)
    row_id, sent_at, now = superuser.execute(
        "select id, sent_at, now() from public.cert_notification_log where idempotency_key = %s",
        (VALID_KEY,)).fetchone()
    assert isinstance(row_id, uuid.UUID) and sent_at == now


@pytest.mark.requirement("AC-1", "TEST-3")
@pytest.mark.parametrize("value", ["expiry_warning_60d", "EXPIRED", " expired", "expired ", ""])
def test_an_invalid_notification_type_raises_check_violation(superuser, sample, value):
    with pytest.raises(psycopg.errors.CheckViolation) as caught:
        _insert(superuser, _row(sample, notification_type=value))
    assert caught.value.sqlstate == "23514"


@pytest.mark.requirement("AC-1")
@pytest.mark.parametrize("value", ["expiry_warning_90d", "expiry_warning_30d", "expiry_warning_7d", "expired"])
def test_each_of_the_four_notification_types_is_accepted(superuser, sample, value):
    """On a certification of its own, with no notification yet (one already sent in its cycle would be a duplicate)."""
    certification = superuser.execute(
        "insert into public.peer_mentor_certifications (peer_mentor_id, chapter_id, certification_type, issued_on, "
        "expires_on) select peer_mentor_id, chapter_id, certification_type, issued_on, expires_on "
        "from public.peer_mentor_certifications where id = %s returning id",
        (sample["certification_id"],)).fetchone()[0]
    _insert(superuser, _row(sample, certification_id=certification, notification_type=value))


@pytest.mark.requirement("AC-1")
@pytest.mark.parametrize("column", COLUMNS)
def test_null_in_a_not_null_column_raises_not_null_violation(superuser, sample, column):
    with pytest.raises(psycopg.errors.NotNullViolation) as caught:
        _insert(superuser, _row(sample, **{column: None}))
    assert caught.value.diag.column_name == column


@pytest.mark.requirement("AC-1")
@pytest.mark.parametrize("column", ["certification_id", "recipient_id"])
def test_an_unknown_reference_raises_foreign_key_violation(superuser, sample, column):
    with pytest.raises(psycopg.errors.ForeignKeyViolation):
        _insert(superuser, _row(sample, **{column: uuid.uuid4()}))
