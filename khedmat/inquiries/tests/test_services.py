import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.apps import apps
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from khedmat.accounts.models import User
from khedmat.cases import services as cases
from khedmat.core.exceptions import ApplicationError
from khedmat.core.jalali import TEHRAN
from khedmat.core.models import Province
from khedmat.core.validators import organization_id_complete
from khedmat.inquiries import adapters, services
from khedmat.inquiries.models import Inquiry, InquirySource, InquiryStatus
from khedmat.inquiries.tests.simulator import PASSWORDS
from khedmat.organizations import services as organizations
from khedmat.organizations.selectors import may_act_for
from khedmat.testing import make_user

pytestmark = pytest.mark.django_db


def person(national_id="0020000014", first="نرگس", last="شریفی"):
    return User.objects.filter(national_id=national_id).first() or make_user(national_id=national_id, first_name=first,
                                                                             last_name=last)


@pytest.fixture
def registered_applicant(db):
    return person()


@pytest.fixture
def known_case(test_service, registered_applicant, upload, django_capture_on_commit_callbacks):
    case = cases.case_create(service=test_service, applicant=registered_applicant)
    case = cases.case_data_update(case=case, data={"subject": "x"}, title="x", by=registered_applicant,
                                  expected_version=case.version)
    upload(case, "id_card", registered_applicant)
    upload(case, "letter", registered_applicant)
    case.refresh_from_db()
    return case


def submit(case, by, capture):
    with capture(execute=True):
        return cases.case_submit(case=case, by=by, expected_version=case.version)


def test_inquiries_are_sent_automatically_on_submission(simulator, inquiring_process, known_case, registered_applicant,
                                                         django_capture_on_commit_callbacks):
    submit(known_case, registered_applicant, django_capture_on_commit_callbacks)
    inquiry = Inquiry.objects.get(case=known_case, source__code="civil_registry")
    assert inquiry.automatic and inquiry.status == InquiryStatus.ANSWERED
    assert inquiry.result["last_name"] == "شریفی" and inquiry.mismatches == []
    assert inquiry.response_raw and len(inquiry.response_sha256) == 64 and inquiry.sent_at and inquiry.answered_at


def test_a_name_that_differs_from_the_registry_is_flagged(simulator, known_case, expert):
    source = InquirySource.objects.get(code="civil_registry")
    inquiry = services.inquiry_request(case=known_case, source=source, subject={"national_id": "0020000014"},
                                       declared={"first_name": "نرگس", "last_name": "شریف‌زاده"}, label="x", by=expert)
    inquiry = services.inquiry_run(inquiry.pk)
    assert [m["field"] for m in inquiry.mismatches] == ["last_name"]


def test_a_company_missing_from_the_gazette_is_flagged(simulator, known_case, expert):
    source = InquirySource.objects.get(code="official_gazette")
    inquiry = services.inquiry_request(case=known_case, source=source, subject={"organization_id": "10380284790"},
                                       declared={"name": "شرکت ناموجود"}, label="x", by=expert)
    inquiry = services.inquiry_run(inquiry.pk)
    assert inquiry.status == InquiryStatus.NOT_FOUND and inquiry.mismatches


def test_unavailable_then_retry_then_success(simulator, known_case, expert):
    simulator.control("fail", registry="civil_registry")
    source = InquirySource.objects.get(code="civil_registry")
    inquiry = services.inquiry_request(case=known_case, source=source, subject={"national_id": "0020000014"}, by=expert)
    inquiry = services.inquiry_run(inquiry.pk)
    assert inquiry.status == InquiryStatus.UNAVAILABLE and inquiry.attempts == 1
    assert inquiry.next_attempt_at > timezone.now()
    assert services.inquiries_retry_due() == 0  # not yet due
    simulator.control("normal")
    with time_machine.travel(inquiry.next_attempt_at + dt.timedelta(seconds=1)):
        assert services.inquiries_retry_due() == 1
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.ANSWERED and inquiry.attempts == 2


