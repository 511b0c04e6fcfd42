import datetime as dt

import pytest
from django.utils import timezone

from khedmat.cases import process as registry
from khedmat.cases.services import case_create, case_data_update, case_submit, case_transition
from khedmat.committees.models import Committee, CommitteeMember, Room
from khedmat.committees.services import session_schedule
from khedmat.committees.tests.process import PROCESS
from khedmat.testing import make_staff, make_user
from khedmat.workcalendar.selectors import calendar_for


@pytest.fixture
def committee_service(test_service):
    registry.register(PROCESS)  # a later version of the test process: new cases take it
    return test_service


@pytest.fixture
def secretary(tehran):
    return make_staff(province=tehran, roles=["committee_secretary"], first_name="سارا", last_name="دبیری")


@pytest.fixture
def committee(tehran, secretary):
    """The accreditation committee: a chair and three members vote; the secretary does not."""
    committee = Committee.objects.create(province=tehran, kind="accreditation_committee", name="کمیته اعتبارسنجی")
    CommitteeMember.objects.create(committee=committee, user=secretary, role="secretary", voting=False)
    for role, (first, last) in zip(["chair", "member", "member", "member"],
                                   [("مهدی", "رئیسی"), ("پروین", "عضوی"), ("کامران", "یکتا"), ("هدی", "نیک‌پی")],
                                   strict=True):
        user = make_staff(province=tehran, roles=["committee_member"], first_name=first, last_name=last)
        CommitteeMember.objects.create(committee=committee, user=user, role=role)
    return committee


@pytest.fixture
def room(tehran):
    return Room.objects.create(province=tehran, name="اتاق جلسات ۱")


def next_working_moment(province, *, days_ahead: int = 1, hour: int = 9) -> dt.datetime:
    """A Tehran time on the `days_ahead`-th working day from today."""
    day = calendar_for(province=province).add_working_days(timezone.localdate(), days_ahead)
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@pytest.fixture
def waiting_case(committee_service, applicant, expert, upload, django_capture_on_commit_callbacks):
    """Factory: a submitted case of the applicant (or another person) waiting for the committee."""
    def make(owner=None):
        owner = owner or make_user()
        case = case_create(service=committee_service, applicant=owner)
        case = case_data_update(case=case, data={"subject": "درخواست"}, title="درخواست مجوز", by=owner,
                                expected_version=case.version)
        upload(case, "id_card", owner)
        upload(case, "letter", owner)
        case.refresh_from_db()
        with django_capture_on_commit_callbacks(execute=True):
            case = case_submit(case=case, by=owner, expected_version=case.version)
        return case_transition(case=case, name="refer_to_committee", by=expert)
    return make


@pytest.fixture
def scheduled(committee, room, secretary, tehran):
    """Factory: a session of the committee on the next working day."""
    def make(days_ahead=1, hour=9, room_=room):
        start = next_working_moment(tehran, days_ahead=days_ahead, hour=hour)
        return session_schedule(committee=committee, starts_at=start, ends_at=start + dt.timedelta(hours=2),
                                room=room_, by=secretary)
    return make
