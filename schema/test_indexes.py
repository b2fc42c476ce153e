"""AC-2, PERF-2, PLAT-2: the composite index (in the catalog and in real psql \\d+ output) and the others."""

import re

import pytest

from certlog.database import psql, queries

COMPOSITE = ["certification_id", "notification_type"]


def _indexes(conn):
    return queries.rows(conn, "indexes")


@pytest.mark.requirement("AC-2", "PERF-2")
def test_composite_index_on_certification_id_then_notification_type(superuser):
    composite = [i for i in _indexes(superuser) if i["columns"] == COMPOSITE]
    assert len(composite) == 1, _indexes(superuser)
    index = composite[0]
    assert (index["method"], index["is_partial"], index["is_valid"]) == ("btree", False, True)


@pytest.mark.requirement("AC-2")
def test_composite_index_is_shown_by_psql_describe(server, db, evidence):
    output = psql.describe(server, db)
    evidence.record("describe_table", output)
    section = re.search(r"^Indexes:\n((?:    .*\n)+)", output, re.MULTILINE)
    lines = [line.strip() for line in section.group(1).splitlines()] if section else []
    assert any(re.fullmatch(r'"[^"]+" btree \(certification_id, notification_type\)', line) for line in lines), output


@pytest.mark.requirement("AC-3")
def test_idempotency_key_is_backed_by_a_unique_btree_index(superuser):
    assert any(i["columns"] == ["idempotency_key"] and i["is_unique"] and not i["is_partial"]
               for i in _indexes(superuser))


@pytest.mark.requirement("PLAT-2")
def test_recipient_id_foreign_key_is_indexed(superuser):
    assert any(i["columns"][:1] == ["recipient_id"] for i in _indexes(superuser))


@pytest.mark.requirement("PLAT-2")
def test_no_two_indexes_share_the_same_columns(superuser):
    keys = [(tuple(i["columns"]), i["is_partial"]) for i in _indexes(superuser)]
    assert len(keys) == len(set(keys)), keys