def test_a_source_that_never_answers_fails_clearly(simulator, known_case, expert, settings):
    settings.REGISTRY_MAX_ATTEMPTS = 3
    simulator.control("fail")
    source = InquirySource.objects.get(code="civil_registry")
    inquiry = services.inquiry_request(case=known_case, source=source, subject={"national_id": "0020000014"}, by=expert)
    when = timezone.now()
    for _ in range(3):
        when += dt.timedelta(hours=3)
        with time_machine.travel(when):
            services.inquiries_retry_due()
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.FAILED and inquiry.attempts == 3
    assert "۳" in inquiry.last_error or "3" in inquiry.last_error


def test_a_malformed_answer_is_refused_without_crashing(simulator, known_case, expert):
    simulator.control("garbage")
    source = InquirySource.objects.get(code="civil_registry")
    inquiry = services.inquiry_request(case=known_case, source=source, subject={"national_id": "0020000014"}, by=expert)
    inquiry = services.inquiry_run(inquiry.pk)
    assert inquiry.status == InquiryStatus.FAILED and inquiry.result == {} and inquiry.response_sha256


def test_a_manual_inquiry_sends_a_numbered_letter_and_records_the_answer(known_case, expert):
    source = InquirySource.objects.get(code="samed")
    inquiry = services.inquiry_request(case=known_case, source=source, subject={"details": "تعداد شکایات رسیدگی‌شده"},
                                       label="شکایات سامد", by=expert)
    assert inquiry.status == InquiryStatus.LETTER_SENT and inquiry.letter.document_type.code == "inquiry_letter"
    assert inquiry.due_at - inquiry.sent_at == dt.timedelta(days=7)
    with pytest.raises(ApplicationError):
        services.inquiry_answer_record(inquiry=inquiry, answer_text=" ", by=expert)
    services.inquiry_answer_record(inquiry=inquiry, answer_text="۱۲ شکایت رسیدگی شد", by=expert)
    inquiry.refresh_from_db()
    assert inquiry.status == InquiryStatus.ANSWERED and inquiry.answer_text == "12 شکایت رسیدگی شد"


def test_overdue_in_calendar_or_working_days(known_case, expert):
    source = InquirySource.objects.get(code="samed")
    with time_machine.travel(dt.datetime(2026, 12, 12, 9, tzinfo=dt.timezone.utc)):  # a Saturday
        inquiry = services.inquiry_request(case=known_case, source=source, subject={"details": "x"}, by=expert)
    assert not services.is_overdue(inquiry, now=inquiry.sent_at + dt.timedelta(days=6))
    assert services.is_overdue(inquiry, now=inquiry.sent_at + dt.timedelta(days=8))
    source.expected_unit = "working_days"
    source.expected_time = 5
    source.save()
    with time_machine.travel(dt.datetime(2026, 12, 12, 9, tzinfo=dt.timezone.utc)):
        working = services.inquiry_request(case=known_case, source=source, subject={"details": "x"}, by=expert)
    # 5 Tehran working days after Saturday: Sun–Wed and the next Saturday; due at the end of that Saturday.
    assert working.due_at == dt.datetime(2026, 12, 20, 0, 0, tzinfo=TEHRAN)
    assert not services.is_overdue(working, now=dt.datetime(2026, 12, 19, 12, tzinfo=dt.timezone.utc))
    assert services.is_overdue(working, now=dt.datetime(2026, 12, 20, 12, tzinfo=dt.timezone.utc))


def test_random_selection_takes_the_configured_share_reproducibly():
    items = [f"doc{i}" for i in range(100)]
    picked = services.written_inquiry_sample(items, Decimal("0.3"), seed="case-1")
    assert len(picked) == 30 and set(picked) <= set(items)
    assert picked == services.written_inquiry_sample(items, Decimal("0.3"), seed="case-1")
    assert picked != services.written_inquiry_sample(items, Decimal("0.3"), seed="case-2")
    assert services.written_inquiry_sample(items, None, seed="x") == []
    assert services.written_inquiry_sample(items, Decimal("0"), seed="x") == []


def test_documents_are_picked_for_written_inquiry_on_submission(simulator, inquiring_process, known_case,
                                                                registered_applicant,
                                                                django_capture_on_commit_callbacks):
    InquirySource.objects.filter(code="document_issuer").update(written_sample_rate=Decimal("0.67"))
    submit(known_case, registered_applicant, django_capture_on_commit_callbacks)
    sampled = Inquiry.objects.filter(case=known_case, sampled=True)
    assert sampled.count() == 2 and all(i.letter_id for i in sampled)


