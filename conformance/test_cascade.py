"""AC-6: deleting a certification deletes its log rows, also when a coordinator deletes it through the API."""

import pytest

from certlog.standin.postgrest import claims

COUNT = "select count(*) from public.cert_notification_log where certification_id = %s"


@pytest.mark.requirement("AC-6")
def test_deleting_a_certification_removes_its_log_rows(superuser, sample):
    assert superuser.execute(COUNT, (sample["certification_id"],)).fetchone()[0] == sample["cert_rows"] > 0
    superuser.execute("set local role postgres")
    superuser.execute("delete from public.peer_mentor_certifications where id = %s", (sample["certification_id"],))
    assert superuser.execute(COUNT, (sample["certification_id"],)).fetchone()[0] == 0


def _delete_through_the_api(postgrest, coordinator, certification_id):
    """A coordinator deletes a certification through the API; returns (rows deleted, log rows left)."""
    with postgrest.request("authenticated", claims("authenticated", sub=coordinator)) as conn:
        deleted = conn.execute("delete from public.peer_mentor_certifications where id = %s returning id",
                               (certification_id,)).fetchall()
        conn.execute("set local role service_role")  # a role that may count the log
        remaining = conn.execute(COUNT, (certification_id,)).fetchone()[0]
    return len(deleted), remaining


@pytest.mark.requirement("AC-6")
def test_a_coordinator_deleting_a_certification_through_the_api_cascades(postgrest, sample):
    assert _delete_through_the_api(postgrest, sample["own_coordinator"], sample["certification_id"]) == (1, 0)


@pytest.mark.requirement("AC-6")
def test_a_coordinator_of_another_chapter_deletes_nothing(postgrest, sample):
    assert _delete_through_the_api(postgrest, sample["other_coordinator"], sample["certification_id"]) == (
        0, sample["cert_rows"])
