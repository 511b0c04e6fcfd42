import datetime as dt
import uuid

import pytest
import time_machine
from django.utils import timezone

from khedmat.appointments.models import Appointment, AppointmentState, VisitReport
from khedmat.appointments.services import appointment_reschedule, appointment_reschedule_request
from khedmat.appointments.tests.conftest import at, pdf_as_photo, photo, propose, working_day
from khedmat.core import jalali
from khedmat.testing import login, make_staff

pytestmark = pytest.mark.django_db


def _slot_data(day, start="10:00", end="11:00", staff=(), place="تهران، میدان انقلاب"):
    return {"date": jalali.format_date(day), "starts": start, "ends": end, "place": place, "online_link": "",
            "staff": [member.pk for member in staff]}


def _html(response) -> str:
    return response.content.decode()


# -- the case page -----------------------------------------------------------------------------------

def test_the_case_page_offers_staff_the_kinds_they_may_propose(client, case, expert, unit_head):
    login(client, expert)
    html = _html(client.get(f"/cases/{case.public_id}/"))
    assert "appointments-title" in html
    assert f"/appointments/cases/{case.public_id}/propose/field_visit/" in html
    assert f"/appointments/cases/{case.public_id}/propose/briefing/" in html
    client.logout()
    login(client, unit_head)
    html = _html(client.get(f"/cases/{case.public_id}/"))
    assert "propose/field_visit/" not in html and "propose/briefing/" in html


def test_the_case_page_shows_the_applicant_their_appointment_and_no_propose_link(client, proposed, applicant):
    login(client, applicant)
    html = _html(client.get(f"/cases/{proposed.case.public_id}/"))
    assert f"/appointments/{proposed.public_id}/" in html and "بازدید میدانی" in html
    assert "/propose/" not in html


def test_a_case_without_appointment_kinds_shows_no_section(client, submitted, expert):
    login(client, expert)
    assert "appointments-title" not in _html(client.get(f"/cases/{submitted.public_id}/"))


# -- staff: propose -----------------------------------------------------------------------------------

def test_staff_propose_a_visit(client, case, expert):
    login(client, expert)
    url = f"/appointments/cases/{case.public_id}/propose/field_visit/"
    page = client.get(url)
    assert page.status_code == 200 and expert.get_full_name() in _html(page)
    day = working_day(case)
    response = client.post(url, _slot_data(day, start="۰۹:۳۰", end="۱۰:۳۰", staff=[expert]))
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert appointment.starts_at.astimezone(jalali.TEHRAN).time() == dt.time(9, 30)
    assert jalali.local_date(appointment.starts_at) == day
    assert response["Location"] == f"/appointments/{appointment.public_id}/staff/"


@pytest.mark.parametrize("change", ["friday", "past", "reversed", "no_staff", "bad_date", "bad_time", "no_place"])
def test_bad_input_on_the_propose_page_shows_a_message_and_changes_nothing(client, case, expert, change):
    login(client, expert)
    today = timezone.localdate()
    data = _slot_data(working_day(case), staff=[expert])
    if change == "friday":
        data["date"] = jalali.format_date(today + dt.timedelta(days=(4 - today.weekday()) % 7 or 7))
    elif change == "past":
        data["date"] = jalali.format_date(today - dt.timedelta(days=3))
    elif change == "reversed":
        data.update(starts="12:00", ends="09:00")
    elif change == "no_staff":
        data["staff"] = []
    elif change == "bad_date":
        data["date"] = "1404/13/40"
    elif change == "bad_time":
        data["starts"] = "25:99"
    elif change == "no_place":
        data["place"] = ""
    response = client.post(f"/appointments/cases/{case.public_id}/propose/field_visit/", data)
    assert response.status_code == 200
    assert 'class="error-summary"' in _html(response)
    assert not Appointment.objects.exists()


def test_a_double_booking_on_the_page_names_the_person(client, case, expert):
    propose(case, expert)
    login(client, expert)
    response = client.post(f"/appointments/cases/{case.public_id}/propose/briefing/",
                           _slot_data(working_day(case), start="10:30", end="11:30", staff=[expert]))
    assert response.status_code == 200 and expert.get_full_name() in _html(response)
    assert Appointment.objects.count() == 1