def test_the_social_security_password_is_never_stored(simulator, known_case, expert):
    secret = PASSWORDS["0020000014"]
    inquiry = services.social_security_check(case=known_case, national_id="0020000014", password=secret, by=expert)
    bad = services.social_security_check(case=known_case, national_id="0020000014", password="wrong-one", by=expert)
    assert bad.status == InquiryStatus.FAILED
    for model in apps.get_models():
        text_fields = [f.attname for f in model._meta.concrete_fields if f.get_internal_type() in ("CharField",
                                                                                                   "TextField",
                                                                                                   "JSONField")]
        for row in model.objects.values_list(*text_fields) if text_fields else []:
            assert secret not in str(row) and "wrong-one" not in str(row), model
    assert inquiry.requested_by == expert and inquiry.sent_at and inquiry.status == InquiryStatus.ANSWERED
    assert inquiry.result["insured"] is True


def test_an_inquiry_needs_a_case_and_no_secret(expert):
    source = InquirySource.objects.get(code="civil_registry")
    with pytest.raises(ApplicationError):
        services.inquiry_request(case=None, source=source, subject={"national_id": "0020000014"}, by=expert)


ENGLISH_ERROR_TEXT = ("unexpected keyword", "query()", "Traceback", "HTTP", "Error", "civil_registry")


def test_an_inquiry_with_a_parameter_its_source_does_not_take_is_refused_in_persian(known_case, expert):
    source = InquirySource.objects.get(code="civil_registry")
    with pytest.raises(ApplicationError) as refusal:
        services.inquiry_request(case=known_case, source=source, subject={"national_id": "0020000014", "year": 1403},
                                 label="x", by=expert)
    assert refusal.value.code == "invalid_subject" and refusal.value.extra == {"fields": ["year"]}
    assert "سال" in refusal.value.message and source.name in refusal.value.message
    assert not Inquiry.objects.filter(case=known_case).exists()


def test_a_stored_inquiry_the_adapter_cannot_take_fails_in_persian_and_logs_the_detail(known_case, expert, simulator,
                                                                                      caplog):
    source = InquirySource.objects.get(code="civil_registry")
    # As the form stored it before the check existed.
    inquiry = Inquiry.objects.create(case=known_case, source=source,
                                     subject={"national_id": "0020000014", "year": 1403},
                                     label="x", requested_by=expert)
    inquiry = services.inquiry_run(inquiry.pk)
    assert inquiry.status == InquiryStatus.FAILED and "سال" in inquiry.last_error
    assert not any(text in inquiry.last_error for text in ENGLISH_ERROR_TEXT)
    assert "year" in caplog.text  # the English detail, for the log


def test_an_adapter_defect_never_reaches_the_page(known_case, expert, monkeypatch, caplog):
    def broken(self, **subject):
        raise TypeError("CivilRegistryAdapter.query() got an unexpected keyword argument 'year'")

    monkeypatch.setattr(adapters.CivilRegistryAdapter, "query", broken)
    source = InquirySource.objects.get(code="civil_registry")
    inquiry = services.inquiry_request(case=known_case, source=source, subject={"national_id": "0020000014"}, by=expert)
    inquiry = services.inquiry_run(inquiry.pk)
    assert inquiry.status == InquiryStatus.FAILED and inquiry.last_error
    assert not any(text in inquiry.last_error for text in ENGLISH_ERROR_TEXT)
    assert "unexpected keyword argument" in caplog.text  # raw, for the log


def test_an_unavailable_source_is_described_in_persian(simulator, known_case, expert, caplog):
    simulator.control("fail", registry="civil_registry")
    source = InquirySource.objects.get(code="civil_registry")
    inquiry = services.inquiry_request(case=known_case, source=source, subject={"national_id": "0020000014"}, by=expert)
    inquiry = services.inquiry_run(inquiry.pk)
    assert inquiry.status == InquiryStatus.UNAVAILABLE
    assert not any(text in inquiry.last_error for text in ENGLISH_ERROR_TEXT) and "HTTP" in caplog.text


