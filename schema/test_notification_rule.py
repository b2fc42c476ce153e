"""RULE-1, RULE-2: the rule's Python twin answers every shared rule vector as the vector says; the Edge Function's
code (deno test) and the database (the generated pgTAP test) answer the same vectors."""

from datetime import date

import pytest

from certlog.model import rule
from certlog.model.keys import idempotency_key

VECTORS = rule.vectors()


def _id(vector) -> str:
    return vector["case"]


@pytest.mark.requirement("RULE-1")
@pytest.mark.parametrize("vector", VECTORS, ids=_id)
def test_the_notification_due_its_due_day_and_its_key(vector):
    expires_on, day = date.fromisoformat(vector["expires_on"]), date.fromisoformat(vector["scheduled_on"])
    due = rule.due(expires_on, day)
    assert (due or "") == vector["due"]
    if due:
        due_on = rule.due_on(expires_on, due)
        assert due_on.isoformat() == vector["due_on"]
        assert idempotency_key(vector["certification_id"], due, due_on) == vector["key"]


@pytest.mark.requirement("RULE-2")
@pytest.mark.parametrize("vector", [v for v in VECTORS if v["due"]], ids=_id)
def test_whether_it_was_already_sent_in_its_cycle(vector):
    expires_on = date.fromisoformat(vector["expires_on"])
    sent = any(kind == vector["due"] and rule.sent_in_cycle(at, kind, expires_on) for kind, at in rule.logged(vector))
    assert str(sent).lower() == vector["already_sent"]
    assert vector["sends"] == ("" if sent else vector["due"])


@pytest.mark.requirement("RULE-1")
def test_the_vectors_cover_what_the_rule_must_handle():
    """Renewals (on a due day, after expiry), a late certification, corrections, leap days, the end of a year."""
    cases = " | ".join(v["case"] for v in VECTORS)
    for needed in ("renewed on a due day", "renewed after expiry", "created 5 days before", "corrected 3 days",
                   "leap day", "last day of a year"):
        assert needed in cases, needed
