"""Service 2 through its process: the whole way to a licence and every branch the issue names."""
import datetime as dt
import io
from importlib import import_module

import pytest
from django.core.management import call_command
from django.utils import timezone

from khedmat.appointments import services as appointments
from khedmat.appointments.models import ScoringCriterion
from khedmat.cases.models import Case
from khedmat.cases.services import (
    case_create,
    case_data_update,
    case_resubmit,
    case_submit,
    case_transition,
    deficiency_notice_issue,
)
from khedmat.catalog.models import Service
from khedmat.certificates.services import effective_status
from khedmat.committees.models import Invitation
from khedmat.core.exceptions import ApplicationError
from khedmat.inquiries.models import Inquiry, InquirySource, InquiryStatus
from khedmat.inquiries.services import inquiry_answer_record, inquiry_request, mismatch_acceptances
from khedmat.payments.models import Invoice
from khedmat.services.institute_accreditation import services
from khedmat.services.institute_accreditation.models import Accreditation, SupervisionRecord
from khedmat.services.institute_accreditation.selectors import licensed_domains, request_problems
from khedmat.services.institute_accreditation.tests.conftest import at_working_hour, started, upload
from khedmat.services.institute_accreditation.workflow import PROCESS

pytestmark = pytest.mark.django_db


def test_the_whole_way_to_an_active_licence_creates_no_invoice(journey):
    case = journey("active")
    accreditation = Accreditation.objects.get(case=case)
    assert case.state == "active"
    assert accreditation.secretariat_number and accreditation.introduction_letter.number.startswith("94-")
    licence = accreditation.licence
    assert licence.number.startswith("2-") and licence.holder_name == "موسسه آموزشی افق دانش"
    assert {d.code for d in accreditation.granted_domains.all()} == {"leadership", "hr"}
    assert any("تهران" in row["value"] for row in licence.scope)
    assert not Invoice.objects.exists()  # the service is free
    assert case.process.fee is None


def test_the_committee_may_grant_fewer_domains_with_a_reason(journey, head):
    case = journey("committee_approved")
    with pytest.raises(ApplicationError) as refused:
        services.licence_issue(case=case, domain_codes=["leadership"], note="", by=head)
    assert refused.value.code == "note_required"
    with pytest.raises(ApplicationError) as refused:
        services.licence_issue(case=case, domain_codes=["security"], note="x", by=head)
    assert refused.value.code == "not_requested"
    services.licence_issue(case=case, domain_codes=["leadership"], note="کمیته فقط رهبری را تأیید کرد", by=head)
    assert [d.code for d in Accreditation.objects.get(case=case).granted_domains.all()] == ["leadership"]


def test_the_licence_despite_a_registry_mismatch_needs_a_recorded_reason(journey, head):
    """Issue 17 point 1: a dissolved company in the gazette's answer blocks the licence until a reason is written."""
    case = journey("committee_approved")
    Inquiry.objects.create(case=case, source=InquirySource.objects.get(code="official_gazette"), label="موسسه",
                           subject={"organization_id": case.organization.national_id}, status=InquiryStatus.ANSWERED,
                           mismatches=[{"field": "status", "declared": "active", "registry": "dissolved"}])
    with pytest.raises(ApplicationError) as refused:
        services.licence_issue(case=case, domain_codes=["leadership", "hr"], note="", by=head)
    assert "مغایرت" in refused.value.message
    case.refresh_from_db()
    assert case.state == "committee_approved" and not mismatch_acceptances(case)
    services.licence_issue(case=case, domain_codes=["leadership", "hr"], note="", by=head,
                           mismatch_reason="آگهی ابطال انحلال در روزنامه رسمی ارائه شد")
    case.refresh_from_db()
    assert case.state == "licence_issued"
    reason = mismatch_acceptances(case)[0].data["registry_mismatch_reason"]
    assert reason == "آگهی ابطال انحلال در روزنامه رسمی ارائه شد"


def test_an_incomplete_file_goes_back_with_the_list_and_no_number(journey, expert, ceo):
    case = journey("filed")
    with pytest.raises(ApplicationError):
        services.return_incomplete(case=case, missing=[], note=" ", by=expert)
    services.return_incomplete(case=case, missing=["فرم چهارم"], note="معرفی‌نامه امضا ندارد", by=expert)
    case.refresh_from_db()
    accreditation = Accreditation.objects.get(case=case)
    assert case.state == "returned_incomplete" and accreditation.secretariat_number is None
    assert accreditation.incomplete_returns == 1
    event = case.events.filter(transition="return_incomplete").get()
    assert "فرم چهارم" in event.comment and event.data["missing"] == ["فرم چهارم", "معرفی‌نامه امضا ندارد"]
    upload(case, "form_4", ceo)
    case = case_transition(case=case, name="refile", by=ceo)
    assert case.state == "filed"
    services.register(case=case, by=expert)
    assert Accreditation.objects.get(case=case).secretariat_number


