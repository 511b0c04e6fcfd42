"""Writes of service 4. The case engine moves the case; these functions keep the dossier's own records
(people, experience, tax returns), the expert's reviews and judgements, the approver's grades and the
certificate, the referral to SAJAR and the company record. Each refuses bad input with a Persian
message and changes nothing."""
from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from khedmat.accounts.models import User
from khedmat.cases import services as case_services
from khedmat.cases.models import Case
from khedmat.cases.services import case_act
from khedmat.certificates.models import HolderKind
from khedmat.certificates.services import document_issue
from khedmat.core import jalali
from khedmat.core.audit import audit_record
from khedmat.core.exceptions import ApplicationError
from khedmat.core.text import to_persian_digits
from khedmat.core.validators import InvalidIdentifier, parse_national_id
from khedmat.inquiries import services as inquiry_services
from khedmat.services.contractor_qualification import rules, sajar, selectors, selectors_registry
from khedmat.services.contractor_qualification.constants import EXPERT, GRANT_MESSAGES
from khedmat.services.contractor_qualification.models import (
    Application,
    CompanyPerson,
    ContractingField,
    DisciplinaryViolation,
    ExperienceRecord,
    FinancialRecord,
    GradeGrant,
    PersonRole,
    Referral,
    ReferralStatus,
    RegistryEntry,
    Relevance,
    ReviewStatus,
    SectionReview,
    ViolationInstruction,
)
from khedmat.services.contractor_qualification.signals import referral_queued

logger = logging.getLogger(__name__)

MAX_RIALS = 10**17  # beyond any contract or turnover; guards against typing errors overflowing a column


def _field(case: Case, code: str | None, *, required: bool) -> ContractingField | None:
    if not code:
        if required:
            raise ApplicationError(_("Choose a field of work."), code="field_required")
        return None
    if code not in selectors.requested(case):
        raise ApplicationError(_("Choose one of the fields requested in the application."), code="field_not_requested")
    return ContractingField.objects.get(code=code)


# -- the applicant's dossier ------------------------------------------------------------------------

def person_add(*, case: Case, by, role: str, first_name: str, last_name: str, national_id: str, degree_level: str,
               study_field: str, university: str = "", experience_years: int, insured_by_company: bool = False,
               insurance_number: str = "", scoring_field: str | None = None) -> CompanyPerson:
    """Add a person of the applicant (group ب)."""
    try:
        national_id = parse_national_id(national_id)
    except InvalidIdentifier:
        raise ApplicationError(_("The national ID is not valid."), code="national_id") from None
    if role not in PersonRole.values:
        raise ApplicationError(_("Choose the person's role."), code="role")
    if role not in rules.person_roles(natural=case.organization_id is None):
        raise ApplicationError(_("This role is not one of this applicant's: a natural person lists himself and his "
                                 "technical staff; a company its board, chief executive, shareholders and staff."),
                               code="role")
    if role == PersonRole.APPLICANT and national_id != case.applicant.national_id:
        raise ApplicationError(_("The applicant himself is listed with his own national ID."), code="role")
    if not first_name.strip() or not last_name.strip() or not study_field.strip():
        raise ApplicationError(_("Enter the name and the field of study."), code="required")
    if experience_years < 0 or experience_years > 70:
        raise ApplicationError(_("Years of experience must be between 0 and 70."), code="years")
    with transaction.atomic():
        locked = case_services.case_lock_for_applicant(case=case, by=by)
        field = _field(locked, scoring_field, required=False) if role != PersonRole.SHAREHOLDER else None
        if CompanyPerson.objects.filter(case=locked, national_id=national_id, role=role).exists():
            raise ApplicationError(_("This person is already listed in this role."), code="duplicate")
        person = CompanyPerson.objects.create(
            case=locked, role=role, first_name=first_name, last_name=last_name, national_id=national_id,
            degree_level=degree_level, study_field=study_field, university=university,
            experience_years=experience_years,
            insured_by_company=insured_by_company, insurance_number=insurance_number, scoring_field=field,
        )
        case_services.case_record_change(case=locked, by=by,
                                         comment=_("Person added: %(name)s") % {"name": person.full_name})
    selectors.forget(case)
    return person


