"""AC-4: the idempotency_key format is documented in the database and in the README."""

import pytest

from certlog.database import queries
from certlog.paths import ROOT

FORMAT = "{certification_id}|{notification_type}|{YYYY-MM-DD}"


@pytest.mark.requirement("AC-4")
def test_idempotency_key_column_comment_states_the_format(superuser):
    comment = queries.one(superuser, "column_comment", {"column": "idempotency_key"})["col_description"] or ""
    assert FORMAT in comment and "SHA-256" in comment and "scheduled run date" in comment, comment


@pytest.mark.requirement("AC-4")
def test_readme_states_the_format_and_the_insert_to_send():
    readme = (ROOT / "README.md").read_text()
    assert FORMAT in readme
    assert "on conflict (idempotency_key) do nothing" in readme.lower()
