"""AC-1: the table and its six columns, with their types, NOT NULLs and defaults."""

import pytest

from certlog.database import queries

EXPECTED_COLUMNS = {
    # name: (type, not null, default)
    "id": ("uuid", True, "gen_random_uuid()"),
    "certification_id": ("uuid", True, None),
    "notification_type": ("text", True, None),
    "sent_at": ("timestamp with time zone", True, "now()"),
    "recipient_id": ("uuid", True, None),
    "idempotency_key": ("text", True, None),
}


@pytest.mark.requirement("AC-1")
def test_table_has_exactly_the_six_columns_in_order(superuser):
    names = [c["name"] for c in queries.rows(superuser, "columns")]
    assert names == list(EXPECTED_COLUMNS)


@pytest.mark.requirement("AC-1")
@pytest.mark.parametrize("column", list(EXPECTED_COLUMNS))
def test_column_type_not_null_and_default(superuser, column):
    found = {c["name"]: c for c in queries.rows(superuser, "columns")}[column]
    expected_type, expected_not_null, expected_default = EXPECTED_COLUMNS[column]
    assert (found["type"], found["not_null"], found["default_expr"]) == (
        expected_type, expected_not_null, expected_default)


@pytest.mark.requirement("AC-1")
def test_id_is_the_primary_key(superuser):
    constraints = {c["name"]: c for c in queries.rows(superuser, "constraints")}
    primary = [c for c in constraints.values() if c["kind"] == "p"]
    assert [c["definition"] for c in primary] == ["PRIMARY KEY (id)"]