def _record_remove(model, *, case: Case, by, pk: int, what: str) -> None:
    with transaction.atomic():
        locked = case_services.case_lock_for_applicant(case=case, by=by)
        deleted, _rows = model.objects.filter(case=locked, pk=pk).delete()
        if not deleted:
            raise ApplicationError(_("This row does not exist or was already removed."), code="missing")
        case_services.case_record_change(case=locked, by=by, comment=what)
    selectors.forget(case)


def person_remove(*, case: Case, by, pk: int) -> None:
    _record_remove(CompanyPerson, case=case, by=by, pk=pk, what=_("A person was removed."))


def experience_add(*, case: Case, by, field: str, title: str, employer: str, contract_number: str = "",
                   amount_rials: int, started_on: dt.date, finished_on: dt.date | None = None) -> ExperienceRecord:
    """Add a contract carried out (group و)."""
    if not title.strip() or not employer.strip():
        raise ApplicationError(_("Enter the project and the employer."), code="required")
    if not 0 < amount_rials < MAX_RIALS:
        raise ApplicationError(_("Enter the contract amount in rials."), code="amount")
    if finished_on and finished_on < started_on:
        raise ApplicationError(_("The end date is before the start date."), code="dates")
    if started_on > timezone.localdate():
        raise ApplicationError(_("The start date is in the future."), code="dates")
    with transaction.atomic():
        locked = case_services.case_lock_for_applicant(case=case, by=by)
        record = ExperienceRecord.objects.create(
            case=locked, field=_field(locked, field, required=True), title=title, employer=employer,
            contract_number=contract_number, amount_rials=amount_rials, started_on=started_on, finished_on=finished_on)
        case_services.case_record_change(case=locked, by=by,
                                         comment=_("Contract added: %(title)s") % {"title": record.title})
    selectors.forget(case)
    return record


def experience_remove(*, case: Case, by, pk: int) -> None:
    _record_remove(ExperienceRecord, case=case, by=by, pk=pk, what=_("A contract was removed."))


def financial_add(*, case: Case, by, fiscal_year: int, turnover_rials: int, tax_return_number: str) -> FinancialRecord:
    """Add one year's tax return (group ه)."""
    this_year = jalali.to_jalali(timezone.localdate()).year
    if not 1370 <= fiscal_year < this_year:
        raise ApplicationError(_("The fiscal year must be a past Jalali year, such as %(year)s.") % {
            "year": this_year - 1}, code="year")
    if not 0 <= turnover_rials < MAX_RIALS:
        raise ApplicationError(_("Enter the declared turnover in rials."), code="amount")
    if not tax_return_number.strip():
        raise ApplicationError(_("Enter the tax return's tracking number."), code="required")
    with transaction.atomic():
        locked = case_services.case_lock_for_applicant(case=case, by=by)
        if FinancialRecord.objects.filter(case=locked, fiscal_year=fiscal_year).exists():
            raise ApplicationError(_("The tax return of this year is already listed."), code="duplicate")
        record = FinancialRecord.objects.create(case=locked, fiscal_year=fiscal_year, turnover_rials=turnover_rials,
                                                tax_return_number=tax_return_number)
        case_services.case_record_change(case=locked, by=by,
                                         comment=_("Tax return added: %(year)s") % {"year": fiscal_year})
    selectors.forget(case)
    return record


def financial_remove(*, case: Case, by, pk: int) -> None:
    _record_remove(FinancialRecord, case=case, by=by, pk=pk, what=_("A tax return was removed."))


# -- on submission ------------------------------------------------------------------------------------

def application_on_submit(case: Case) -> Application:
    """Pin the scoring table in force and note the workload: open cases of the service in the province and
    the experts there, at the first submission (the seed ties the 10–25 day range to the volume of files)."""
    application, _created = Application.objects.get_or_create(case=case)
    if application.open_cases_at_submission is None:
        application.scoring_table = selectors.scoring_table_in_force(case.data.get("kind", ""))
        application.open_cases_at_submission = Case.objects.filter(
            service=case.service, province=case.province, tracking_number__isnull=False, closed_at__isnull=True).count()
        application.experts_at_submission = User.objects.holding(
            [EXPERT], service_code=case.process.service_code).filter(province=case.province).count()
        application.save()
    selectors.forget(case)
    return application


