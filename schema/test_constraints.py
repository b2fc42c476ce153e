"""AC-1, AC-3, SEC-3: the CHECK on notification_type, the UNIQUE key and its enforced shape."""

import re

import pytest

from certlog.cronjob.keys import NOTIFICATION_TYPES
from certlog.database import queries


def _constraints(conn):
    return queries.rows(conn, "constraints")


@pytest.mark.requirement("AC-1")
def test_notification_type_check_allows_exactly_the_four_types(superuser):
    checks = [c["definition"] for c in _constraints(superuser)
              if c["kind"] == "c" and "notification_type" in c["definition"]]
    assert len(checks) == 1, checks
    assert sorted(re.findall(r"'([^']*)'::text", checks[0])) == sorted(NOTIFICATION_TYPES), checks[0]


@pytest.mark.requirement("AC-1", "AC-3")
def test_idempotency_key_has_a_unique_constraint_of_its_own(superuser):
    unique = [c["definition"] for c in _constraints(superuser) if c["kind"] == "u"]
    assert "UNIQUE (idempotency_key)" in unique


@pytest.mark.requirement("SEC-3")
def test_idempotency_key_shape_is_enforced_as_64_lowercase_hex(superuser):
    checks = [c["definition"] for c in _constraints(superuser)
              if c["kind"] == "c" and "idempotency_key" in c["definition"]]
    assert checks == ["CHECK ((idempotency_key ~ '^[0-9a-f]{64}$'::text))"]
