"""AC-6: deleting a certification deletes its log rows, also when a coordinator deletes it through the API."""

import pytest

from certlog.postgrest import claims

COUNT = "select count(*) from public.cert_notification_log where certification_id = %s"


@pytest.mark.requirement("AC-6")
def test_deleting_a_certification_removes_its_log_rows(superuser, sample):
    assert superuser.execute(COUNT, (sample["certification_id"],)).fetchone()[0] == sample["cert_rows"] > 0
    superuser.execute("set local role postgres")
    superuser.execute("delete from public.peer_mentor_certifications where id = %s", (sample["certification_id"],))
    assert superuser.execute(COUNT, (sample["certification_id"],)).fetchone()[0] == 0


@pytest.mark.requirement("AC-6")
def test_a_coordinator_deleting_a_certification_through_the_api_cascades(postgrest, sample):
    coordinator = claims("authenticated", sub=sample["own_coordinator"])
    with postgrest.request("authenticated", coordinator) as conn:
        deleted = conn.execute("delete from public.peer_mentor_certifications where id = %s returning id",
                               (sample["certification_id"],)).fetchall()
        conn.execute("set local role service_role")  # a role that may count the log
        remaining = conn.execute(COUNT, (sample["certification_id"],)).fetchone()[0]
    assert (len(deleted), remaining) == (1, 0)


@pytest.mark.requirement("AC-6")
def test_a_coordinator_of_another_chapter_deletes_nothing(postgrest, sample):
    outsider = claims("authenticated", sub=sample["other_coordinator"])
    with postgrest.request("authenticated", outsider) as conn:
        deleted = conn.execute("delete from public.peer_mentor_certifications where id = %s returning id",
                               (sample["certification_id"],)).fetchall()
        conn.execute("set local role service_role")
        remaining = conn.execute(COUNT, (sample["certification_id"],)).fetchone()[0]
    assert (deleted, remaining) == ([], sample["cert_rows"])
