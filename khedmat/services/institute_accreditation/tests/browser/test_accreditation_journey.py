"""Service 2 end to end on a phone: an institute asks for a licence in two domains, uploads its forms and
sends the file; the expert registers it in the secretariat and arranges the field visit; the institute
sends photos and accepts the visit; the visit is scored; the CEO is introduced and sends the two
certificates; the accreditation committee decides with the CEO invited; the unit head issues the licence;
it is delivered in a briefing session; anyone finds the institute on the public list. Screenshots go to
var/test-artifacts/institute-accreditation/."""
import datetime as dt
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from khedmat.appointments.models import Appointment
from khedmat.cases.models import Case
from khedmat.cases.tests.browser.test_case_journey import log_in
from khedmat.core import jalali
from khedmat.core.browser import serious_accessibility_violations
from khedmat.core.text import to_persian_digits
from khedmat.payments.models import Invoice
from khedmat.services.institute_accreditation.tests.conftest import PNG, at_working_hour
from khedmat.testing import make_staff
from khedmat.testing_fixtures.cases import PDF

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts" / "institute-accreditation"


def shot(page, name):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def check(page):
    assert serious_accessibility_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "wider than the phone"


def submit(page, selector):
    with page.expect_navigation():
        page.click(selector)


def as_user(page, user, *, staff=False):
    page.context.clear_cookies()
    log_in(page, user, staff=staff)


def upload(page, case, code, name, mime, content):
    page.goto(f"/cases/{case.public_id}/")
    page.set_input_files(f"#file-{code}", files=[{"name": name, "mimeType": mime, "buffer": content}])
    submit(page, f"#file-{code} ~ button")
    assert page.locator(".messages .success").count() == 1, page.locator(".messages").inner_text()


def arrive(appointment):
    begun = timezone.now() - dt.timedelta(minutes=5)
    type(appointment).objects.filter(pk=appointment.pk).update(starts_at=begun, ends_at=begun + dt.timedelta(hours=1))


def propose(page, case, kind, start, expert):
    page.goto(f"/cases/{case.public_id}/")
    submit(page, f"a[href$='/propose/{kind}/']")
    page.fill("#id_date", to_persian_digits(jalali.format_date(start.date())))
    page.fill("#id_starts", "۱۰:۰۰")
    page.fill("#id_ends", "۱۲:۰۰")
    page.fill("#id_place", "خیابان انقلاب، پلاک ۱۲")
    page.check(f"input[name=staff][value='{expert.pk}']")
    submit(page, "main form button[type=submit]")
    check(page)


def report(page, appointment, scores: bool):
    page.goto(f"/appointments/{appointment.public_id}/staff/report/")
    page.check("input[name=applicant_present][value=yes]")
    page.fill("#id_attendees", "مدیرعامل موسسه")
    if scores:
        for field in page.locator("input[name^=score_]").all():
            field.fill("۴۰")
    page.fill("#id_notes", "فضای آموزشی و اداری با مدارک تطابق دارد.")
    check(page)
    submit(page, "main form button[type=submit]")


