"""IMPL-1, SEC-3: the Python twin agrees with the shared vectors; keys carry no PII.

The database's key function is checked against the same vectors by the generated pgTAP test
(supabase/tests/cert_notification_log_key_vectors.sql), the Edge Function's by `deno test`.
"""

from datetime import date, datetime

import psycopg
import pytest

from certlog.database import queries
from certlog.model.keys import idempotency_key, scheduled_day, vectors

VECTORS = vectors()


def _sql_key(conn, vector):
    return queries.one(conn, "idempotency_key", {
        "certification_id": vector["certification_id"], "notification_type": vector["notification_type"],
        "scheduled_on": date.fromisoformat(vector["scheduled_on"])})["key"]


@pytest.mark.requirement("IMPL-1", "SEC-3")
@pytest.mark.parametrize("vector", VECTORS, ids=lambda v: f"{v['notification_type']}-{v['scheduled_at']}")
def test_python_twin_matches_the_vector(vector):
    day = scheduled_day(datetime.fromisoformat(vector["scheduled_at"]))
    assert day == date.fromisoformat(vector["scheduled_on"])
    assert idempotency_key(vector["certification_id"], vector["notification_type"], day) == vector["idempotency_key"]


@pytest.mark.requirement("IMPL-1")
def test_sql_function_ignores_the_sessions_date_style(superuser):
    superuser.execute("set local datestyle = 'SQL, DMY'")
    assert _sql_key(superuser, VECTORS[0]) == VECTORS[0]["idempotency_key"]


@pytest.mark.requirement("SEC-3")
@pytest.mark.parametrize("key", [
    "jane.doe@example.org:expired:2026-11-25",
    "3f0c2b1e-6a4d-4c8e-9b7a-2d5e8f1a0c93:expired:2026-11-25",
    "E55278ADC9EB953C1166D4A0E3EF35C13F766DD2FA4470645CFAEDA6F58D5C3E",
    "e55278adc9eb953c1166d4a0e3ef35c13f766dd2fa4470645cfaeda6f58d5c3",
    "e55278adc9eb953c1166d4a0e3ef35c13f766dd2fa4470645cfaeda6f58d5c3e0",
    " e55278adc9eb953c1166d4a0e3ef35c13f766dd2fa4470645cfaeda6f58d5c3",
], ids=["email", "plain-text", "upper-case", "too-short", "too-long", "padded"])
def test_a_key_that_is_not_64_lowercase_hex_is_rejected(superuser, sample, key):
    with pytest.raises(psycopg.errors.CheckViolation) as caught:
        queries.insert_row(superuser, sample["certification_id"], "expired", sample["recipient_id"], key)
    assert caught.value.diag.constraint_name == "cert_notification_log_idempotency_key_format_check"