def test_the_propose_page_is_404_for_applicants_other_provinces_wrong_kinds_and_states(client, case, applicant,
                                                                                      isfahan_expert, expert,
                                                                                      unit_head):
    url = f"/appointments/cases/{case.public_id}/propose/field_visit/"
    for person in (applicant, isfahan_expert, unit_head):
        login(client, person)
        assert client.get(url).status_code == 404
        client.logout()
    login(client, expert)
    assert client.get(f"/appointments/cases/{case.public_id}/propose/inspection/").status_code == 404
    assert client.get(f"/appointments/cases/{uuid.uuid4()}/propose/field_visit/").status_code == 404


# -- the applicant's page --------------------------------------------------------------------------

def test_the_applicant_sees_and_accepts_the_appointment(client, proposed, applicant):
    login(client, applicant)
    page = client.get(f"/appointments/{proposed.public_id}/")
    assert page.status_code == 200 and "تهران، خیابان آزادی" in _html(page)
    response = client.post(f"/appointments/{proposed.public_id}/accept/")
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.state == AppointmentState.ACCEPTED
    # Accepting twice is a message, not an error page.
    again = client.post(f"/appointments/{proposed.public_id}/accept/", follow=True)
    assert again.status_code == 200 and 'class="error"' in _html(again)


def test_the_applicant_asks_for_another_time_and_bad_input_changes_nothing(client, proposed, applicant):
    login(client, applicant)
    url = f"/appointments/{proposed.public_id}/another-time/"
    bad = client.post(url, {"reason": ""})
    assert bad.status_code == 200 and 'class="error-summary"' in _html(bad)
    proposed.refresh_from_db()
    assert proposed.state == AppointmentState.PROPOSED and proposed.reschedule_count == 0
    assert client.post(url, {"reason": "در سفر هستم"}).status_code == 302
    proposed.refresh_from_db()
    assert proposed.state == AppointmentState.RESCHEDULE_REQUESTED and proposed.reschedule_count == 1


def test_the_request_refused_when_the_allowance_is_used_up_shows_a_message(client, case, proposed, applicant, expert):
    appointment_reschedule_request(appointment=proposed, reason="x", by=applicant)
    day = working_day(case, 4)
    appointment_reschedule(appointment=proposed, starts_at=at(day, "09:00"), ends_at=at(day, "10:00"), place="x",
                           staff=[expert], by=expert)
    login(client, applicant)
    page = _html(client.get(f"/appointments/{proposed.public_id}/"))
    assert "another-time/" not in page  # the form is not offered any more
    response = client.post(f"/appointments/{proposed.public_id}/another-time/", {"reason": "باز هم"})
    assert response.status_code == 200 and 'class="error-summary"' in _html(response)
    proposed.refresh_from_db()
    assert proposed.state == AppointmentState.PROPOSED and proposed.reschedule_count == 1


def test_the_applicant_of_another_case_gets_404_everywhere(client, proposed, other_applicant):
    login(client, other_applicant)
    base = f"/appointments/{proposed.public_id}"
    for url in (f"{base}/", f"{base}/staff/", f"{base}/staff/report/"):
        assert client.get(url).status_code == 404
    for url in (f"{base}/accept/", f"{base}/another-time/", f"{base}/staff/cancel/", f"{base}/staff/missed/"):
        assert client.post(url, {"reason": "x", "cancel-reason": "x"}).status_code == 404
    assert client.get(f"/appointments/{uuid.uuid4()}/").status_code == 404
    proposed.refresh_from_db()
    assert proposed.state == AppointmentState.PROPOSED


def test_staff_opening_the_applicant_page_are_sent_to_theirs(client, proposed, expert):
    login(client, expert)
    response = client.get(f"/appointments/{proposed.public_id}/")
    assert response.status_code == 302 and response["Location"].endswith("/staff/")


# -- staff: the appointment page ---------------------------------------------------------------------

def test_staff_page_list_and_404_for_the_applicant_and_other_provinces(client, proposed, expert, applicant,
                                                                      isfahan_expert):
    login(client, expert)
    page = client.get(f"/appointments/{proposed.public_id}/staff/")
    assert page.status_code == 200 and "/staff/reschedule/" in _html(page)
    listing = client.get("/appointments/staff/")
    assert listing.status_code == 200 and f"/appointments/{proposed.public_id}/staff/" in _html(listing)
    assert jalali.format_date(jalali.local_date(proposed.starts_at), "full") in _html(listing)
    client.logout()
    for person in (applicant, isfahan_expert):
        login(client, person)
        assert client.get(f"/appointments/{proposed.public_id}/staff/").status_code == 404
        client.logout()
    login(client, applicant)
    assert client.get("/appointments/staff/").status_code == 404


