import datetime as dt
import re
from decimal import Decimal

import pytest

from khedmat.cases import services as case_services
from khedmat.cases.models import Case, CaseEvent
from khedmat.certificates.models import OfficialDocument
from khedmat.certificates.rendering import document_pdf
from khedmat.certificates.tests.test_rendering import pdf_text
from khedmat.core.exceptions import ApplicationError
from khedmat.inquiries.models import Inquiry, InquirySource, InquiryStatus
from khedmat.notifications.models import OutboxMessage
from khedmat.services.contractor_qualification import selectors, services
from khedmat.services.contractor_qualification.models import (
    Application,
    CompanyPerson,
    FinancialRecord,
    GradeGrant,
    GradeThreshold,
    Referral,
    RegistryEntry,
)
from khedmat.testing import login
from khedmat.testing_fixtures.contractor_qualification import fill_dossier, make_scoring_table, pay

pytestmark = pytest.mark.django_db


def _accept_all(case, expert):
    for person in CompanyPerson.objects.filter(case=case).exclude(role="shareholder"):
        services.relevance_set(case=case, person_id=person.pk, relevance="related", by=expert)
    for section in selectors.dossier_sections(case):
        if section.status != "not_needed":
            services.section_review_set(case=case, section=section.code, status="accepted", note="", guidance="",
                                        by=expert)


# -- the dossier ----------------------------------------------------------------------------------

def test_sections_show_what_is_missing_until_the_dossier_is_complete(company_draft, applicant, upload):
    case = case_services.case_data_update(case=company_draft, data={"kind": "contractor", "contractor_type": 1,
                                                                   "fields": [{"field": "building", "grade": 4}]},
                                          title="", by=applicant, expected_version=company_draft.version)
    status = {s.code: s.status for s in selectors.dossier_sections(case)}
    assert status == {"application": "done", "people": "todo", "documents": "todo", "experience": "todo",
                      "finance": "todo"}
    assert "ناقص" in selectors.dossier_complete(case) or selectors.dossier_complete(case)
    case = fill_dossier(case, applicant, upload)
    assert all(s.status == "done" for s in selectors.dossier_sections(case))
    assert selectors.dossier_complete(case) is None


def test_grade_5_needs_no_experience_or_finance(company_draft, applicant):
    case = case_services.case_data_update(case=company_draft, data={"kind": "contractor", "contractor_type": 1,
                                                                   "fields": [{"field": "building", "grade": 5}]},
                                          title="", by=applicant, expected_version=company_draft.version)
    status = {s.code: s.status for s in selectors.dossier_sections(case)}
    assert status["experience"] == status["finance"] == "not_needed"
    assert "experience_documents" not in selectors.required_document_codes(case)


def test_consultants_must_upload_the_management_and_premises_groups(company_draft, applicant):
    case = case_services.case_data_update(case=company_draft, data={"kind": "consultant",
                                                                    "fields": [{"field": "building", "grade": 3}]},
                                          title="", by=applicant, expected_version=company_draft.version)
    assert {"consultant_management_structure", "consultant_premises_form"} <= selectors.required_document_codes(case)
    problems = " ".join(str(p) for s in selectors.dossier_sections(case) for p in s.problems)
    assert "و)" in problems and "ز)" in problems


@pytest.mark.parametrize("national_id, message", [("0020000015", "کد ملی"), ("12345", "کد ملی")])
def test_a_malformed_national_id_is_refused_and_nothing_is_added(company_draft, applicant, national_id, message):
    case = case_services.case_data_update(case=company_draft, data={"kind": "contractor", "contractor_type": 1,
                                                                   "fields": [{"field": "building", "grade": 5}]},
                                          title="", by=applicant, expected_version=company_draft.version)
    with pytest.raises(ApplicationError) as error:
        services.person_add(case=case, by=applicant, role="ceo", first_name="الف", last_name="ب",
                            national_id=national_id,
                            degree_level="bachelor", study_field="عمران", experience_years=3, scoring_field="building")
    assert message in error.value.message
    assert not CompanyPerson.objects.filter(case=case).exists()


