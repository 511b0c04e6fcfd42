import dataclasses
import datetime as dt

import pytest
from django.utils import timezone

from khedmat.cases import process as registry
from khedmat.cases.models import CaseEvent, EventType
from khedmat.cases.services import case_create, case_data_update, case_submit, case_transition
from khedmat.committees import services
from khedmat.committees.models import Decision, Session, SessionState
from khedmat.committees.tests.conftest import next_working_moment
from khedmat.committees.tests.process import PROCESS
from khedmat.committees.tests.test_services import arrive, voters
from khedmat.core import jalali
from khedmat.core.text import to_persian_digits
from khedmat.testing import login, make_staff
from khedmat.testing_fixtures.appointments import FIELD_VISIT, propose

pytestmark = pytest.mark.django_db


def test_only_members_reach_the_sessions_pages(client, scheduled, committee, expert):
    session = scheduled()
    login(client, expert)
    assert client.get("/committees/").status_code == 404
    assert client.get(f"/committees/sessions/{session.public_id}/").status_code == 404
    assert client.get(f"/committees/sessions/{session.public_id}/minutes.pdf").status_code == 404
    member = committee.members.filter(role="member").first().user
    login(client, member)
    assert client.get("/committees/").status_code == 200
    page = client.get(f"/committees/sessions/{session.public_id}/")
    assert page.status_code == 200 and "کمیته اعتبارسنجی" in page.content.decode()
    # A member cannot manage: the secretary's actions answer "not found".
    assert client.post(f"/committees/sessions/{session.public_id}/invitations/").status_code == 404
    assert client.get(f"/committees/{committee.pk}/schedule/").status_code == 404


def test_the_secretary_schedules_with_persian_digits(client, committee, room, secretary, tehran):
    start = next_working_moment(tehran, days_ahead=2)
    login(client, secretary)
    response = client.post(f"/committees/{committee.pk}/schedule/", {
        "date": to_persian_digits(jalali.format_date(start.date())), "start": "۰۹:۳۰", "end": "۱۱:۰۰", "room": room.pk})
    session = Session.objects.get()
    assert response.status_code == 302 and timezone.localtime(session.starts_at).time() == dt.time(9, 30)


def test_a_session_on_a_day_off_gets_a_persian_message_and_nothing_is_created(client, committee, room, secretary):
    friday = timezone.localdate() + dt.timedelta(days=(4 - timezone.localdate().weekday()) % 7 or 7)
    login(client, secretary)
    response = client.post(f"/committees/{committee.pk}/schedule/", {
        "date": jalali.format_date(friday), "start": "09:00", "end": "10:00", "room": room.pk})
    assert response.status_code == 200 and "تعطیل هفتگی" in response.content.decode()
    assert not Session.objects.exists()
    bad = client.post(f"/committees/{committee.pk}/schedule/", {"date": "۱۴۰۵/۱۳/۴۰", "start": "۲۵:۰۰", "end": ""})
    assert bad.status_code == 200 and not Session.objects.exists()


def test_a_member_opens_only_the_cases_on_the_agenda(client, scheduled, waiting_case, committee, secretary):
    session = scheduled()
    on_agenda, elsewhere = waiting_case(), waiting_case()
    services.agenda_add(session=session, case=on_agenda, by=secretary)
    member = committee.members.filter(role="member").first().user
    login(client, member)
    assert client.get(f"/cases/{on_agenda.public_id}/").status_code == 200
    assert client.get(f"/cases/{elsewhere.public_id}/").status_code == 404
    # Reading is all: a member cannot act on the case.
    assert client.post(f"/cases/{on_agenda.public_id}/message/", {"text": "سلام"}).status_code in {302, 404}
    assert not on_agenda.events.filter(event_type="message").exists()
    # The secretary sees the cases waiting for the committee, to build the agenda.
    login(client, secretary)
    assert client.get(f"/cases/{elsewhere.public_id}/").status_code == 200


