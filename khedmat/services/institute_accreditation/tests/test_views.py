import datetime as dt
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from khedmat.cases.models import Case, Document
from khedmat.cases.services import case_create, case_data_update
from khedmat.catalog.models import Service
from khedmat.committees import services as committees
from khedmat.committees.models import Invitation
from khedmat.core.text import to_persian_digits
from khedmat.services.institute_accreditation.models import Accreditation
from khedmat.services.institute_accreditation.tests.conftest import PNG, at_working_hour
from khedmat.testing import login, make_staff

pytestmark = pytest.mark.django_db


def test_the_applicant_fills_the_request_form_and_sees_what_is_missing(client, domains, institute, ceo):
    case = case_create(service=Service.objects.get(code="institute_accreditation"), applicant=ceo,
                       organization=institute)
    login(client, ceo)
    page = client.get(f"/cases/{case.public_id}/").content.decode()
    assert "رهبری و مدیریت" in page  # the domains offered
    bad = client.post(f"/cases/{case.public_id}/edit/", {
        "version": case.version, "case-request_kind": "new_licence", "case-group": "it", "case-domains": ["hr"],
        "case-channel": "binder"})
    assert bad.status_code == 200 and Case.objects.get(pk=case.pk).data == {}
    good = client.post(f"/cases/{case.public_id}/edit/", {
        "version": case.version, "case-request_kind": "new_licence", "case-group": "management",
        "case-domains": ["hr", "leadership"], "case-channel": "binder", "case-delegate_name": "رضا مرادی",
        "case-delegate_national_id": "۰۰۱۰۰۰۰۰۲۱"})
    assert good.status_code == 302
    case.refresh_from_db()
    assert case.data["domains"] == ["hr", "leadership"] and case.data["delegate_national_id"] == "0010000021"
    page = client.get(f"/cases/{case.public_id}/").content.decode()
    assert "منابع انسانی" in page


def test_staff_pages_refuse_the_applicant_and_other_provinces(client, journey, ceo, isfahan):
    case = journey("filed")
    for person in (ceo, make_staff(province=isfahan, roles=["expert"])):
        login(client, person)
        assert client.post(f"/accreditation/{case.public_id}/register/").status_code == 404
    assert not Accreditation.objects.filter(case=case, secretariat_number__isnull=False).exists()


def test_the_expert_registers_and_the_number_shows_on_the_case(client, journey, expert, ceo):
    case = journey("filed")
    login(client, expert)
    assert "ثبت در دبیرخانه" in client.get(f"/cases/{case.public_id}/").content.decode()
    client.post(f"/accreditation/{case.public_id}/register/")
    number = Accreditation.objects.get(case=case).secretariat_number
    login(client, ceo)
    assert to_persian_digits(number) in client.get(f"/cases/{case.public_id}/").content.decode()


def test_bad_input_gets_a_persian_message_and_changes_nothing(client, journey, expert, head):
    case = journey("filed")
    login(client, expert)
    response = client.post(f"/accreditation/{case.public_id}/incomplete/", {"note": ""}, follow=True)
    assert "فهرست" in response.content.decode() and Case.objects.get(pk=case.pk).state == "filed"
    approved = journey("committee_approved")
    login(client, head)
    response = client.post(f"/accreditation/{approved.public_id}/licence/", {"domains": ["security"]}, follow=True)
    assert response.status_code == 200 and Case.objects.get(pk=approved.pk).state == "committee_approved"
    response = client.post(f"/accreditation/{approved.public_id}/licence/", {"domains": ["hr"]}, follow=True)
    assert Case.objects.get(pk=approved.pk).state == "committee_approved"  # fewer domains without a reason
    client.post(f"/accreditation/{approved.public_id}/licence/", {"domains": ["hr", "leadership"]})
    assert Case.objects.get(pk=approved.pk).state == "licence_issued"


def test_staff_scan_a_binder_document(client, journey, expert):
    case = journey("filed", channel="binder")
    login(client, expert)
    client.post(f"/accreditation/{case.public_id}/binder/", {
        "note": "زونکن ۴۰ برگ", "delegate_name": "رضا مرادی", "delegate_national_id": "0010000021",
        "letter_number": "۱۲۳", "letter_date": "1405/01/10", "items": ["form_1"]})
    response = client.post(f"/accreditation/{case.public_id}/scan/", {
        "requirement": "photos_training", "file": SimpleUploadedFile("p.png", PNG, content_type="image/png")})
    assert response.status_code == 302
    assert Document.objects.get(case=case, requirement="photos_training").current.uploaded_by == expert
    assert Accreditation.objects.get(case=case).binder_received_by == expert