# -- the expert ----------------------------------------------------------------------------------------

def relevance_set(*, case: Case, person_id: int, relevance: str, by) -> CompanyPerson:
    """The expert's judgement of how a person's degree fits the field they count toward."""
    if relevance not in Relevance.values:
        raise ApplicationError(_("Choose how related the degree is to the field."), code="relevance")
    with case_act(case=case, by=by, name="relevance_judge") as act:
        person = CompanyPerson.objects.filter(case=act.case, pk=person_id).first()
        if person is None:
            raise ApplicationError(_("This person is not in the dossier."), code="missing")
        person.relevance, person.relevance_by = relevance, by
        person.save(update_fields=["relevance", "relevance_by"])
        act.public = False
        act.comment = _("Relevance of %(name)s's degree: %(value)s") % {
            "name": person.full_name, "value": Relevance(relevance).label}
    selectors.forget(case)
    return person


def section_review_set(*, case: Case, section: str, status: str, note: str, guidance: str, by) -> SectionReview:
    """The expert's verdict on a section; a deficient one needs a description and guidance."""
    if section not in selectors.SECTION_LABELS:
        raise ApplicationError(_("There is no such section."), code="section")
    if status not in ReviewStatus.values:
        raise ApplicationError(_("Choose a verdict."), code="status")
    if status == ReviewStatus.DEFICIENT and (not note.strip() or not guidance.strip()):
        raise ApplicationError(_("Describe the deficiency and the guidance for the applicant."), code="guidance")
    with case_act(case=case, by=by, name="section_review") as act:
        review, _created = SectionReview.objects.update_or_create(
            case=act.case, section=section,
            defaults={"status": status, "note": note.strip(),
                      "guidance": guidance.strip() if status == ReviewStatus.DEFICIENT else "",
                      "reviewed_by": by, "reviewed_at": timezone.now()})
        act.public = False
        act.comment = _("Section “%(section)s”: %(status)s") % {
            "section": selectors.SECTION_LABELS[section], "status": ReviewStatus(status).label}
    selectors.forget(case)
    return review


def section_reviews_set(*, case: Case, verdicts: dict[str, dict], by) -> dict[str, str]:
    """The expert's verdicts on several sections in one act (issue 16 point 10): `verdicts` maps a section
    code to {"status", "note", "guidance"}; a section left without a verdict is left as it was. Every
    verdict is checked first; if any is wrong nothing is saved and the Persian message of each wrong one is
    returned by section code ({} when all were saved)."""
    errors: dict[str, str] = {}
    for section, verdict in verdicts.items():
        status = verdict.get("status", "")
        note, guidance = verdict.get("note", "") or "", verdict.get("guidance", "") or ""
        if section not in selectors.SECTION_LABELS:
            errors[section] = str(_("There is no such section."))
        elif status not in ReviewStatus.values:
            errors[section] = str(_("Choose a verdict."))
        elif status == ReviewStatus.DEFICIENT and (not note.strip() or not guidance.strip()):
            errors[section] = str(_("Describe the deficiency and the guidance for the applicant."))
    if errors:
        return errors
    if not verdicts:
        raise ApplicationError(_("Choose a verdict for at least one section."), code="status")
    with transaction.atomic():  # one act per section, all or none
        for section, verdict in verdicts.items():
            section_review_set(case=case, section=section, status=verdict["status"],
                               note=verdict.get("note", "") or "", guidance=verdict.get("guidance", "") or "", by=by)
    return {}


def deficiency_notice_from_reviews(*, case: Case, summary: str, by, expected_version: int):
    """Send the deficient sections back to the applicant as one notice (each item with its guidance);
    the reviews are cleared so that the corrected dossier is reviewed afresh."""
    case_services.deficiency_notice_refuse_repeat(case)
    reviews = list(SectionReview.objects.filter(case=case, status=ReviewStatus.DEFICIENT))
    if not reviews:
        raise ApplicationError(_("Mark at least one section as deficient first."), code="no_deficient_section")
    items = [{"text": f"{selectors.SECTION_LABELS[r.section]}: {r.note}", "guidance": r.guidance} for r in reviews]
    with transaction.atomic():
        notice = case_services.deficiency_notice_issue(case=case, items=items, summary=summary, by=by,
                                                       expected_version=expected_version)
        SectionReview.objects.filter(case=case, status=ReviewStatus.DEFICIENT).delete()
    selectors.forget(case)
    return notice