def test_the_whole_session_through_the_pages(client, scheduled, waiting_case, committee, secretary):
    session = scheduled()
    case = waiting_case()
    login(client, secretary)
    page = client.get(f"/committees/sessions/{session.public_id}/").content.decode()
    assert str(case.public_id) in page  # offered as a candidate
    client.post(f"/committees/sessions/{session.public_id}/agenda/", {"case": str(case.public_id)})
    client.post(f"/committees/sessions/{session.public_id}/invitations/")
    assert session.invitations.count() == committee.members.count() + 1
    arrive(session)
    present = [str(m.pk) for m in committee.members.all()]
    client.post(f"/committees/sessions/{session.public_id}/attendance/", {"present": present})
    item = session.items.get()
    votes = {f"vote_{m.pk}": "approve" for m in voters(committee)}
    client.post(f"/committees/sessions/{session.public_id}/items/{item.pk}/", {"step": "votes", **votes})
    client.post(f"/committees/sessions/{session.public_id}/items/{item.pk}/", {"step": "decision", "reasons": ""})
    assert Decision.objects.get().outcome == "approve"
    client.post(f"/committees/sessions/{session.public_id}/minutes/issue/")
    pdf = client.get(f"/committees/sessions/{session.public_id}/minutes.pdf")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    client.post(f"/committees/sessions/{session.public_id}/minutes/confirm/")  # the secretary's own
    for member in voters(committee):  # and the signatures on the printed minutes
        client.post(f"/committees/sessions/{session.public_id}/minutes/confirm/", {"member": member.pk})
    session.refresh_from_db()
    case.refresh_from_db()
    assert session.state == SessionState.CONFIRMED and case.state == "approved"
    html = client.get(f"/cases/{case.public_id}/").content.decode()
    assert "کمیته اعتبارسنجی" in html


def test_votes_without_quorum_show_a_message_and_record_nothing(client, scheduled, waiting_case, committee, secretary):
    session = scheduled()
    services.agenda_add(session=session, case=waiting_case(), by=secretary)
    arrive(session)
    chair = voters(committee)[0]
    services.attendance_record(session=session, present={chair.pk}, by=secretary)
    login(client, secretary)
    item = session.items.get()
    response = client.post(f"/committees/sessions/{session.public_id}/items/{item.pk}/",
                           {"step": "votes", f"vote_{chair.pk}": "approve"}, follow=True)
    assert response.status_code == 200 and not item.votes.exists()


def test_staff_of_another_role_cannot_reach_a_session(client, scheduled, tehran):
    session = scheduled()
    login(client, make_staff(province=tehran, roles=["unit_head"]))
    assert client.get(f"/committees/sessions/{session.public_id}/").status_code == 404


def test_the_timeline_says_what_the_visit_and_the_agenda_did(client, committee_service, committee, scheduled, applicant,
                                                              expert, upload, django_capture_on_commit_callbacks):
    """Visits and agenda items are events of their own on the case's history, not «فرم تغییر کرد»."""
    registry.register(dataclasses.replace(PROCESS, version=PROCESS.version + 1,
                                          appointment_kinds=(dataclasses.replace(FIELD_VISIT, done_transition=""),)))
    case = case_create(service=committee_service, applicant=applicant)
    case = case_data_update(case=case, data={"subject": "درخواست"}, title="درخواست مجوز", by=applicant,
                            expected_version=case.version)
    upload(case, "id_card", applicant)
    upload(case, "letter", applicant)
    case.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        case = case_submit(case=case, by=applicant, expected_version=case.version)
    propose(case, expert)
    case = case_transition(case=case, name="refer_to_committee", by=expert)
    session = scheduled()
    services.agenda_add(session=session, case=case, by=committee.members.get(role="secretary").user)

    kinds = set(CaseEvent.objects.filter(case=case).values_list("event_type", flat=True))
    assert {EventType.APPOINTMENT, EventType.COMMITTEE} <= kinds and EventType.DATA_CHANGED in kinds  # the form itself
    for user in (applicant, expert):
        login(client, user)
        page = client.get(f"/cases/{case.public_id}/").content.decode()
        timeline = page[page.index('id="timeline-title"'):]
        timeline = timeline[:timeline.index("</ol>")]
        assert "بازدید یا نوبت" in timeline and "بازدید میدانی پیشنهاد شد" in timeline
        assert "— کمیته" in timeline and "در دستور" in timeline and "قرار گرفت" in timeline
        assert timeline.count("فرم تغییر کرد") == 1  # only the applicant's own form