def test_two_rounds_of_written_deficiencies(journey, expert, ceo):
    case = journey("document_review")
    for round_ in (1, 2):
        notice = deficiency_notice_issue(case=case, items=[{"text": f"نقص {round_}", "guidance": "اصلاح کنید"}],
                                         summary="", by=expert, expected_version=None)
        case.refresh_from_db()
        assert case.state == "deficiencies_notified" and notice.round == round_
        assert case.official_documents.filter(document_type__code="deficiency_letter").count() == round_
        case = case_resubmit(case=case, answers={notice.items.get().pk: "اصلاح شد"}, by=ceo,
                             expected_version=case.version)
        assert case.state == "document_review"


def test_the_committee_returns_the_file_for_deficiencies(journey):
    case = journey("awaiting_committee")
    journey.committee_decide([case], "return", reasons="برنامه آموزشی ناقص است", guidance="برنامه را کامل کنید")
    case.refresh_from_db()
    assert case.state == "deficiencies_notified"
    assert case.deficiency_notices.get().items.get().guidance == "برنامه را کامل کنید"


def test_the_committee_rejects_with_reasons(journey):
    case = journey("awaiting_committee")
    journey.committee_decide([case], "reject", reasons="سوابق آموزشی کافی نیست")
    case.refresh_from_db()
    assert case.state == "rejected" and case.closed_at is not None
    assert "سوابق آموزشی کافی نیست" in case.events.filter(transition="committee_reject").get().comment


def test_the_ceo_is_invited_to_the_committee(journey):
    case = journey("awaiting_committee")
    journey.committee_decide([case], "approve")
    invitation = Invitation.objects.get(kind="applicant")
    assert invitation.user == case.applicant and invitation.letter.case_id == case.pk


def test_a_domain_upgrade_needs_form_8_and_a_new_domain(journey, ceo, institute):
    licensed = journey("active", codes=("leadership",))
    number = Accreditation.objects.get(case=licensed).licence.number
    upgrade = journey("active", kind="domain_upgrade", codes=("leadership", "finance"), previous=number)
    assert {d.code for d in Accreditation.objects.get(case=upgrade).granted_domains.all()} == {"leadership", "finance"}
    # The upgraded licence replaces the old one: its own state (not a revocation), linked both ways.
    old = Accreditation.objects.get(case=licensed).licence
    old.refresh_from_db()
    new = Accreditation.objects.get(case=upgrade).licence
    assert old.status == "replaced" and old.replacement == new and new.replaces == old
    assert Case.objects.get(pk=licensed.pk).state == "superseded"
    # Without form 8, or without a new domain, it cannot be sent.
    case = case_create(service=Service.objects.get(code="institute_accreditation"), applicant=ceo,
                       organization=institute)
    data = {"request_kind": "domain_upgrade", "group": "management", "domains": ["leadership", "hr"],
            "channel": "online", "previous_licence": number}
    case = case_data_update(case=case, data=data, title="x", by=ceo, expected_version=case.version)
    for code in ("form_1", "form_2", "form_3", "form_4", "form_5", "form_6"):
        upload(case, code, ceo)
    case.refresh_from_db()
    with pytest.raises(ApplicationError) as refused:
        case_submit(case=case, by=ceo, expected_version=case.version)
    assert "۸" in refused.value.message or "8" in refused.value.message
    upload(case, "form_8", ceo)
    case.refresh_from_db()
    case = case_data_update(case=case, data={**data, "domains": ["leadership"]}, title="x", by=ceo,
                            expected_version=case.version)
    with pytest.raises(ApplicationError) as refused:
        case_submit(case=case, by=ceo, expected_version=case.version)  # nothing new to upgrade to
    assert refused.value.message == str(request_problems(case)[0]) and len(request_problems(case)) == 1
    assert Case.objects.get(pk=case.pk).tracking_number is None


def test_suspension_reinstatement_and_revocation_change_the_licence_too(journey, head, expert):
    case = journey("active")
    services.supervision_record(case=case, kind="warning", text="دوره خارج از برنامه", by=expert)
    case = services.licence_act(case=case, act="suspend", reason="تخلف در حیطه", by=head)
    licence = Accreditation.objects.get(case=case).licence
    licence.refresh_from_db()
    assert case.state == "suspended" and effective_status(licence) == "suspended"
    case = services.licence_act(case=case, act="reinstate", reason="رفع تخلف", by=head)
    licence.refresh_from_db()
    assert case.state == "active" and effective_status(licence) == "valid"
    with pytest.raises(ApplicationError):
        services.licence_act(case=case, act="revoke", reason="", by=head)
    with pytest.raises(ApplicationError):
        services.licence_act(case=case, act="revoke", reason="تکرار تخلف", by=expert)  # only the unit head
    case = services.licence_act(case=case, act="revoke", reason="تکرار تخلف", by=head)
    licence.refresh_from_db()
    assert case.state == "revoked" and licence.status == "revoked"
    kinds = list(SupervisionRecord.objects.filter(case=case).order_by("recorded_at").values_list("kind", flat=True))
    assert kinds == ["warning", "suspension", "reinstatement", "revocation"]