# -- the approver: grades, certificate, referral ----------------------------------------------------------

def grades_approve(*, case: Case, granted: dict[str, int | None], reasons: dict[str, str], by, expected_version: int,
                   mismatch_reason: str = ""):
    """Approve the file with the grade granted per field (lower than requested only with a reason), issue
    the grade certificate and queue the referral to SAJAR — one transaction: all or nothing. A registry
    answer that differs from what was declared needs `mismatch_reason` (recorded on the case)."""
    requested = selectors.requested(case)
    kind = case.data.get("kind", "")
    case_scoring = selectors.case_scoring(case)
    supported = selectors.supported_grades(case_scoring)
    errors = rules.grant_errors(kind=kind, requested=requested, granted=granted, reasons=reasons, supported=supported)
    if errors:
        first = next(iter(errors.values()))
        raise ApplicationError(str(GRANT_MESSAGES[first]), code=first)
    scoring = {s.field.code: s for s in case_scoring.fields}
    now = timezone.now()
    with transaction.atomic():
        # The reason for a registry mismatch is recorded under the case's lock before the act's guard asks for it;
        # a refusal of the act rolls the reason back with the rest.
        with case_act(case=case, by=by, name="approve", expected_version=expected_version,
                      before=lambda locked: inquiry_services.mismatches_accept(
                          case=locked, reason=mismatch_reason, by=by)) as act:
            fields = {f.code: f for f in ContractingField.objects.filter(code__in=requested)}
            GradeGrant.objects.filter(case=act.case).delete()  # a file returned to the expert may be decided again
            for code, wanted in requested.items():
                score = scoring.get(code)
                GradeGrant.objects.create(
                    case=act.case, field=fields[code], requested_grade=wanted, granted_grade=granted.get(code),
                    reason=reasons.get(code, "").strip(), staff_score=score.staff_score if score else None,
                    supported_grade=score.supported_grade if score else None, decided_by=by, decided_at=now,
                    scoring_departure="" if supported is None else rules.scoring_departure(
                        requested=wanted, supported=supported.get(code), granted=granted.get(code)))
            act.comment = "؛ ".join(f"{fields[c].name}: {to_persian_digits(g)}" if g else f"{fields[c].name}: —"
                                    for c, g in ((c, granted.get(c)) for c in requested))
        with case_act(case=act.case, by=by, name="issue_certificate") as act:
            certificate = _certificate_issue(act.case, by=by)
            act.comment = certificate.number
        referral = _referral_create(act.case, certificate)
    transaction.on_commit(lambda: referral_queued.send(sender=Referral, referral_id=referral.pk))
    return certificate


def _holder(case: Case) -> tuple[str, str, str]:
    if case.organization_id:
        return case.organization.name, case.organization.national_id, HolderKind.LEGAL.value
    return case.applicant.get_full_name(), case.applicant.national_id, HolderKind.NATURAL.value


def certificate_type_code(kind: str) -> str:
    """The applicant kind decides the certificate: a consultant gets the consulting competence certificate
    («گواهینامه صلاحیت مشاوره»), a contractor the contracting one («گواهینامه صلاحیت پیمانکاری»)."""
    return "consulting_certificate" if kind == rules.CONSULTANT else "grade_certificate"


def _certificate_issue(case: Case, *, by):
    grants = list(GradeGrant.objects.filter(case=case, granted_grade__isnull=False).select_related("field")
                  .order_by("field__ordering"))
    kind = case.data.get("kind", "")
    kind_label = _("Consultant") if kind == rules.CONSULTANT else _("Contractor")
    name, national_id, holder_kind = _holder(case)
    scope = [{"label": _("Field of work: %(field)s") % {"field": g.field.name},
              "value": _("Grade %(grade)s") % {"grade": to_persian_digits(g.granted_grade)}} for g in grants]
    document = document_issue(
        type_code=certificate_type_code(kind), holder_name=name,
        holder_national_id=national_id,
        holder_kind=holder_kind, scope=scope, case=case, reference=case.tracking_number or "", by=by,
        content={"kind": kind, "kind_label": str(kind_label),
                 "grades": [{"field": g.field.code, "name": g.field.name, "grade": g.granted_grade} for g in grants]},
    )
    RegistryEntry.objects.create(
        certificate=document, case=case, organization=case.organization, national_id=national_id, name=name,
        search_name=selectors.search_key(name), kind=kind, issued_on=document.issued_on,
        valid_until=document.valid_until,
        grades=[{"field": g.field.code, "name": g.field.name, "grade": g.granted_grade} for g in grants])
    return document