def test_a_person_can_only_count_toward_a_requested_field(company_draft, applicant):
    case = case_services.case_data_update(case=company_draft, data={"kind": "contractor", "contractor_type": 1,
                                                                   "fields": [{"field": "building", "grade": 5}]},
                                          title="", by=applicant, expected_version=company_draft.version)
    with pytest.raises(ApplicationError):
        services.person_add(case=case, by=applicant, role="scoring_staff", first_name="الف", last_name="ب",
                            national_id="0020000014", degree_level="bachelor", study_field="عمران", experience_years=3,
                            scoring_field="water")
    assert not CompanyPerson.objects.filter(case=case).exists()


def test_a_future_or_duplicate_tax_year_is_refused(company_draft, applicant):
    case = company_draft
    with pytest.raises(ApplicationError):
        services.financial_add(case=case, by=applicant, fiscal_year=1499, turnover_rials=1, tax_return_number="x")
    services.financial_add(case=case, by=applicant, fiscal_year=1400, turnover_rials=1, tax_return_number="x")
    with pytest.raises(ApplicationError):
        services.financial_add(case=case, by=applicant, fiscal_year=1400, turnover_rials=2, tax_return_number="y")
    assert FinancialRecord.objects.filter(case=case).count() == 1


def test_others_cannot_change_the_dossier(company_draft, other_applicant, expert):
    for person in (other_applicant, expert):
        with pytest.raises(ApplicationError):
            services.financial_add(case=company_draft, by=person, fiscal_year=1400, turnover_rials=1,
                                   tax_return_number="x")


def test_an_unpaid_complete_dossier_is_not_submitted(company_draft, applicant, upload):
    case = fill_dossier(company_draft, applicant, upload)
    with pytest.raises(ApplicationError) as error:
        case_services.case_submit(case=case, by=applicant, expected_version=case.version)
    assert "پرداخت" in error.value.message
    case.refresh_from_db()
    assert case.state == "draft" and case.tracking_number is None


def test_an_incomplete_paid_dossier_is_not_submitted(company_draft, applicant, upload):
    case = case_services.case_data_update(case=company_draft, data={"kind": "contractor", "contractor_type": 1,
                                                                   "fields": [{"field": "building", "grade": 4}]},
                                          title="", by=applicant, expected_version=company_draft.version)
    upload(case, "registration_forms", applicant)
    upload(case, "personnel_documents", applicant)
    pay(case)
    case.refresh_from_db()
    with pytest.raises(ApplicationError) as error:
        case_services.case_submit(case=case, by=applicant, expected_version=case.version)
    assert "کامل نیست" in error.value.message
    case.refresh_from_db()
    assert case.state == "draft" and case.tracking_number is None


# -- submission, scoring, review ------------------------------------------------------------------

def test_submission_pins_the_scoring_table_and_notes_the_workload(expert, under_review):
    application = Application.objects.get(case=under_review)
    assert application.scoring_table is not None
    assert application.open_cases_at_submission == 1 and application.experts_at_submission == 1
    assert application.open_cases_per_expert == 1.0
    # a newer table published later does not re-score this case
    newer = make_scoring_table(effective_from=dt.date(2024, 1, 1))
    assert selectors.case_scoring(under_review).table == application.scoring_table != newer


def test_inquiries_go_to_the_registries_for_every_person_company_and_tax_return(under_review):
    asked = sorted((i.source.code, i.label) for i in Inquiry.objects.filter(case=under_review, automatic=True,
                                                                            sampled=False))
    sources = [code for code, _label in asked]
    assert sources.count("civil_registry") == 2  # one per distinct person (the CEO is also a board member)
    assert sources.count("padak") == 2
    assert sources.count("official_gazette") == 1
    assert sources.count("tax_org") == 2