def test_supervision_and_licence_acts_through_the_page(client, journey, expert, head):
    case = journey("active")
    login(client, expert)
    client.post(f"/accreditation/{case.public_id}/supervision/", {"kind": "finding", "text": "کلاس‌ها مطابق برنامه"})
    assert case.supervision_records.count() == 1
    assert client.post(f"/accreditation/{case.public_id}/licence/suspend/", {"reason": "x"}).status_code == 302
    assert Case.objects.get(pk=case.pk).state == "active"  # an expert cannot suspend
    login(client, head)
    client.post(f"/accreditation/{case.public_id}/licence/suspend/", {"reason": "تخلف"})
    assert Case.objects.get(pk=case.pk).state == "suspended"
    client.post(f"/accreditation/{case.public_id}/licence/unknown/", {"reason": "x"})
    assert Case.objects.get(pk=case.pk).state == "suspended"


def test_the_ceo_finds_the_committees_invitation_on_her_case_page_and_opens_its_pdf(
        client, journey, ceo, accreditation_committee, other_applicant):
    case = journey("awaiting_committee")
    secretary = accreditation_committee.members.get(role="secretary").user
    start = at_working_hour(case.province, 5)
    session = committees.session_schedule(committee=accreditation_committee, starts_at=start,
                                          ends_at=start + dt.timedelta(hours=2), online_link="https://meet.example.ir/a",
                                          by=secretary)
    committees.agenda_add(session=session, case=case, by=secretary)
    committees.invitations_send(session=session, by=secretary)
    letter = Invitation.objects.get(kind="applicant", user=ceo).letter

    login(client, ceo)
    page = client.get(f"/cases/{case.public_id}/").content.decode()
    assert to_persian_digits(letter.number) in page
    assert f"/committees/sessions/{session.public_id}/invitation.pdf" in page
    response = client.get(f"/committees/sessions/{session.public_id}/invitation.pdf")
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert client.get(f"/documents/{letter.public_id}/pdf/").status_code == 200
    client.logout()
    # Nobody else gets it through the session's address.
    login(client, other_applicant)
    assert client.get(f"/committees/sessions/{session.public_id}/invitation.pdf").status_code == 404
    client.logout()
    member = accreditation_committee.members.get(role="chair").user
    login(client, member)
    response = client.get(f"/committees/sessions/{session.public_id}/invitation.pdf")
    assert response.status_code == 200
    assert Invitation.objects.get(session=session, user=member).letter.number in response["Content-Disposition"]


def test_the_checklist_says_required_for_form_8_of_an_upgrade_and_the_binder_letter(client, domains, institute, ceo):
    """The checklist's tag comes from the same rule as the submission: form no. 8 for a domain upgrade [۱۲], the
    introduction letter for a binder [۱۳]; a new online request has them optional."""
    def tags(case):
        page = client.get(f"/cases/{case.public_id}/").content.decode()
        rows = re.findall(r'<p><strong>(.*?)</strong>\s*<span class="tag[^"]*">(.*?)</span>', page, re.S)
        return {label.split(")")[0].strip(): tag for label, tag in rows if "فرم شماره ۸" in label or "معرفی" in label}

    login(client, ceo)
    service = Service.objects.get(code="institute_accreditation")
    case = case_create(service=service, applicant=ceo, organization=institute)
    case = case_data_update(case=case, data={"request_kind": "new_licence", "group": "management", "domains": ["hr"],
                                             "channel": "online"}, title="x", by=ceo, expected_version=case.version)
    assert tags(case) == {"۱۲": "اختیاری", "۱۳": "اختیاری"}
    case = case_data_update(case=case, data={**case.data, "request_kind": "domain_upgrade", "channel": "binder"},
                            title="x", by=ceo, expected_version=case.version)
    assert tags(case) == {"۱۲": "الزامی", "۱۳": "الزامی"}