def test_an_automatic_inquiry_its_source_cannot_take_is_kept_failed_without_stopping_the_case(known_case):
    source = InquirySource.objects.get(code="civil_registry")
    inquiry = services.inquiry_request(case=known_case, source=source, subject={"national_id": "0020000014", "year": 1},
                                       automatic=True)
    assert inquiry.status == InquiryStatus.FAILED and "سال" in inquiry.last_error


# -- organization claims -----------------------------------------------------------------------------------

_legal_ids = iter(range(1, 10_000))


def next_organization_id() -> str:
    """A valid legal ID the registry can be asked about (its middle digits are not all zero)."""
    return organization_id_complete(f"10861{next(_legal_ids):05d}")


def _claim(by, capture, *, national_id, role="ceo", name="شرکت راهسازی آزمون", registration_number="502176"):
    with capture(execute=True):
        organization = organizations.organization_register(
            by=by, kind="company", national_id=national_id, name=name, province=Province.objects.get(code="tehran"),
            role=role, registration_number=registration_number)
    organization.refresh_from_db()
    return organization


def _gazette(simulator, national_id, signatories, name="شركت راهسازي آزمون"):
    simulator.seed("official_gazette", national_id, {
        "name": name, "registration_number": "502176", "registered_on": "1395-07-09", "notices": [],
        "signatories": signatories})


def test_a_claim_the_company_registry_confirms_is_verified(simulator, registered_applicant,
                                                          django_capture_on_commit_callbacks):
    national_id = next_organization_id()
    _gazette(simulator, national_id, [{"national_id": registered_applicant.national_id, "role": "ceo"}])
    organization = _claim(registered_applicant, django_capture_on_commit_callbacks, national_id=national_id)
    assert organization.claim_status == "verified" and organization.claim_method == "registry", organization.claim_note
    assert organization.claim_decided_by is None and organization.claim_evidence["claimant_is_ceo"] is True
    assert len(organization.claim_evidence["sha256"]) == 64
    assert may_act_for(user=registered_applicant, organization=organization)


def test_a_claim_the_registry_does_not_confirm_waits_for_staff(simulator, registered_applicant, expert,
                                                              django_capture_on_commit_callbacks):
    national_id = next_organization_id()
    # The registrant signs, but is not the CEO she claims to be; and the name is another's.
    _gazette(simulator, national_id, [{"national_id": registered_applicant.national_id, "role": "board_member"}],
             name="شرکت دیگر")
    organization = _claim(registered_applicant, django_capture_on_commit_callbacks, national_id=national_id)
    assert organization.claim_status == "pending"
    assert "مدیرعامل" in organization.claim_note and "نام ثبت‌شده" in organization.claim_note
    assert not may_act_for(user=registered_applicant, organization=organization)
    with pytest.raises(ApplicationError):
        organizations.claim_verify(organization=organization, method="staff", by=registered_applicant)
    organizations.claim_verify(organization=organization, method="staff", by=expert, note="مدارک دیده شد")
    assert may_act_for(user=registered_applicant, organization=organization)


def test_an_unknown_legal_id_waits_for_staff_and_an_unavailable_registry_is_asked_again(
        simulator, registered_applicant, django_capture_on_commit_callbacks):

    unknown = _claim(registered_applicant, django_capture_on_commit_callbacks, national_id=next_organization_id())
    assert unknown.claim_status == "pending" and "شناسه ملی" in unknown.claim_note

    national_id = next_organization_id()
    _gazette(simulator, national_id, [{"national_id": registered_applicant.national_id, "role": "ceo"}])
    simulator.control("fail", registry="official_gazette")
    organization = _claim(registered_applicant, django_capture_on_commit_callbacks, national_id=national_id)
    assert organization.claim_status == "pending" and organization.claim_next_check_at > timezone.now()
    assert services.organization_claims_retry_due() == 0  # not yet due
    simulator.control("normal")
    with time_machine.travel(organization.claim_next_check_at + dt.timedelta(seconds=1)):
        assert services.organization_claims_retry_due() == 1
    organization.refresh_from_db()
    assert organization.claim_status == "verified"


# -- issue 17 point 1: every field the registry returns is compared ------------------------------------------

def _section(case, user):
    request = RequestFactory().get("/")
    request.user = user
    return render_to_string("inquiries/_case_section.html", {"case": case, "staff_view": True}, request=request)