def test_accreditation_journey(browser_page, domains, schemes, institute, ceo, head, accreditation_committee, settings):
    settings.OTP_RESEND_SECONDS = 0
    page = browser_page
    expert = make_staff(province=institute.province, roles=["expert"], mobile="09120008001")
    secretary = accreditation_committee.members.get(role="secretary").user

    # 1. The institute opens a request for a new licence in two domains of one group.
    as_user(page, ceo)
    page.goto("/cases/new/")
    page.check("input[name=service][value=institute_accreditation]")
    page.check(f"input[name=on_behalf][value='{institute.pk}']")
    submit(page, "main button[type=submit]")
    case = Case.objects.get(organization=institute)
    page.check("input[name=case-request_kind][value=new_licence]")
    page.select_option("#id_case-group", "management")
    page.check("input[name=case-domains][value=leadership]")
    page.check("input[name=case-domains][value=hr]")
    page.check("input[name=case-channel][value=online]")
    submit(page, "#form form button[type=submit]")
    check(page)
    shot(page, "01-request")

    # 2. Forms 1–6, then the file is sent: a tracking number, no invoice.
    for code in ("form_1", "form_2", "form_3", "form_4", "form_5", "form_6"):
        upload(page, case, code, f"{code}.pdf", "application/pdf", PDF)
    page.goto(f"/cases/{case.public_id}/")
    submit(page, "#check-answers")  # check your answers: the request, the forms, then submit
    assert "form_6.pdf" in page.locator("main").inner_text()
    check(page)
    shot(page, "01b-check-answers")
    submit(page, "#submit-case")
    case.refresh_from_db()
    assert case.state == "filed" and case.tracking_number
    shot(page, "02-receipt")

    # 3. The expert's initial review: registered in the secretariat; no deficiency: arrange the visit.
    as_user(page, expert, staff=True)
    page.goto(f"/cases/{case.public_id}/")
    check(page)
    submit(page, "#register-button")
    assert "شماره دبیرخانه" in page.locator("#accreditation").inner_text()
    submit(page, "form.action-form:has(input[value=schedule_visit]) button")
    case.refresh_from_db()
    assert case.state == "visit_scheduled"
    propose(page, case, "field_visit", at_working_hour(case.province, 2), expert)
    page.goto("/appointments/staff/")  # the expert's upcoming appointments
    check(page)

    # 4. The institute sends photos of its spaces and accepts the visit.
    as_user(page, ceo)
    upload(page, case, "photos_training", "class.png", "image/png", PNG)
    upload(page, case, "photos_admin", "office.png", "image/png", PNG)
    visit = Appointment.objects.get(case=case, kind="field_visit")
    page.goto(f"/appointments/{visit.public_id}/")
    submit(page, "form[action$='/accept/'] button")
    check(page)

    # 5. The visit takes place; the expert scores it; the CEO is introduced for the two certificates.
    arrive(visit)
    as_user(page, expert, staff=True)
    report(page, visit, scores=True)
    case.refresh_from_db()
    assert case.state == "visited", page.locator(".messages").inner_text()
    page.goto(f"/cases/{case.public_id}/")
    submit(page, "#introduce-ceo-button")
    case.refresh_from_db()
    assert case.state == "ceo_checks_pending"
    shot(page, "03-ceo-introduced")

    # 6. The CEO uploads the certificates and sends them: the file goes to the committee.
    as_user(page, ceo)
    upload(page, case, "ceo_no_criminal_record", "record.pdf", "application/pdf", PDF)
    upload(page, case, "ceo_no_addiction", "addiction.pdf", "application/pdf", PDF)
    submit(page, "form.action-form:has(input[value=send_ceo_certificates]) button")
    case.refresh_from_db()
    assert case.state == "awaiting_committee"

    # 7. The committee: session, the CEO invited, votes, decision, minutes confirmed.
    as_user(page, secretary, staff=True)
    start = at_working_hour(case.province, 3)
    page.goto(f"/committees/{accreditation_committee.pk}/schedule/")
    page.fill("#id_date", to_persian_digits(jalali.format_date(start.date())))
    page.fill("#id_start", "۱۰:۰۰")
    page.fill("#id_end", "۱۲:۰۰")
    page.fill("#id_online_link", "https://meet.example.ir/accreditation")
    submit(page, "main form button[type=submit]")
    session = accreditation_committee.sessions.get()
    page.select_option("#id_case", str(case.public_id))
    submit(page, "#agenda-add button[type=submit]")
    submit(page, "text=ارسال دعوت‌نامه‌ها")
    assert session.invitations.filter(kind="applicant", user=ceo).exists()
    begun = timezone.now() - dt.timedelta(minutes=5)
    type(session).objects.filter(pk=session.pk).update(starts_at=begun, ends_at=begun + dt.timedelta(hours=2))
    page.reload()
    for box in page.locator("#attendance input[type=checkbox]").all():
        box.check()
    submit(page, "#attendance button[type=submit]")
    item = session.items.get()
    page.goto(f"/committees/sessions/{session.public_id}/items/{item.pk}/")
    for select in page.locator("select[name^=vote_]").all():
        select.select_option("approve")
    submit(page, "form:has(input[value=votes]) button[type=submit]")
    submit(page, "form:has(input[value=decision]) button[type=submit]")
    submit(page, "#minutes button[type=submit]")
    submit(page, "text=این صورتجلسه را تأیید می‌کنم")
    while page.locator("#id_member").count():
        submit(page, "#minutes form.inline-form button[type=submit]")
    case.refresh_from_db()
    assert case.state == "committee_approved"
    shot(page, "04-committee")

    # 8. The unit head issues the licence for both domains.
    as_user(page, head, staff=True)
    page.goto(f"/cases/{case.public_id}/")
    submit(page, "#licence-form button[type=submit]")
    case.refresh_from_db()
    assert case.state == "licence_issued"
    check(page)

    # 9. The licence is delivered to the CEO in a briefing session.
    as_user(page, expert, staff=True)
    propose(page, case, "licence_delivery", at_working_hour(case.province, 4), expert)
    delivery = Appointment.objects.get(case=case, kind="licence_delivery")
    arrive(delivery)
    report(page, delivery, scores=False)
    case.refresh_from_db()
    assert case.state == "active"
    page.goto(f"/cases/{case.public_id}/")
    assert "پروانه" in page.locator("#accreditation").inner_text()
    shot(page, "05-licensed")
    assert not Invoice.objects.filter(case=case).exists()  # a free service

    # 10. Anyone finds the institute on the public list, typing the name with an Arabic ي.
    page.context.clear_cookies()
    page.goto("/institutes/?q=" + "آموزشی افق".replace("ی", "ي"))
    listing = page.locator("main").inner_text()
    assert "موسسه آموزشی افق دانش" in listing and "رهبری و مدیریت" in listing
    check(page)
    shot(page, "06-public-list")
