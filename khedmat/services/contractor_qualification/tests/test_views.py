import re

import pytest
from django.urls import reverse

from khedmat.cases import services as case_services
from khedmat.cases.guards import required_documents_present
from khedmat.cases.models import Case
from khedmat.payments.models import Invoice
from khedmat.services.contractor_qualification import services
from khedmat.services.contractor_qualification.forms import PersonForm
from khedmat.services.contractor_qualification.models import CompanyPerson, FinancialRecord, GradeGrant, SectionReview
from khedmat.services.contractor_qualification.tests.test_services import _accept_all, _scores_support_only_grade_5
from khedmat.testing import login, make_staff

pytestmark = pytest.mark.django_db


def _draft_with_form(case, applicant, grade=4):
    return case_services.case_data_update(case=case, data={"kind": "contractor", "contractor_type": 1,
                                                          "fields": [{"field": "building", "grade": grade}]},
                                          title="", by=applicant, expected_version=case.version)


def test_the_case_page_shows_the_task_list(client, company_draft, applicant):
    case = _draft_with_form(company_draft, applicant)
    login(client, applicant)
    page = client.get(reverse("cases:detail", args=[case.public_id])).content.decode()
    assert "مدیران، سهامداران و کارکنان امتیازآور (ب)" in page
    assert "افراد متقاضی را وارد کنید" in page
    assert reverse("cq:section", args=[case.public_id, "people"]) in page


def test_adding_a_person_with_persian_digits_and_a_bad_id(client, company_draft, applicant):
    case = _draft_with_form(company_draft, applicant)
    login(client, applicant)
    url = reverse("cq:section", args=[case.public_id, "people"])
    data = {"role": "ceo", "first_name": "نرگس", "last_name": "شریفی", "national_id": "۰۰۲۰۰۰۰۰۱۴",
            "degree_level": "master",
            "study_field": "مهندسی عمران", "experience_years": "12", "scoring_field": "building"}
    response = client.post(url, data)
    assert response.status_code == 302
    assert CompanyPerson.objects.get(case=case).national_id == "0020000014"
    response = client.post(url, {**data, "role": "board_member", "national_id": "0020000015"})
    assert response.status_code == 200 and "کد ملی" in response.content.decode()
    assert CompanyPerson.objects.filter(case=case).count() == 1


def test_amounts_typed_with_separators_and_a_bad_year(client, company_draft, applicant):
    case = _draft_with_form(company_draft, applicant)
    login(client, applicant)
    url = reverse("cq:section", args=[case.public_id, "finance"])
    assert client.post(url, {"fiscal_year": "۱۴۰۲", "turnover_rials": "۶٬۰۰۰٬۰۰۰٬۰۰۰",
                             "tax_return_number": "T1"}).status_code == 302
    assert FinancialRecord.objects.get(case=case).turnover_rials == 6_000_000_000
    response = client.post(url, {"fiscal_year": "1402", "turnover_rials": "12ab", "tax_return_number": "T2"})
    assert response.status_code == 200 and "ریال" in response.content.decode()
    assert FinancialRecord.objects.filter(case=case).count() == 1


def test_someone_else_gets_not_found(client, company_draft, applicant, other_applicant):
    case = _draft_with_form(company_draft, applicant)
    login(client, other_applicant)
    assert client.get(reverse("cq:section", args=[case.public_id, "people"])).status_code == 404
    assert client.post(reverse("cq:section", args=[case.public_id, "finance"]),
                       {"fiscal_year": "1402", "turnover_rials": "1", "tax_return_number": "T"}).status_code == 404


def test_the_expert_sees_scores_and_the_review_forms(client, under_review, expert):
    login(client, expert)
    page = client.get(reverse("cases:detail", args=[under_review.public_id])).content.decode()
    assert "بررسی بخش به بخش" in page and "پایه قابل احراز با این ارقام" in page
    person = CompanyPerson.objects.filter(case=under_review, role="scoring_staff").get()
    response = client.post(reverse("cq:relevance", args=[under_review.public_id]),
                           {"person": person.pk, "relevance": "related"})
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.relevance == "related"