def test_scores_come_from_the_table(under_review, expert):
    scoring = selectors.case_scoring(under_review)
    assert scoring.fields[0].staff_score is None  # relevance not yet judged
    _accept_all(under_review, expert)
    scoring = selectors.case_scoring(under_review)
    contributions = {p.national_id: c for p, c in scoring.people if p.role == "scoring_staff" or p.role == "ceo"}
    assert contributions["0020000014"] == Decimal("12.00")  # master 8 + 10 years' band 4, related 100 %
    assert contributions["0030000017"] == Decimal("8.00")  # bachelor 6 + 5 years' band 2
    field = scoring.fields[0]
    assert field.staff_score == Decimal("20.00")  # the CEO counts once although also a board member
    assert field.experience_rials == 12_000_000_000 and field.financial_rials == 6_000_000_000
    # grade 3 needs 40 bn experience: the figures support grade 4, as requested
    assert field.supported_grade == 4 and field.meets_request


def test_a_half_related_degree_counts_half(under_review, expert):
    ceo = CompanyPerson.objects.get(case=under_review, role="ceo")
    services.relevance_set(case=under_review, person_id=ceo.pk, relevance="semi_related", by=expert)
    contributions = {p.pk: c for p, c in selectors.case_scoring(under_review).people}
    assert contributions[ceo.pk] == Decimal("6.00")


def test_only_the_expert_reviews_and_only_under_review(under_review, applicant, unit_head):  # noqa: F811
    for person in (applicant, unit_head):
        with pytest.raises(ApplicationError):
            services.section_review_set(case=under_review, section="people", status="accepted", note="", guidance="",
                                        by=person)


def test_a_deficient_section_needs_guidance_and_becomes_a_notice_that_pauses_the_clock(under_review, expert, applicant):
    with pytest.raises(ApplicationError):
        services.section_review_set(case=under_review, section="finance", status="deficient",
                                    note="اظهارنامه ۱۴۰۰ نیست",
                                    guidance="", by=expert)
    services.section_review_set(case=under_review, section="finance", status="deficient", note="اظهارنامه ۱۴۰۰ نیست",
                                guidance="اظهارنامه سال ۱۴۰۰ را بیفزایید", by=expert)
    under_review.refresh_from_db()
    notice = services.deficiency_notice_from_reviews(case=under_review, summary="", by=expert,
                                                     expected_version=under_review.version)
    item = notice.items.get()
    assert "مالی" in item.text and item.guidance == "اظهارنامه سال 1400 را بیفزایید"  # stored with ASCII digits
    under_review.refresh_from_db()
    assert under_review.state == "deficiencies_notified" and not under_review.sla_running
    # the applicant fixes the dossier and resubmits
    services.financial_add(case=under_review, by=applicant, fiscal_year=1400, turnover_rials=3_000_000_000,
                           tax_return_number="T-1400")
    under_review.refresh_from_db()
    case = case_services.case_resubmit(case=under_review, answers={item.pk: "افزوده شد"}, by=applicant,
                                       expected_version=under_review.version)
    assert case.state == "under_review" and case.sla_running


def test_send_to_approver_needs_every_section_accepted(under_review, expert):
    with pytest.raises(ApplicationError) as error:
        case_services.case_transition(case=under_review, name="send_to_approver", by=expert)
    assert "پذیرفت" in error.value.message or "بخش" in error.value.message
    _accept_all(under_review, expert)
    assert case_services.case_transition(case=under_review, name="send_to_approver",
                                         by=expert).state == "awaiting_approval"


# -- the approver ----------------------------------------------------------------------------------

@pytest.fixture
def awaiting(under_review, expert):
    _accept_all(under_review, expert)
    return case_services.case_transition(case=under_review, name="send_to_approver", by=expert)


