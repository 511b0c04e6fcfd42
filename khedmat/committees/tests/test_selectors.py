"""The committee secretary reads the cases of her committee's agendas and waiting list, and no other."""
import pytest
from django.http import Http404

from khedmat.cases.access import case_get_for_user, may_read_case, staff_roles_for_case
from khedmat.cases.services import case_create, case_data_update, case_submit
from khedmat.testing import make_staff

pytestmark = pytest.mark.django_db


def test_the_secretary_reads_only_her_committees_waiting_list(committee, secretary, waiting_case, committee_service,
                                                                tehran, expert, applicant, upload,
                                                                django_capture_on_commit_callbacks):
    waiting = waiting_case()
    assert staff_roles_for_case(waiting, secretary) == {"committee_secretary"}
    assert case_get_for_user(user=secretary, public_id=waiting.public_id) == waiting

    # A case still under review (the process names her role elsewhere too) is not hers.
    case = case_create(service=committee_service, applicant=applicant)
    case = case_data_update(case=case, data={"subject": "درخواست"}, title="درخواست", by=applicant,
                            expected_version=case.version)
    upload(case, "id_card", applicant)
    upload(case, "letter", applicant)
    case.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        case = case_submit(case=case, by=applicant, expected_version=case.version)
    assert staff_roles_for_case(case, secretary) == set()
    assert not may_read_case(case, secretary)
    with pytest.raises(Http404):
        case_get_for_user(user=secretary, public_id=case.public_id, readers=True)

    # A secretary of no committee reads neither.
    stranger = make_staff(province=tehran, roles=["committee_secretary"])
    assert not may_read_case(waiting, stranger) and not may_read_case(case, stranger)
