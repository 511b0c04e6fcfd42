import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from khedmat.cases.models import Case
from khedmat.catalog.models import Service
from khedmat.inquiries import adapters, services
from khedmat.inquiries.models import Inquiry, InquirySource, InquiryStatus
from khedmat.inquiries.services import inquiry_request
from khedmat.testing import login, make_staff, make_user

pytestmark = pytest.mark.django_db


def test_staff_send_an_inquiry_and_see_the_mismatch_on_the_case_page(client, simulator, submitted, expert,
                                                                    django_capture_on_commit_callbacks):
    login(client, expert)
    source = InquirySource.objects.get(code="civil_registry")
    bad = client.post(f"/staff/inquiries/cases/{submitted.public_id}/new/", {"source": source.pk, "label": "x"})
    assert bad.status_code == 200 and not Inquiry.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/staff/inquiries/cases/{submitted.public_id}/new/",
                               {"source": source.pk, "label": "هویت متقاضی", "national_id": "0030000051"})
    assert response.status_code == 302
    inquiry = Inquiry.objects.get()
    assert inquiry.status == InquiryStatus.ANSWERED and inquiry.requested_by == expert
    html = client.get(f"/cases/{submitted.public_id}/").content.decode()
    assert "هویت متقاضی" in html


def test_applicants_and_other_provinces_cannot_reach_inquiry_pages(client, submitted, applicant, isfahan):
    for person in (applicant, make_staff(province=isfahan, roles=["expert"])):
        login(client, person)
        assert client.get(f"/staff/inquiries/cases/{submitted.public_id}/new/").status_code == 404
        assert client.get(f"/staff/inquiries/cases/{submitted.public_id}/social-security/").status_code == 404
        client.logout()
    login(client, applicant)
    assert "inquiries-title" not in client.get(f"/cases/{submitted.public_id}/").content.decode()


def test_manual_answer_and_overdue_overview(client, submitted, expert):
    inquiry = inquiry_request(case=submitted, source=InquirySource.objects.get(code="green_management"),
                              subject={"details": "گزارش مدیریت سبز"}, label="مدیریت سبز", by=expert)
    login(client, expert)
    with time_machine.travel(timezone.now() + dt.timedelta(days=8)):
        login(client, expert)
        html = client.get("/staff/inquiries/", {"overdue": "1"}).content.decode()
        assert "مدیریت سبز" in html and "tag bad" in html
    client.post(f"/staff/inquiries/{inquiry.pk}/answer/", {"answer": "گزارش دریافت شد"})
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.ANSWERED


def test_an_inquiry_with_a_year_to_the_civil_registry_is_a_persian_form_error(client, submitted, expert):
    login(client, expert)
    source = InquirySource.objects.get(code="civil_registry")
    response = client.post(f"/staff/inquiries/cases/{submitted.public_id}/new/",
                           {"source": source.pk, "label": "هویت", "national_id": "0030000051", "year": "1403"})
    html = response.content.decode()
    assert response.status_code == 200 and not Inquiry.objects.exists()
    assert "سال" in html and "unexpected keyword" not in html


def test_the_case_page_never_shows_an_adapters_python_error(client, submitted, expert, monkeypatch):
    def broken(self, **subject):
        raise TypeError("CivilRegistryAdapter.query() got an unexpected keyword argument 'year'")

    monkeypatch.setattr(adapters.CivilRegistryAdapter, "query", broken)
    inquiry = services.inquiry_request(case=submitted, source=InquirySource.objects.get(code="civil_registry"),
                                       subject={"national_id": "0030000051"}, label="هویت", by=expert)
    services.inquiry_run(inquiry.pk)
    login(client, expert)
    html = client.get(f"/cases/{submitted.public_id}/").content.decode()
    assert "هویت" in html and "unexpected keyword" not in html and "query()" not in html


def test_the_case_page_names_results_and_failures_in_persian(client, simulator, submitted, expert):
    """A mismatch says «نام خانوادگی», a missing company «سابقه نزد مرجع», an unavailable registry a Persian
    sentence: never `last_name:`, `record:`, `declared_income` or «tax_org GET … HTTP 503»."""
    def ask(code, subject, declared=None):
        inquiry = services.inquiry_request(case=submitted, source=InquirySource.objects.get(code=code), subject=subject,
                                           declared=declared or {}, label="استعلام", by=expert)
        return services.inquiry_run(inquiry.pk)

    ask("civil_registry", {"national_id": "0020000014"},
        {"first_name": "نرگس", "last_name": "شریف‌زاده", "alive": True})
    assert ask("official_gazette", {"organization_id": "10380284790"}, {"name": "x"}).status == InquiryStatus.NOT_FOUND
    simulator.control("fail", registry="tax_org")
    assert ask("tax_org", {"id": "0020000014", "year": 1402}).status == InquiryStatus.UNAVAILABLE
    login(client, expert)
    html = client.get(f"/cases/{submitted.public_id}/").content.decode()
    section = html[html.index('id="inquiries-title"'):]
    section = section.split('class="panel case-section"', 1)[0]  # up to the next part of the case page
    assert "نام خانوادگی: اظهارشده «شریف‌زاده»" in section
    assert "سابقه نزد مرجع" in section and "پاسخ مرجع" in section and "تاریخ تولد" in section
    assert "record" not in section and "last_name" not in section and "HTTP" not in section
    assert not re.search(r"\b(tax_org|GET|True|False|None)\b", section)


def test_the_inquiry_form_on_a_contractor_case_offers_only_the_sources_its_process_declares(client, expert, tehran):
    """Issue 17 point 7: no «مدیریت سبز» or «حسابداری تعهدی» (service 5's sources) on a service-4 case."""
    applicant = make_user()
    case = Case.objects.create(
        service=Service.objects.get(code="contractor_qualification"), process_version=1, province=tehran,
        applicant=applicant, state="under_review", tracking_number="T77000001",
        applicant_national_id=applicant.national_id, first_submitted_at=timezone.now())
    login(client, expert)
    page = client.get(f"/staff/inquiries/cases/{case.public_id}/new/").content.decode()
    assert "سامانه روزنامه رسمی کشور" in page and "سامانه پاداک" in page
    assert "مدیریت سبز" not in page and "حسابداری تعهدی" not in page
    green = InquirySource.objects.get(code="green_management")
    response = client.post(f"/staff/inquiries/cases/{case.public_id}/new/",
                           {"source": green.pk, "label": "x", "details": "y"})
    assert response.status_code == 200 and not case.inquiries.exists()