def test_approval_issues_the_certificate_the_registry_entry_and_the_referral(awaiting, unit_head):  # noqa: F811
    certificate = services.grades_approve(case=awaiting, granted={"building": 4}, reasons={}, by=unit_head,
                                          expected_version=awaiting.version)
    awaiting.refresh_from_db()
    assert awaiting.state == "certificate_issued" and awaiting.closed_at is not None and not awaiting.sla_running
    assert certificate.document_type.code == "grade_certificate" and certificate.case == awaiting
    assert certificate.content["grades"] == [{"field": "building", "name": "ساختمان", "grade": 4}]
    entry = RegistryEntry.objects.get(certificate=certificate)
    assert entry.national_id == awaiting.organization.national_id and entry.grades[0]["grade"] == 4
    referral = Referral.objects.get(case=awaiting)
    assert referral.payload["certificate"]["number"] == certificate.number
    assert referral.payload["grades"][0]["granted"] == 4
    states = list(CaseEvent.objects.filter(case=awaiting).exclude(to_state="").values_list("to_state", flat=True))
    assert states[-2:] == ["approved", "certificate_issued"]


def test_a_lower_grade_needs_a_reason_and_a_higher_one_is_refused(awaiting, unit_head):  # noqa: F811
    for granted, reasons in (({"building": 5}, {}), ({"building": 3}, {"building": "x"}), ({"building": None}, {})):
        with pytest.raises(ApplicationError):
            services.grades_approve(case=awaiting, granted=granted, reasons=reasons, by=unit_head,
                                    expected_version=awaiting.version)
    awaiting.refresh_from_db()
    assert (awaiting.state == "awaiting_approval" and not GradeGrant.objects.exists()
            and not RegistryEntry.objects.exists())
    services.grades_approve(case=awaiting, granted={"building": 5}, reasons={"building": "سابقه کافی برای پایه ۴ نیست"},
                            by=unit_head, expected_version=awaiting.version)
    grant = GradeGrant.objects.get(case=awaiting)
    assert (grant.requested_grade, grant.granted_grade) == (4, 5) and grant.reason


def _scores_support_only_grade_5(case):
    """The pinned table's grade-4 staff minimum raised beyond the case's score: the figures support only 5."""
    GradeThreshold.objects.filter(table=case.qualification.scoring_table, grade=4).update(
        min_staff_score=Decimal(1000))


def test_a_grant_above_the_scoring_result_needs_a_recorded_reason(awaiting, unit_head):  # noqa: F811
    assert selectors.supported_grades(selectors.case_scoring(awaiting)) == {"building": 4}
    _scores_support_only_grade_5(awaiting)
    assert selectors.supported_grades(selectors.case_scoring(awaiting)) == {"building": 5}
    with pytest.raises(ApplicationError) as error:
        services.grades_approve(case=awaiting, granted={"building": 4}, reasons={}, by=unit_head,
                                expected_version=awaiting.version)
    assert error.value.code == "departs_from_scoring" and "دلیل" in error.value.message
    assert not GradeGrant.objects.exists()
    services.grades_approve(case=awaiting, granted={"building": 4}, reasons={"building": "سوابق اجرایی ملی تأیید شد"},
                            by=unit_head, expected_version=awaiting.version)
    grant = GradeGrant.objects.get(case=awaiting)
    assert (grant.supported_grade, grant.granted_grade, grant.scoring_departure) == (5, 4, "above")
    assert grant.reason == "سوابق اجرایی ملی تأیید شد"


def test_a_grant_that_follows_the_scoring_result_records_no_departure(awaiting, unit_head):  # noqa: F811
    services.grades_approve(case=awaiting, granted={"building": 4}, reasons={}, by=unit_head,
                            expected_version=awaiting.version)
    assert GradeGrant.objects.get(case=awaiting).scoring_departure == ""


