"""AC-1, AC-6: both foreign keys, and the cascade on certification deletes."""

import pytest

from certlog.database import queries


def _fks(conn):
    return {fk["column_name"]: fk for fk in queries.rows(conn, "foreign_keys")}


@pytest.mark.requirement("AC-1", "AC-6")
def test_certification_id_references_peer_mentor_certifications_on_delete_cascade(superuser):
    fk = _fks(superuser)["certification_id"]
    assert (fk["references_table"], fk["references_column"], fk["on_delete"]) == (
        "peer_mentor_certifications", "id", "c")


@pytest.mark.requirement("AC-1")
def test_recipient_id_references_users(superuser):
    fk = _fks(superuser)["recipient_id"]
    assert (fk["references_table"], fk["references_column"]) == ("users", "id")


@pytest.mark.requirement("AC-1")
def test_there_are_exactly_two_foreign_keys(superuser):
    assert sorted(_fks(superuser)) == ["certification_id", "recipient_id"]