def test_a_licence_whose_validity_ended_expires(journey):
    case = journey("active")
    licence = Accreditation.objects.get(case=case).licence
    type(licence).objects.filter(pk=licence.pk).update(valid_until=timezone.localdate() - dt.timedelta(days=1))
    assert services.licences_expire() == 1
    case.refresh_from_db()
    assert case.state == "expired"
    assert services.licences_expire() == 0


def test_the_licence_limits_the_institute_to_its_domains_and_province(journey, institute, isfahan, tehran):
    journey("active", codes=("leadership",))
    assert licensed_domains(organization_id=institute.pk, province_id=tehran.pk) == {"leadership"}
    services.institute_assignment_check(organization=institute, domain_code="leadership", province_id=tehran.pk)
    for domain, province in (("hr", tehran), ("leadership", isfahan)):
        with pytest.raises(ApplicationError) as refused:
            services.institute_assignment_check(organization=institute, domain_code=domain, province_id=province.pk)
        assert refused.value.code == "outside_licence"


def test_a_violation_is_recorded_with_its_date(journey, expert):
    case = journey("active")
    with pytest.raises(ApplicationError):
        services.violation_record(case=case, kind="outside_province", description="دوره در قزوین",
                                  occurred_on=timezone.localdate() + dt.timedelta(days=2), by=expert)
    violation = services.violation_record(case=case, kind="outside_province", description="دوره در قزوین",
                                          occurred_on=timezone.localdate(), by=expert)
    assert violation.case == case and case.scope_violations.count() == 1


def test_only_institutes_can_send_a_request(domains, applicant, django_capture_on_commit_callbacks):
    case = case_create(service=Service.objects.get(code="institute_accreditation"), applicant=applicant)
    case = case_data_update(case=case, data={"request_kind": "new_licence", "group": "management", "domains": ["hr"],
                                             "channel": "online"}, title="x", by=applicant,
                            expected_version=case.version)
    with pytest.raises(ApplicationError):
        case_submit(case=case, by=applicant, expected_version=case.version)


def test_the_ceo_certificates_may_come_by_written_inquiry(journey, expert, django_capture_on_commit_callbacks):
    case = journey("ceo_checks_pending")
    with pytest.raises(ApplicationError):
        case_transition(case=case, name="send_ceo_certificates", by=expert)
    for code in ("criminal_record", "addiction_test"):
        with django_capture_on_commit_callbacks(execute=True):
            inquiry = inquiry_request(case=case, source=InquirySource.objects.get(code=code),
                                      subject={"national_id": case.applicant.national_id}, label="مدیرعامل", by=expert)
        inquiry.refresh_from_db()
        inquiry_answer_record(inquiry=inquiry, answer_text="فاقد سوء پیشینه / منفی", by=expert)
    case = case_transition(case=Case.objects.get(pk=case.pk), name="send_ceo_certificates", by=expert)
    assert case.state == "awaiting_committee"


def test_the_expiry_command_runs_the_sweep(journey):

    case = journey("active")
    licence = Accreditation.objects.get(case=case).licence
    type(licence).objects.filter(pk=licence.pk).update(valid_until=timezone.localdate() - dt.timedelta(days=3))
    out = io.StringIO()
    call_command("licences_expire", stdout=out)
    assert "licences expired: 1" in out.getvalue()


def test_a_supervision_visit_of_a_licensed_institute_is_a_finding(journey, expert, ceo):
    case = journey("active")
    start = at_working_hour(case.province, 2)
    visit = appointments.appointment_propose(case=case, kind="supervision_visit", starts_at=start,
                                             ends_at=start + dt.timedelta(hours=1), place="محل موسسه", staff=[expert],
                                             by=expert)
    scores = {c.pk: 30 for c in ScoringCriterion.objects.filter(scheme__code="institute_supervision")}
    appointments.visit_report_record(appointment=started(visit), notes="دوره‌ها طبق برنامه برگزار می‌شود",
                                     applicant_present=True, scores=scores, by=expert)
    record = SupervisionRecord.objects.get(case=case)
    assert record.kind == "finding" and record.appointment == visit and "طبق برنامه" in record.text
    assert Case.objects.get(pk=case.pk).state == "active"


def test_every_internal_transition_and_act_names_the_function_that_runs_it():
    actions = [t for t in PROCESS.transitions if t.internal] + list(PROCESS.acts)
    assert {a.name for a in PROCESS.acts} == {"binder_receive", "supervision_record", "violation_record"}
    for action in actions:
        module, _dot, name = action.runs.rpartition(".")
        assert callable(getattr(import_module(module), name, None)), (action.name, action.runs)