def test_approval_despite_a_registry_mismatch_needs_a_recorded_reason(awaiting, unit_head, client):  # noqa: F811
    """Issue 17 point 1: a deceased person answered by the civil registry blocks approval until the approver
    writes why; the reason is recorded on the case and shown on its page."""
    Inquiry.objects.create(case=awaiting, source=InquirySource.objects.get(code="civil_registry"), label="بهروز نادری",
                           subject={"national_id": "0071020012"}, declared={"full_name": "بهروز نادری"},
                           status=InquiryStatus.ANSWERED, mismatches=[
                               {"field": "full_name", "declared": "بهروز نادری", "registry": "کریم صالحی"},
                               {"field": "alive", "declared": True, "registry": False}])
    login(client, unit_head)
    page = client.get(f"/cases/{awaiting.public_id}/").content.decode()
    assert "مغایرت" in page and "کریم صالحی" in page
    with pytest.raises(ApplicationError) as error:
        services.grades_approve(case=awaiting, granted={"building": 4}, reasons={}, by=unit_head,
                                expected_version=awaiting.version)
    assert "مغایرت" in error.value.message and "بهروز نادری" in error.value.message
    awaiting.refresh_from_db()
    assert awaiting.state == "awaiting_approval" and not GradeGrant.objects.exists()
    services.grades_approve(case=awaiting, granted={"building": 4}, reasons={}, by=unit_head,
                            expected_version=awaiting.version,
                            mismatch_reason="گواهی انحصار وراثت و معرفی مدیرعامل جدید ارائه شد")
    awaiting.refresh_from_db()
    assert awaiting.state == "certificate_issued"
    event = CaseEvent.objects.get(case=awaiting, data__has_key="registry_mismatch_reason")
    assert event.actor == unit_head and "گواهی انحصار وراثت" in event.comment
    page = client.get(f"/cases/{awaiting.public_id}/").content.decode()
    assert "گواهی انحصار وراثت و معرفی مدیرعامل جدید ارائه شد" in page


def test_the_expert_cannot_approve(awaiting, expert):
    with pytest.raises(ApplicationError):
        services.grades_approve(case=awaiting, granted={"building": 4}, reasons={}, by=expert,
                                expected_version=awaiting.version)


def test_a_stale_approval_changes_nothing(awaiting, unit_head):  # noqa: F811
    with pytest.raises(ApplicationError):
        services.grades_approve(case=awaiting, granted={"building": 4}, reasons={}, by=unit_head,
                                expected_version=awaiting.version - 1)
    assert not GradeGrant.objects.exists()


def test_rejection_needs_reasons(awaiting, unit_head):  # noqa: F811
    with pytest.raises(ApplicationError):
        case_services.case_transition(case=awaiting, name="reject", by=unit_head)
    case = case_services.case_transition(case=awaiting, name="reject", by=unit_head, comment="مدارک جعلی")
    assert case.state == "rejected" and case.closed_at is not None


def test_a_rejected_contractor_gets_a_letter_saying_why_and_how_to_object(awaiting, unit_head):  # noqa: F811
    """Issue 17 point 3: service 4's rejection was an SMS «…: ردشده.» and no letter."""
    case_services.case_transition(case=awaiting, name="reject", by=unit_head, comment="مدارک جعلی")
    letter = OfficialDocument.objects.get(case=awaiting, document_type__code="decision_letter")
    assert "مدارک جعلی" in str(letter.content["items"]) and "اعتراض" in letter.content["closing"]
    assert letter.holder_name == awaiting.organization.name
    body = OutboxMessage.objects.filter(case_id=awaiting.pk, channel="inapp").latest("pk").body
    assert "رد شد" in body and "مدارک جعلی" in body and f"/cases/{awaiting.public_id}/" in body


def test_violations_are_recorded_against_the_company(company, expert, applicant):
    violation = services.violation_record(organization=company, instruction="42787", occurred_on=dt.date(2025, 1, 1),
                                          description="تأخیر در اجرای پیمان", decision="", by=expert)
    assert violation.organization == company
    for bad in ({"instruction": "1"}, {"occurred_on": dt.date(2099, 1, 1)}, {"description": " "}):
        args = {"organization": company, "instruction": "42787", "occurred_on": dt.date(2025, 1, 1),
                "description": "x", "decision": "", "by": expert} | bad
        with pytest.raises(ApplicationError):
            services.violation_record(**args)
    with pytest.raises(ApplicationError):
        services.violation_record(organization=company, instruction="42787", occurred_on=dt.date(2025, 1, 1),
                                  description="x", decision="", by=applicant)