def test_another_person_deceased_is_a_mismatch_not_a_match(simulator, known_case, expert):
    simulator.seed("civil_registry", "0071020012",
                   {"first_name": "کریم", "last_name": "صالحی", "birth_date": "1340-01-01",
                                                  "alive": False})
    source = InquirySource.objects.get(code="civil_registry")
    staff = services.inquiry_request(case=known_case, source=source, subject={"national_id": "0071020012"},
                                     declared={"full_name": "بهروز نادری"}, label="بهروز نادری", by=expert)
    staff = services.inquiry_run(staff.pk)
    assert staff.status == InquiryStatus.ANSWERED
    assert [m["field"] for m in staff.mismatches] == ["full_name", "alive"]
    # Nothing declared at all: a deceased person is still a mismatch.
    bare = services.inquiry_run(services.inquiry_request(case=known_case, source=source, label="بدون اظهار",
                                                         subject={"national_id": "0071020012"}, by=expert).pk)
    assert [m["field"] for m in bare.mismatches] == ["alive"]
    page = _section(known_case, expert)
    assert "مغایرت" in page and "مطابق" not in page and "کریم صالحی" in page


def test_a_spelling_of_the_same_name_and_birth_date_match(simulator, known_case, expert):
    simulator.seed("civil_registry", "0071020012",
                   {"first_name": "علي", "last_name": "حسین‌زاده", "birth_date": "1360-05-12",
                                                  "alive": True})
    source = InquirySource.objects.get(code="civil_registry")
    inquiry = services.inquiry_request(case=known_case, source=source, subject={"national_id": "0071020012"},
                                       declared={"first_name": "علی", "last_name": "حسین زاده",
                                                 "birth_date": "۱۳۶۰/۰۵/۱۲"},
                                       label="x", by=expert)
    assert services.inquiry_run(inquiry.pk).mismatches == []
    other = services.inquiry_request(case=known_case, source=source, subject={"national_id": "0071020012"},
                                     declared={"first_name": "علی", "last_name": "حسین زاده",
                                               "birth_date": "1360-05-13"},
                                     label="x", by=expert)
    assert [m["field"] for m in services.inquiry_run(other.pk).mismatches] == ["birth_date"]


def test_a_dissolved_company_is_a_mismatch(simulator, known_case, expert):
    simulator.seed("official_gazette", "10320000017", {
        "name": "شرکت ساختمانی البرز کوه", "registration_number": "384512", "registered_on": "1388-04-15",
        "notices": [], "status": "dissolved"})
    source = InquirySource.objects.get(code="official_gazette")
    inquiry = services.inquiry_request(case=known_case, source=source, subject={"organization_id": "10320000017"},
                                       declared={"name": "شرکت ساختمانی البرز کوه", "registration_number": "۳۸۴۵۱۲"},
                                       label="شرکت ساختمانی البرز کوه", by=expert)
    inquiry = services.inquiry_run(inquiry.pk)
    assert inquiry.mismatches == [{"field": "status", "declared": "active", "registry": "dissolved"}]
    rows = services.mismatch_rows(inquiry)
    assert rows[0]["registry"] == "منحل‌شده" and "dissolved" not in _section(known_case, expert)


def test_a_mismatch_needs_a_recorded_reason_before_approval(known_case, expert):
    source = InquirySource.objects.get(code="civil_registry")
    inquiry = Inquiry.objects.create(case=known_case, source=source, subject={"national_id": "0071020012"},
                                     label="بهروز نادری", status=InquiryStatus.ANSWERED,
                                     mismatches=[{"field": "alive", "declared": True, "registry": False}])
    message = services.unresolved_mismatch_guard(known_case)
    assert message and "مغایرت" in message and "بهروز نادری" in message
    services.mismatches_accept(case=known_case, reason="   ", by=expert)  # an empty reason records nothing
    assert services.unresolved_mismatch_guard(known_case)
    services.mismatches_accept(case=known_case, reason="گواهی حیات ارائه شد", by=expert)
    assert services.unresolved_mismatch_guard(known_case) is None
    event = services.mismatch_acceptances(known_case)[0]
    assert event.data["inquiries"] == [inquiry.pk] and not event.public and event.actor == expert
    assert "گواهی حیات ارائه شد" in _section(known_case, expert)