def referral_payload(case: Case, certificate) -> dict:
    """What the PBO's Technical & Executive System Office needs to enter the file in SAJAR."""
    name, national_id, holder_kind = _holder(case)
    people = [{"role": p.role, "national_id": p.national_id, "name": p.full_name, "degree": p.degree_level,
               "study_field": p.study_field, "experience_years": p.experience_years,
               "field": p.scoring_field.code if p.scoring_field_id else None}
              for p in CompanyPerson.objects.filter(case=case).select_related("scoring_field")]
    return {
        "province": case.province.code,
        "tracking_number": case.tracking_number,
        "applicant": {"name": name, "national_id": national_id, "person_type": holder_kind,
                      "kind": case.data.get("kind"), "contractor_type": case.data.get("contractor_type")},
        "certificate": {"number": certificate.number, "verification_code": certificate.verification_code,
                        "issued_on": certificate.issued_on.isoformat(),
                        "valid_until": certificate.valid_until.isoformat() if certificate.valid_until else None},
        "grades": [{"field": g.field.code, "requested": g.requested_grade, "granted": g.granted_grade,
                    "staff_score": str(g.staff_score) if g.staff_score is not None else None, "reason": g.reason}
                   for g in GradeGrant.objects.filter(case=case).select_related("field")],
        "people": people,
    }


def _referral_create(case: Case, certificate) -> Referral:
    now = timezone.now()
    return Referral.objects.create(case=case, certificate=certificate, message_id=uuid.uuid4(),
                                   payload=referral_payload(case, certificate), created_at=now, next_attempt_at=now)


REFERRAL_RETRY_MINUTES = (1, 5, 30, 120, 720)


REFERRAL_LEASE = dt.timedelta(minutes=2)  # a claimed referral is not claimed again while it is being sent


def referral_send(referral_id: int, *, now: dt.datetime | None = None) -> Referral | None:
    """Push the referral to SAJAR (worker). Success moves the case to "referred to the PBO"; a failure is
    retried later with back-off, never lost. Without a configured address the file waits for a manual
    export by staff. No row lock is held during the call: the referral is claimed with a conditional
    update first, so two workers never both send it."""
    base_url = getattr(settings, "KHEDMAT_SAJAR_URL", "")
    now = now or timezone.now()
    if not base_url:
        return Referral.objects.filter(pk=referral_id).first()
    claimed = Referral.objects.filter(
        pk=referral_id, status__in=[ReferralStatus.PENDING, ReferralStatus.FAILED], next_attempt_at__lte=now,
    ).update(next_attempt_at=now + REFERRAL_LEASE, attempts=F("attempts") + 1)
    referral = Referral.objects.filter(pk=referral_id).first()
    if not claimed or referral is None:
        return referral
    try:
        receipt = sajar.push(base_url=base_url, message_id=str(referral.message_id), payload=referral.payload)
    except sajar.SajarError as error:
        logger.warning("referral %s to SAJAR failed (attempt %s): %s", referral.pk, referral.attempts, error)
        delay = REFERRAL_RETRY_MINUTES[min(referral.attempts - 1, len(REFERRAL_RETRY_MINUTES) - 1)]
        Referral.objects.filter(pk=referral.pk).update(status=ReferralStatus.FAILED, last_error=str(error)[:1000],
                                                       next_attempt_at=now + dt.timedelta(minutes=delay))
        referral.refresh_from_db()
        return referral
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)
        if referral.status in (ReferralStatus.SENT, ReferralStatus.ACKNOWLEDGED):
            return referral  # staff recorded it by hand meanwhile
        referral.status, referral.receipt, referral.sent_at = ReferralStatus.SENT, receipt, timezone.now()
        referral.last_error = ""
        referral.next_attempt_at = None
        referral.save()
        with case_act(case=referral.case, by=None, name="refer_to_pbo") as act:
            act.comment = _("Receipt %(receipt)s") % {"receipt": receipt}
    return referral