def test_a_consultant_gets_a_consulting_certificate_and_a_contractor_a_contracting_one(awaiting, unit_head,
                                                                                       tmp_path):  # noqa: F811
    """The applicant kind chooses the type, so the printout carries the seed's title for that kind."""
    contractor = services._certificate_issue(awaiting, by=unit_head)
    assert contractor.document_type.title == "گواهینامه صلاحیت پیمانکاری"
    awaiting.data = {**awaiting.data, "kind": "consultant"}
    awaiting.save(update_fields=["data"])
    consultant = services._certificate_issue(awaiting, by=unit_head)
    assert consultant.document_type.code == "consulting_certificate"
    assert consultant.document_type.title == "گواهینامه صلاحیت مشاوره"
    text = pdf_text(document_pdf(consultant), tmp_path)
    assert "مشاوره" in text and "پیمانکاری" not in text
    assert "پیمانکاری" in pdf_text(document_pdf(contractor), tmp_path)


# -- a natural-person contractor (issue 17 point 5) ------------------------------------------------

@pytest.fixture
def natural_draft(contractor_service, applicant):
    case = case_services.case_create(service=contractor_service, applicant=applicant)
    return case_services.case_data_update(case=case, data={"kind": "contractor", "contractor_type": 1,
                                                           "fields": [{"field": "building", "grade": 5}]},
                                          title="", by=applicant, expected_version=case.version)


def _person(case, by, role, national_id):
    return services.person_add(case=case, by=by, role=role, first_name="نرگس", last_name="شریفی",
                               national_id=national_id,
                               degree_level="master", study_field="مهندسی عمران", experience_years=12,
                               scoring_field="building")


def test_a_natural_person_lists_himself_not_a_chief_executive(natural_draft, applicant):
    for role in ("ceo", "board_member", "shareholder"):
        with pytest.raises(ApplicationError) as error:
            _person(natural_draft, applicant, role, applicant.national_id)
        assert error.value.code == "role" and "حقیقی" in error.value.message
    with pytest.raises(ApplicationError):  # «شخص متقاضی» is the applicant, with his own national ID
        _person(natural_draft, applicant, "applicant", "0030000017")
    people = next(s for s in selectors.dossier_sections(natural_draft) if s.code == "people")
    assert any("خود" in str(p) or "متقاضی" in str(p) for p in people.problems)
    person = _person(natural_draft, applicant, "applicant", applicant.national_id)
    assert person.get_role_display() == "شخص متقاضی"
    _person(natural_draft, applicant, "scoring_staff", "0030000017")
    people = next(s for s in selectors.dossier_sections(natural_draft) if s.code == "people")
    assert people.problems == []


def test_a_company_does_not_list_the_applicant_himself(company_draft, applicant):
    company_draft = case_services.case_data_update(
        case=company_draft,
        data={"kind": "contractor", "contractor_type": 1, "fields": [{"field": "building", "grade": 5}]},
        title="", by=applicant, expected_version=company_draft.version)
    with pytest.raises(ApplicationError):
        _person(company_draft, applicant, "applicant", applicant.national_id)
    assert _person(company_draft, applicant, "ceo", applicant.national_id).role == "ceo"


def test_a_natural_persons_grade_certificate_prints_no_english_kind(natural_draft, applicant, unit_head,
                                                                    tmp_path):  # noqa: F811


    Case.objects.filter(pk=natural_draft.pk).update(
        state="awaiting_approval", tracking_number=case_services._next_tracking_number(natural_draft.service))
    natural_draft.refresh_from_db()
    certificate = services.grades_approve(case=natural_draft, granted={"building": 5}, reasons={}, by=unit_head,
                                          expected_version=natural_draft.version)
    assert certificate.holder_kind == "natural" and certificate.holder_kind_label == "شخص حقیقی"
    text = pdf_text(document_pdf(certificate), tmp_path)
    assert "شخصحقیقی" in text and "natural" not in text.lower()
    words = re.findall(r"[A-Za-z]{3,}", re.sub(r"https?/+[\w.-]+/verify/[0-9a-f-]+/", "", text))  # but the QR's address
    assert not words, words