def test_staff_list_shows_only_their_own_appointments(client, case, expert, tehran):
    appointment = propose(case, expert)
    colleague = make_staff(province=tehran, roles=["expert"])
    login(client, colleague)
    html = _html(client.get("/appointments/staff/"))
    assert str(appointment.public_id) not in html and "بازدید میدانی" not in html


def test_staff_cancel_with_and_without_a_reason(client, proposed, expert):
    login(client, expert)
    url = f"/appointments/{proposed.public_id}/staff/cancel/"
    bad = client.post(url, {"cancel-reason": ""})
    assert bad.status_code == 200 and 'class="error-summary"' in _html(bad)
    proposed.refresh_from_db()
    assert proposed.state == AppointmentState.PROPOSED
    assert client.post(url, {"cancel-reason": "بیماری"}).status_code == 302
    proposed.refresh_from_db()
    assert proposed.state == AppointmentState.CANCELLED


def test_staff_propose_another_time(client, case, proposed, expert):
    login(client, expert)
    url = f"/appointments/{proposed.public_id}/staff/reschedule/"
    page = client.get(url)
    assert page.status_code == 200 and "۱۰:۰۰" in _html(page)
    day = working_day(case, 5)
    assert client.post(url, _slot_data(day, staff=[expert])).status_code == 302
    proposed.refresh_from_db()
    assert proposed.revision == 2 and jalali.local_date(proposed.starts_at) == day


def test_marking_absent_too_early_is_a_message(client, proposed, expert):
    login(client, expert)
    response = client.post(f"/appointments/{proposed.public_id}/staff/missed/", follow=True)
    assert response.status_code == 200 and 'class="error"' in _html(response)
    proposed.refresh_from_db()
    assert proposed.state == AppointmentState.PROPOSED


def test_staff_record_the_report_with_a_photo_and_bad_input_changes_nothing(client, case, proposed, scheme, expert):
    a, b = scheme.criteria.order_by("order")
    url = f"/appointments/{proposed.public_id}/staff/report/"
    with time_machine.travel(proposed.starts_at + dt.timedelta(minutes=45), tick=False):
        login(client, expert)
        page = client.get(url)
        assert page.status_code == 200 and "فضای کار" in _html(page) and 'enctype="multipart/form-data"' in _html(page)
        data = {"applicant_present": "yes", "attendees": "", "notes": "خوب بود", f"score_{a.pk}": "12",
                f"score_{b.pk}": "5"}
        too_high = client.post(url, data)
        assert too_high.status_code == 200 and 'class="error-summary"' in _html(too_high)
        wrong_photo = client.post(url, {**data, f"score_{a.pk}": "۷", "photos": [pdf_as_photo()]})
        assert wrong_photo.status_code == 200 and "site.jpg" in _html(wrong_photo)
        assert not VisitReport.objects.exists()
        proposed.refresh_from_db()
        assert proposed.state == AppointmentState.PROPOSED
        done = client.post(url, {**data, f"score_{a.pk}": "۷", "photos": [photo(), photo("second.jpg.png")]})
        assert done.status_code == 302
        report = VisitReport.objects.get()
        assert report.total == 7 + 5 * 1.5 and report.photos.count() == 2
        page = client.get(f"/appointments/{proposed.public_id}/staff/")
        assert page.status_code == 200 and "خوب بود" in _html(page)
        picture = report.photos.first()
        download = client.get(f"/appointments/{proposed.public_id}/staff/photos/{picture.pk}/")
        assert download.status_code == 200 and download["Content-Type"] == "image/png"
        assert client.get(f"/appointments/{proposed.public_id}/staff/photos/999999/").status_code == 404
        correct = client.get(f"/appointments/{proposed.public_id}/staff/report/correct/")
        assert correct.status_code == 200 and "خوب بود" in _html(correct)
        fixed = client.post(f"/appointments/{proposed.public_id}/staff/report/correct/",
                            {**data, f"score_{a.pk}": "8", "reason": "اشتباه تایپی", "notes": "اصلاح شد"})
        assert fixed.status_code == 302
    assert VisitReport.objects.count() == 2
    case.refresh_from_db()
    assert case.state == "awaiting_approval"


def test_the_report_page_is_404_for_staff_who_did_not_attend(client, proposed, tehran):
    colleague = make_staff(province=tehran, roles=["expert"])
    login(client, colleague)
    assert client.get(f"/appointments/{proposed.public_id}/staff/").status_code == 200
    assert client.get(f"/appointments/{proposed.public_id}/staff/report/").status_code == 404