def test_the_applicant_cannot_review_or_approve(client, under_review, applicant):
    login(client, applicant)
    client.post(reverse("cq:review", args=[under_review.public_id]), {"section": "people", "status": "accepted"})
    assert not under_review.qualification_reviews.exists()
    response = client.get(reverse("cq:approve", args=[under_review.public_id]))
    assert response.status_code == 302


def test_the_approver_page_refuses_a_higher_grade_with_a_message(client, under_review, expert, unit_head):  # noqa: F811

    _accept_all(under_review, expert)
    case = case_services.case_transition(case=under_review, name="send_to_approver", by=expert)
    login(client, unit_head)
    url = reverse("cq:approve", args=[case.public_id])
    assert client.get(url).status_code == 200
    response = client.post(url, {"version": case.version, "grade_building": "5", "reason_building": ""})
    assert response.status_code == 200 and "دلیل" in response.content.decode()
    assert not GradeGrant.objects.exists()
    response = client.post(url, {"version": case.version, "grade_building": "4"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "certificate_issued"


def test_the_staff_desk_lists_the_service_pages_the_role_may_open(client, expert, tehran):
    login(client, expert)
    page = client.get(reverse("core:staff-home")).content.decode()
    for name in ("cq-companies:list", "cq-report:report"):
        assert reverse(name) in page
    assert reverse("cq-referrals:list") not in page  # referrals are the unit head's, deputy's and head's
    client.logout()
    login(client, make_staff(province=tehran, roles=["unit_head"]))
    page = client.get(reverse("core:staff-home")).content.decode()
    for name in ("cq-companies:list", "cq-referrals:list", "cq-report:report"):
        assert reverse(name) in page


def test_the_case_page_links_staff_to_the_company_record(client, under_review, expert):
    login(client, expert)
    page = client.get(reverse("cases:detail", args=[under_review.public_id])).content.decode()
    assert reverse("cq-companies:detail", args=[under_review.organization_id]) in page


# -- the declaration on /cases/new/ and POST /api/cases/ (issue 15, point 1) ----------------------

def test_the_new_case_page_asks_for_the_declaration_and_refuses_at_once(client, contractor_service, applicant, company):
    login(client, applicant)
    choice = {"service": "contractor_qualification", "on_behalf": str(company.pk)}
    page = client.post("/cases/new/", choice)
    assert page.status_code == 200 and not Case.objects.exists()
    html = page.content.decode()
    assert 'name="case-kind"' in html and 'name="case-grade_0"' in html and 'name="declare"' in html
    refused = client.post("/cases/new/", {**choice, "declare": "contractor_qualification", "case-kind": "contractor",
                                          "case-contractor_type": "1", "case-field_0": "building", "case-grade_0": "1"})
    assert refused.status_code == 200
    assert "سازمان برنامه و بودجه کشور" in refused.content.decode()
    assert not Case.objects.exists() and not Invoice.objects.exists()
    accepted = client.post("/cases/new/", {**choice, "declare": "contractor_qualification", "case-kind": "contractor",
                                           "case-contractor_type": "1", "case-field_0": "building",
                                           "case-grade_0": "3"})
    case = Case.objects.get()
    assert accepted.status_code == 302 and case.data["fields"] == [{"field": "building", "grade": 3}]
    assert case.organization == company


def test_the_api_refuses_a_declaration_the_province_does_not_handle(client, contractor_service, applicant, company):
    login(client, applicant)
    refused = client.post("/api/cases/", {"service": "contractor_qualification", "organization": company.national_id,
                                          "data": {"kind": "consultant",
                                                   "fields": [{"field": "building", "grade": 2}]}},
                          content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["code"] == "not_competent" and "سازمان برنامه و بودجه کشور" in refused.json()["message"]
    invalid = client.post("/api/cases/", {"service": "contractor_qualification",
                                          "data": {"kind": "builder", "fields": []}},
                          content_type="application/json")
    assert invalid.status_code == 400 and invalid.json()["code"] == "invalid"
    assert not Case.objects.exists()
    created = client.post("/api/cases/", {"service": "contractor_qualification", "organization": company.national_id,
                                          "data": {"kind": "contractor", "contractor_type": 1,
                                                   "fields": [{"field": "building", "grade": 4}]}},
                          content_type="application/json")
    assert created.status_code == 201, created.content
    assert Case.objects.get().data == {"kind": "contractor", "contractor_type": 1,
                                       "fields": [{"field": "building", "grade": 4}]}


def test_the_fee_button_refuses_a_case_the_province_does_not_handle(client, company_draft, applicant):
    login(client, applicant)
    url = reverse("payments:invoice-open", args=[company_draft.public_id])
    empty = client.post(url, follow=True).content.decode()
    assert "هزینه به آنچه درخواست می‌کنید بستگی دارد" in empty and not company_draft.invoices.exists()
    Case.objects.filter(pk=company_draft.pk).update(data={"kind": "contractor", "contractor_type": 2,
                                                          "fields": [{"field": "building", "grade": 3}]})
    refused = client.post(url, follow=True).content.decode()
    assert "سازمان برنامه و بودجه کشور" in refused and not company_draft.invoices.exists()


def _checklist_tags(page: str) -> dict[str, str]:
    """{the checklist row's heading: its tag} as the applicant reads them."""
    rows = re.findall(r'<p><strong>(.*?)</strong>\s*<span class="tag[^"]*">(.*?)</span>', page, re.S)
    return {label.strip(): tag.strip() for label, tag in rows}


def test_the_checklist_says_required_where_the_rule_requires_it(client, company_draft, applicant):
    """A legal person's company documents (ج) and a consultant's second و and ز are required: the checklist
    says «الزامی», as the submission guard decides, not «اختیاری» from the static flag."""
    case = case_services.case_data_update(case=company_draft, data={"kind": "consultant",
                                          "fields": [{"field": "building", "grade": 3}]},
                                          title="", by=applicant, expected_version=company_draft.version)
    login(client, applicant)
    tags = _checklist_tags(client.get(reverse("cases:detail", args=[case.public_id])).content.decode())
    by_group = {label.split(")")[0]: tag for label, tag in tags.items() if "(مشاوران)" not in label}
    assert by_group["ج"] == "الزامی"
    assert tags["و) ساختار مدیریتی و امکانات پشتیبانی (مشاوران)"] == "الزامی"
    assert tags["ز) فرم و مدارک محل فعالیت (مشاوران)"] == "الزامی"
    # the same rule refuses the submission while these are missing
    assert "ساختار مدیریتی" in str(required_documents_present(case))


def test_section_reviews_are_saved_together_or_not_at_all(client, under_review, expert):
    """Issue 16 point 10: one form for every section; one wrong verdict saves nothing and says which, in Persian."""
    login(client, expert)
    page = client.get(reverse("cases:detail", args=[under_review.public_id])).content.decode()
    assert page.count('action="%s"' % reverse("cq:reviews", args=[under_review.public_id])) == 1
    assert page.index('id="actions-title"') < page.index('id="review"') < page.index('id="dossier-title"')
    url = reverse("cq:reviews", args=[under_review.public_id])
    bad = {"status-application": "accepted", "status-people": "accepted", "status-finance": "deficient",
           "note-finance": "ناقص"}
    response = client.post(url, bad)
    body = response.content.decode()
    assert response.status_code == 200 and "هیچ‌چیز ذخیره نشد" in body
    assert 'id="review-error-finance"' in body and 'id="review-error-people"' not in body
    assert not SectionReview.objects.filter(case=under_review).exists()
    assert 'value="deficient" checked' in body and "ناقص" in body  # what was typed is kept
    good = {**bad, "guidance-finance": "اظهارنامه ۱۴۰۱ را وارد کنید", "status-documents": "accepted"}
    assert client.post(url, good).status_code == 302
    saved = dict(SectionReview.objects.filter(case=under_review).values_list("section", "status"))
    assert saved == {"application": "accepted", "people": "accepted", "finance": "deficient", "documents": "accepted"}


def test_check_your_answers_lists_the_dossier_with_change_links_back(client, complete_draft, applicant):
    """Issue 16 point 11: service 4's check page adds its people, contracts and tax returns to the form's answers."""
    case = complete_draft
    login(client, applicant)
    check = reverse("cases:check", args=[case.public_id])
    page = client.get(check).content.decode()
    assert "نرگس شریفی" in page and "علی کریمی" in page and "ساختمان اداری" in page and "۱۴۰۲" in page
    assert "۱۲٬۰۰۰٬۰۰۰٬۰۰۰" in page  # the contract amount, in rials
    people = reverse("cq:section", args=[case.public_id, "people"])
    assert f'href="{people}?next=%2Fcases%2F{case.public_id}%2Fcheck%2F"' in page
    section = client.get(f"{people}?next={check}").content.decode()
    assert f'href="{check}"' in section  # back to the check page, not to the case


def test_the_approver_must_give_a_reason_to_depart_from_the_scores_and_the_case_shows_it(
        client, under_review, expert, unit_head):  # noqa: F811

    _accept_all(under_review, expert)
    case = case_services.case_transition(case=under_review, name="send_to_approver", by=expert)
    _scores_support_only_grade_5(case)
    login(client, unit_head)
    url = reverse("cq:approve", args=[case.public_id])
    response = client.post(url, {"version": case.version, "grade_building": "4", "reason_building": ""})
    assert response.status_code == 200 and not GradeGrant.objects.exists()
    form = response.context["form"]
    assert "جدول‌های امتیاز" in " ".join(form.errors["reason_building"])
    response = client.post(url, {"version": case.version, "grade_building": "4",
                                 "reason_building": "سوابق اجرایی ملی تأیید شد"})
    assert response.status_code == 302
    page = client.get(reverse("cases:detail", args=[case.public_id])).content.decode()
    assert "سوابق اجرایی ملی تأیید شد" in page and "بالاتر از آنچه امتیازها پشتیبانی می‌کنند" in page


def test_the_people_form_offers_the_roles_of_the_applicants_kind(client, contractor_service, applicant, company_draft):
    natural = case_services.case_create(service=contractor_service, applicant=applicant)
    assert [v for v, _label in PersonForm(case=natural).fields["role"].choices] == ["applicant", "scoring_staff"]
    assert [v for v, _label in PersonForm(case=company_draft).fields["role"].choices] == [
        "ceo", "board_member", "shareholder", "scoring_staff"]
    login(client, applicant)
    page = client.get(reverse("cq:section", kwargs={"public_id": natural.public_id,
                                                    "section": "people"})).content.decode()
    assert "شخص متقاضی" in page and '<option value="ceo"' not in page
    form = PersonForm({"role": "ceo"}, case=natural)
    assert not form.is_valid() and "role" in form.errors


def test_posting_the_same_deficiency_notice_twice_says_it_was_already_sent(client, under_review, expert):
    """Issue 17 point 9: the second post (a double click, a stale page) is told the notice went already."""
    services.section_review_set(case=under_review, section="finance", status="deficient", note="اظهارنامه نیست",
                                guidance="اظهارنامه را بیفزایید", by=expert)
    under_review.refresh_from_db()
    login(client, expert)
    url = reverse("cq:deficiencies", args=[under_review.public_id])
    data = {"version": under_review.version, "summary": ""}
    first = client.post(url, data, follow=True).content.decode()
    assert "اعلام نواقص برای متقاضی ارسال شد" in first
    second = client.post(url, data, follow=True).content.decode()
    assert "پیش‌تر برای متقاضی فرستاده شده" in second
    assert "ابتدا دست‌کم یک بخش" not in second
    assert under_review.deficiency_notices.count() == 1