def referral_mark_sent(*, referral: Referral, receipt: str, by) -> Referral:
    """Staff sent the exported file by hand (no SAJAR address configured, or it kept failing)."""
    if not receipt.strip():
        raise ApplicationError(_("Enter the receipt number the PBO gave."), code="receipt")
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)  # the referral first, as the worker
        with case_act(case=referral.case, by=by, name="refer_to_pbo") as act:
            if referral.status == ReferralStatus.SENT or referral.status == ReferralStatus.ACKNOWLEDGED:
                raise ApplicationError(_("This file was already sent."), code="already_sent")
            referral.status, referral.receipt = ReferralStatus.SENT, receipt.strip()
            referral.sent_at, referral.next_attempt_at, referral.sent_by_hand = timezone.now(), None, True
            referral.save()
            act.comment = _("Sent by hand; receipt %(receipt)s") % {"receipt": referral.receipt}
    return referral


def referral_acknowledge(*, referral: Referral, registration_number: str, by=None) -> Referral:
    """SAJAR registered the file (answer to a status poll, or recorded by staff from the PBO's letter)."""
    if not registration_number.strip():
        raise ApplicationError(_("Enter the SAJAR registration number."), code="registration_number")
    with transaction.atomic():
        referral = Referral.objects.select_for_update().get(pk=referral.pk)  # the referral first, as the worker
        if by is None and referral.status != ReferralStatus.SENT:
            raise ApplicationError(_("Only a sent file can be acknowledged."), code="not_sent")
        with case_act(case=referral.case, by=by, name="register_in_sajar") as act:
            if referral.status != ReferralStatus.SENT:
                raise ApplicationError(_("Only a sent file can be acknowledged."), code="not_sent")
            referral.status, referral.acknowledgement = ReferralStatus.ACKNOWLEDGED, registration_number.strip()
            referral.acknowledged_at, referral.acknowledged_by = timezone.now(), by
            referral.save()
            act.comment = referral.acknowledgement
    return referral


def referrals_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Retry due referrals and ask SAJAR about sent ones (periodic)."""
    now = now or timezone.now()
    retried = acknowledged = 0
    due = Referral.objects.filter(status__in=[ReferralStatus.PENDING, ReferralStatus.FAILED], next_attempt_at__lte=now)
    for pk in due.values_list("pk", flat=True)[:200]:
        referral_send(pk, now=now)
        retried += 1
    base_url = getattr(settings, "KHEDMAT_SAJAR_URL", "")
    if base_url:
        sent = Referral.objects.filter(status=ReferralStatus.SENT, sent_by_hand=False).order_by("sent_at")
        for referral in sent[:200]:
            try:
                number = sajar.status(base_url=base_url, message_id=str(referral.message_id))
            except sajar.SajarError:
                continue
            if number:
                try:
                    referral_acknowledge(referral=referral, registration_number=number)
                except ApplicationError:
                    continue  # e.g. recorded by staff meanwhile; the others still go ahead
                acknowledged += 1
    return {"retried": retried, "acknowledged": acknowledged}


# -- the company record -------------------------------------------------------------------------------

def violation_record(*, organization, instruction: str, occurred_on: dt.date, description: str, decision: str,
                     by) -> DisciplinaryViolation:
    """Record a disciplinary violation against a company (data only, SERVICES.md §5.5)."""
    if instruction not in ViolationInstruction.values:
        raise ApplicationError(_("Choose the instruction the violation falls under."), code="instruction")
    if occurred_on > timezone.localdate():
        raise ApplicationError(_("The date of the violation is in the future."), code="date")
    if not description.strip():
        raise ApplicationError(_("Describe the violation."), code="description")
    if not selectors_registry.may_record_violation(staff=by, organization=organization):
        raise ApplicationError(_("You are not allowed to take this action on this case."), code="forbidden")
    violation = DisciplinaryViolation.objects.create(
        organization=organization, instruction=instruction, occurred_on=occurred_on, description=description,
        decision=decision, recorded_by=by)
    audit_record(actor=by, action="violation_recorded", instance=violation, after={"instruction": instruction})
    return violation
