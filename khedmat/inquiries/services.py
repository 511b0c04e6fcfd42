"""Sending inquiries, running electronic ones in the background, recording answers, sampling
documents for written inquiries, and measuring answer times."""
from __future__ import annotations

import datetime as dt
import hashlib
import logging
import random
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khedmat.cases.models import EventType
from khedmat.cases.selectors import case_events
from khedmat.cases.services import _event
from khedmat.cases.tracking import tracking_display
from khedmat.certificates.services import document_issue
from khedmat.core.exceptions import ApplicationError
from khedmat.core.memo import forget, remember
from khedmat.core.text import to_persian_digits
from khedmat.inquiries import adapters
from khedmat.inquiries.models import Inquiry, InquirySource, InquiryStatus, SourceMode, TimeUnit
from khedmat.organizations import services as organizations
from khedmat.organizations.models import ClaimMethod, ClaimStatus, Organization
from khedmat.workcalendar.selectors import calendar_for

logger = logging.getLogger(__name__)
FINAL = (InquiryStatus.ANSWERED, InquiryStatus.NOT_FOUND, InquiryStatus.FAILED)
COMPARATORS = {
    "civil_registry": "compare_person",
    "official_gazette": "compare_company",
    "padak": "compare_degree",
    "tax_org": "compare_tax_return",
}


# What the parameters of an inquiry's subject are called on pages (adapters declare them in English).
SUBJECT_PARAMETER_LABELS = {
    "national_id": gettext_lazy("national ID"),
    "organization_id": gettext_lazy("organization national ID"),
    "id": gettext_lazy("national ID or organization national ID"),
    "year": gettext_lazy("year"),
    "password": gettext_lazy("password"),
    "details": gettext_lazy("what to confirm"),
}


def result_label(source: InquirySource, key: str) -> str:
    """What a key of a source's answer (or of a mismatch) is called on pages: the adapter's label, in Persian."""
    adapter_class = adapters.ADAPTERS.get(source.adapter, adapters.RegistryAdapter)
    label = adapter_class.result_labels.get(key)
    if label is not None:
        return _(label)
    if key in SUBJECT_PARAMETER_LABELS:
        return str(SUBJECT_PARAMETER_LABELS[key])
    logger.warning("inquiry source %s: no label for the result key %r", source.code, key)
    return _("other information")


def result_value(value) -> str:
    """A value of an answer as a page shows it: yes/no, Persian digits, lists joined, "—" for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict):
        return " — ".join(result_value(item) for item in value.values())
    if isinstance(value, (list, tuple)):
        return "، ".join(result_value(item) for item in value) or "—"
    return to_persian_digits(str(value))


def _coded_value(source: InquirySource, key: str, value) -> str:
    """A value as a page shows it, a coded one (a company's registration status) by its Persian name."""
    adapter_class = adapters.ADAPTERS.get(source.adapter, adapters.RegistryAdapter)
    label = adapter_class.value_labels.get(key, {}).get(value) if isinstance(value, str) else None
    return _(label) if label is not None else result_value(value)


def mismatch_rows(inquiry: Inquiry) -> list[dict]:
    """The inquiry's mismatches with Persian field names and values: {"label", "declared", "registry"}."""
    rows = []
    for m in inquiry.mismatches:
        if isinstance(m, dict):
            field = str(m.get("field", ""))
            rows.append({"label": result_label(inquiry.source, field),
                         "declared": _coded_value(inquiry.source, field, m.get("declared")),
                         "registry": _coded_value(inquiry.source, field, m.get("registry"))})
    return rows


def result_rows(inquiry: Inquiry) -> list[tuple[str, str]]:
    """The registry's answer as (Persian label, value) rows, for staff."""
    result = inquiry.result if isinstance(inquiry.result, dict) else {}
    return [(result_label(inquiry.source, key), _coded_value(inquiry.source, key, value))
            for key, value in result.items()]


def _parameter_names(names) -> str:
    return "، ".join(str(SUBJECT_PARAMETER_LABELS.get(name, name)) for name in names)


def subject_problem_message(source: InquirySource, problem: adapters.InvalidSubject) -> str:
    """The Persian sentence for an adapter's InvalidSubject (the English text stays in the log)."""
    adapter_class = adapters.ADAPTERS.get(source.adapter)
    takes = _parameter_names((*adapter_class.parameters, *adapter_class.optional_parameters)) if adapter_class else ""
    if problem.reason == "unsupported":
        return _("%(source)s is not asked about %(fields)s; it is asked only with: %(takes)s.") % {
            "source": source.name, "fields": _parameter_names(problem.fields), "takes": takes}
    if problem.reason == "missing":
        return _("%(source)s needs: %(fields)s.") % {"source": source.name, "fields": _parameter_names(problem.fields)}
    return _("The %(field)s given for %(source)s is not valid.") % {
        "field": _parameter_names(problem.fields or (problem.reason,)), "source": source.name}


def sources_for_case(case):
    """The sources in use that staff may ask on this case: those its process declares (issue 17 point 7)."""
    sources = InquirySource.objects.filter(is_active=True)
    declared = case.process.inquiry_sources
    return sources if declared is None else sources.filter(code__in=declared)


def subject_check(*, source: InquirySource, subject: dict) -> None:
    """Refuse, in Persian and before anything is stored or sent, a subject the source's adapter does not take."""
    adapter_class = adapters.ADAPTERS.get(source.adapter) if source.mode == SourceMode.ELECTRONIC else None
    if adapter_class is None:
        return
    problem = adapter_class.subject_problem(subject)
    if problem is not None:
        raise ApplicationError(subject_problem_message(source, problem), code="invalid_subject",
                               extra={"fields": list(problem.fields)})


def due_at(*, source: InquirySource, sent_at: dt.datetime, case) -> dt.datetime:
    """When the answer is expected: N calendar days, or N working days of the case's province."""
    if source.expected_unit == TimeUnit.WORKING_DAYS:
        return calendar_for(province=case.province_id, office=case.office_id).deadline(sent_at, source.expected_time)
    return sent_at + dt.timedelta(days=source.expected_time)


def inquiry_request(*, case, source: InquirySource, subject: dict, declared: dict | None = None, label: str = "",
                    by=None, automatic: bool = False, sampled: bool = False) -> Inquiry:
    """Ask a source about something in a case. Electronic: queued for the worker. Manual: a numbered letter."""
    if case is None:
        raise ApplicationError(_("An inquiry must belong to a case."), code="no_case")
    if not source.is_active:
        raise ApplicationError(_("This inquiry source is not in use."), code="inactive_source")
    if "password" in subject:
        raise ApplicationError(_("Passwords are never stored; use the social-security check."), code="secret")
    try:
        subject_check(source=source, subject=subject)
    except ApplicationError as error:
        if not automatic:
            raise
        # A process declared an inquiry its source cannot answer: keep it, failed, for staff to see;
        # the applicant's submission goes on.
        logger.error("automatic inquiry of case %s to %s not sent: %s", case.pk, source.code, sorted(subject))
        forget(case, "inquiries")
        return Inquiry.objects.create(case=case, source=source, subject=subject, declared=declared or {}, label=label,
                                      requested_by=by, automatic=True, sampled=sampled, status=InquiryStatus.FAILED,
                                      last_error=str(error.message)[:300])
    forget(case, "inquiries")  # a list read before this one no longer holds
    with transaction.atomic():
        inquiry = Inquiry.objects.create(case=case, source=source, subject=subject, declared=declared or {},
                                         label=label, requested_by=by, automatic=automatic, sampled=sampled)
        if source.mode == SourceMode.ELECTRONIC and source.adapter in adapters.ADAPTERS:
            transaction.on_commit(lambda: _enqueue_run(inquiry.pk))
        else:
            _letter_send(inquiry, by=by)
    return inquiry


def _enqueue_run(inquiry_id: int, *, run_after: dt.datetime | None = None) -> None:
    # here, not at the top: cycle inquiries.services -> inquiries.tasks -> inquiries.services
    from khedmat.inquiries.tasks import inquiry_run_task

    task = inquiry_run_task
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # the retry sweep picks it up (tests run tasks inline and call the sweep)
        task = task.using(run_after=run_after)
    task.enqueue(inquiry_id)


def _letter_send(inquiry: Inquiry, *, by) -> None:
    source, case = inquiry.source, inquiry.case
    subject_lines = [f"{SUBJECT_PARAMETER_LABELS.get(key) or result_label(source, key)}: {value}"
                     for key, value in inquiry.subject.items()]
    letter = document_issue(
        type_code="inquiry_letter", holder_name=source.body or source.name,
        content={
            "subject": _("Inquiry about %(label)s (case %(case)s)") % {"label": inquiry.label or source.name,
                                                                      "case": tracking_display(case.tracking_number)},
            "body": [_("Please confirm the following information in writing, citing message %(id)s:")
                     % {"id": str(inquiry.message_id)[:8]}] + subject_lines,
        },
        case=case, reference=f"inquiry:{inquiry.pk}", by=by or case.applicant,
    )
    now = timezone.now()
    inquiry.letter = letter
    inquiry.status = InquiryStatus.LETTER_SENT
    inquiry.sent_at = now
    inquiry.due_at = due_at(source=source, sent_at=now, case=case)
    inquiry.save(update_fields=["letter", "status", "sent_at", "due_at"])


def _adapter_for(source: InquirySource):
    base_url = source.address or settings.REGISTRY_BASE_URL
    return adapters.get_adapter(source.adapter, base_url=base_url, timeout=settings.REGISTRY_TIMEOUT)


def retry_delay(attempts: int) -> dt.timedelta:
    steps = settings.REGISTRY_RETRY_SECONDS
    return dt.timedelta(seconds=steps[min(attempts, len(steps)) - 1])


def inquiry_run(inquiry_id: int) -> Inquiry | None:
    """Ask an electronic source once. Never raises: unavailable → retry later with back-off;
    malformed → failed with the raw answer kept; not found → a real answer, flagged."""
    now = timezone.now()
    claimed = Inquiry.objects.filter(pk=inquiry_id,
                                     status__in=[InquiryStatus.QUEUED, InquiryStatus.UNAVAILABLE]).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    inquiry = claimed.select_related("source", "case").first()
    if inquiry is None:
        return None
    # Claim: only the process that moves next_attempt_at forward runs the call.
    lease = now + dt.timedelta(seconds=settings.REGISTRY_TIMEOUT * 3)
    if not claimed.filter(attempts=inquiry.attempts).update(attempts=inquiry.attempts + 1, next_attempt_at=lease):
        return None
    inquiry.attempts += 1
    if inquiry.sent_at is None:
        inquiry.sent_at = now
        inquiry.due_at = due_at(source=inquiry.source, sent_at=now, case=inquiry.case)
    try:
        answer = _adapter_for(inquiry.source).ask(inquiry.subject)
    except adapters.InvalidSubject as exc:  # a subject the registry cannot be asked about: nothing was sent
        logger.warning("inquiry %s (%s) not sent: %s", inquiry.pk, inquiry.source.code, exc)
        inquiry.status = InquiryStatus.FAILED
        inquiry.last_error = subject_problem_message(inquiry.source, exc)[:300]
        inquiry.next_attempt_at = None
        inquiry.save()
        return inquiry
    except adapters.SourceUnavailable as exc:
        logger.warning("inquiry %s (%s) attempt %s: %s", inquiry.pk, inquiry.source.code, inquiry.attempts, exc)
        if inquiry.attempts >= settings.REGISTRY_MAX_ATTEMPTS:
            inquiry.status = InquiryStatus.FAILED
            inquiry.last_error = (_("The source did not answer after %(n)s attempts.") % {"n": inquiry.attempts})[:300]
            inquiry.next_attempt_at = None
        else:
            inquiry.status = InquiryStatus.UNAVAILABLE
            inquiry.last_error = (_("The source did not answer (attempt %(n)s); it will be asked again.")
                                  % {"n": inquiry.attempts})[:300]
            inquiry.next_attempt_at = now + retry_delay(inquiry.attempts)
        inquiry.save()
        if inquiry.status == InquiryStatus.UNAVAILABLE:
            transaction.on_commit(lambda: _enqueue_run(inquiry.pk, run_after=inquiry.next_attempt_at))
        return inquiry
    except adapters.MalformedAnswer as exc:
        logger.warning("inquiry %s (%s): %s", inquiry.pk, inquiry.source.code, exc)
        inquiry.status = InquiryStatus.FAILED
        inquiry.last_error = _("The source's answer was not in the expected form.")
        _keep_raw(inquiry, getattr(exc, "raw", "") or str(exc))
    except adapters.NotFound as exc:
        inquiry.status = InquiryStatus.NOT_FOUND
        inquiry.answered_at = now
        inquiry.mismatches = [{"field": "record", "declared": inquiry.label or "", "registry": str(_("not found"))}]
        _keep_raw(inquiry, getattr(exc, "raw", "") or "")
    except adapters.InquiryError as exc:  # an outcome this function does not know yet
        logger.error("inquiry %s (%s): %r", inquiry.pk, inquiry.source.code, exc)
        inquiry.status = InquiryStatus.FAILED
        inquiry.last_error = _("The inquiry could not be completed; the details are in the system log.")
        _keep_raw(inquiry, exc.raw or str(exc))
    except Exception:  # a defect in an adapter: Persian on the page, the traceback in the log
        logger.exception("inquiry %s (%s) failed in its adapter", inquiry.pk, inquiry.source.code)
        inquiry.status = InquiryStatus.FAILED
        inquiry.last_error = _("The inquiry could not be completed; the details are in the system log.")
        inquiry.next_attempt_at = None
        inquiry.save()
        return inquiry
    else:
        inquiry.status = InquiryStatus.ANSWERED
        inquiry.answered_at = now
        inquiry.result = answer.data
        _keep_raw(inquiry, answer.raw)
        comparator = COMPARATORS.get(inquiry.source.adapter)
        # Compared even when nothing was declared: a deceased person or a dissolved company is a mismatch.
        if comparator:
            inquiry.mismatches = getattr(adapters, comparator)(inquiry.declared or {}, answer.data)
    inquiry.next_attempt_at = None
    inquiry.save()
    return inquiry


def _keep_raw(inquiry: Inquiry, raw: str) -> None:
    inquiry.response_raw = raw[:100_000]
    inquiry.response_sha256 = hashlib.sha256(raw.encode("utf-8", "replace")).hexdigest()


def inquiries_retry_due(*, now: dt.datetime | None = None) -> int:
    """Run the inquiries whose retry time has come (the sweep behind the scheduled retries)."""
    now = now or timezone.now()
    due = Inquiry.objects.filter(status__in=[InquiryStatus.QUEUED, InquiryStatus.UNAVAILABLE]).filter(
        Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now)).values_list("pk", flat=True)[:500]
    count = 0
    for pk in list(due):
        if inquiry_run(pk) is not None:
            count += 1
    return count


def social_security_check(*, case, national_id: str, password: str, by) -> Inquiry:
    """Check insurance records with the applicant's password. The password is sent once and never
    stored, queued or logged — so this call runs now, not in the background."""
    source = InquirySource.objects.get(code="social_security")
    forget(case, "inquiries")
    inquiry = Inquiry.objects.create(case=case, source=source, subject={"national_id": national_id},
                                     label=_("Insurance record of %(id)s") % {"id": national_id}, requested_by=by,
                                     attempts=1, sent_at=timezone.now())
    try:
        answer = _adapter_for(source).query(national_id=national_id, password=password)
    except adapters.InvalidSubject:
        inquiry.status = InquiryStatus.FAILED
        inquiry.last_error = _("Enter the national ID and the password.")
    except adapters.BadCredentials:
        inquiry.status = InquiryStatus.FAILED
        inquiry.last_error = _("Social security did not accept the password.")
    except adapters.SourceUnavailable:
        inquiry.status = InquiryStatus.FAILED
        inquiry.last_error = _("Social security does not answer now; try again later.")
    except adapters.NotFound as exc:
        inquiry.status = InquiryStatus.FAILED
        inquiry.last_error = _("Social security has no insurance record of this national ID.")
        _keep_raw(inquiry, exc.raw)
    except adapters.MalformedAnswer as exc:
        logger.warning("social-security check of inquiry %s: %s", inquiry.pk, exc)
        inquiry.status = InquiryStatus.FAILED
        inquiry.last_error = _("The source's answer was not in the expected form.")
        _keep_raw(inquiry, exc.raw or str(exc))
    except Exception:  # a defect in the adapter: never its text on the page (nor the password)
        logger.error("social-security check of inquiry %s failed in its adapter", inquiry.pk)
        inquiry.status = InquiryStatus.FAILED
        inquiry.last_error = _("The inquiry could not be completed; the details are in the system log.")
    else:
        inquiry.status = InquiryStatus.ANSWERED
        inquiry.result = answer.data
        _keep_raw(inquiry, answer.raw)
    inquiry.answered_at = timezone.now()
    inquiry.save()
    return inquiry


def inquiry_answer_record(*, inquiry: Inquiry, answer_text: str, by) -> Inquiry:
    """Record the written answer to a manual inquiry when it arrives."""
    if not answer_text.strip():
        raise ApplicationError(_("Write the answer that arrived."), code="empty")
    with transaction.atomic():
        inquiry = Inquiry.objects.select_for_update().get(pk=inquiry.pk)
        if inquiry.status != InquiryStatus.LETTER_SENT:
            raise ApplicationError(_("This inquiry is not waiting for a written answer."), code="not_waiting")
        inquiry.status = InquiryStatus.ANSWERED
        inquiry.answer_text = answer_text.strip()
        inquiry.answered_at = timezone.now()
        inquiry.requested_by = inquiry.requested_by or by
        inquiry.save(update_fields=["status", "answer_text", "answered_at", "requested_by"])
    return inquiry


def written_inquiry_sample(items: list, rate: Decimal | float | None, *, seed: str) -> list:
    """Pick a share of `items` for written inquiry, at random but reproducibly per case (for audit)."""
    if not items or rate is None or rate <= 0:
        return []
    count = min(len(items), max(1, round(len(items) * float(rate))))
    return random.Random(seed).sample(list(items), count)


def is_overdue(inquiry: Inquiry, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return inquiry.status not in FINAL and inquiry.due_at is not None and now > inquiry.due_at


def response_time_report(*, province_id) -> list[dict]:
    """Per source: answered, average answer time (hours), overdue now, against the expected time."""
    now = timezone.now()
    rows = []
    for source in InquirySource.objects.all():
        qs = Inquiry.objects.filter(source=source, case__province_id=province_id)
        answered = [i for i in qs.filter(answered_at__isnull=False, sent_at__isnull=False)
                    .only("sent_at", "answered_at")]
        hours = [(i.answered_at - i.sent_at).total_seconds() / 3600 for i in answered]
        overdue = qs.exclude(status__in=FINAL).filter(due_at__lt=now).count()
        if qs.exists():
            rows.append({"source": source, "asked": qs.count(), "answered": len(answered),
                         "average_hours": round(sum(hours) / len(hours), 1) if hours else None, "overdue": overdue})
    return rows


# -- organization claims (docs/adr/0012-organization-claims.md) --------------------------------------------

CLAIM_SOURCE_ADAPTER = "official_gazette"


def _claim_source() -> InquirySource | None:
    return InquirySource.objects.filter(adapter=CLAIM_SOURCE_ADAPTER, mode=SourceMode.ELECTRONIC,
                                        is_active=True).first()


def _enqueue_claim_check(organization_id: int, *, run_after: dt.datetime | None = None) -> None:
    # here, not at the top: cycle inquiries.services -> inquiries.tasks -> inquiries.services
    from khedmat.inquiries.tasks import organization_claim_check_task

    task = organization_claim_check_task
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return  # the retry sweep picks it up
        task = task.using(run_after=run_after)
    task.enqueue(organization_id)


def organization_claim_check(organization_id: int, *, now: dt.datetime | None = None) -> str:
    """Ask the company registry (the Official Gazette) whether the person who registered the organization is
    one of its signatories (the CEO for a CEO's claim) under the name and registration number given.
    Confirmed: the claim is verified. Otherwise the reason is kept for the province's staff to decide;
    an unavailable registry is asked again with back-off. Never raises. Returns what happened."""
    now = now or timezone.now()
    organization = Organization.objects.filter(pk=organization_id, claim_status=ClaimStatus.PENDING).first()
    if organization is None:
        return "decided"
    claimant = organization.memberships.filter(user_id=organization.created_by_id).select_related("user").first()
    source = _claim_source()
    if source is None or claimant is None:
        organizations.claim_check_recorded(organization=organization, note=_(
            "The company registry is not connected: a staff member of the province will check the claim."))
        return "staff"
    try:
        answer = _adapter_for(source).query(organization_id=organization.national_id)
    except (ValueError, TypeError) as exc:
        logger.warning("organization claim %s: registry not asked: %s", organization.pk, exc)
        organizations.claim_check_recorded(organization=organization, note=_(
            "The company registry cannot be asked about this national ID: a staff member will check the claim."))
        return "staff"
    except adapters.SourceUnavailable:
        attempts = organization.claim_check_attempts + 1
        if attempts >= settings.REGISTRY_MAX_ATTEMPTS:
            organizations.claim_check_recorded(organization=organization, note=_(
                "The company registry did not answer after %(n)s attempts: a staff member will check the claim.")
                % {"n": attempts})
            return "staff"
        retry_at = now + retry_delay(attempts)
        organizations.claim_check_recorded(organization=organization, next_check_at=retry_at, note=_(
            "The company registry did not answer; it will be asked again."))
        transaction.on_commit(lambda: _enqueue_claim_check(organization.pk, run_after=retry_at))
        return "retry"
    except adapters.MalformedAnswer as exc:
        raw = getattr(exc, "raw", "") or ""
        organizations.claim_check_recorded(
            organization=organization, evidence={"source": source.code, "sha256": _sha256(raw)},
            note=_("The company registry's answer was not in the expected form: a staff member will check the claim."))
        return "staff"
    except adapters.NotFound:
        organizations.claim_check_recorded(organization=organization, evidence={"source": source.code, "found": False},
                                           note=_("The company registry has no organization with this national ID: "
                                                  "a staff member will check the claim."))
        return "staff"
    data = answer.data
    mismatches = adapters.compare_company(
        {"name": organization.name, "registration_number": organization.registration_number}, data)
    signs = [s for s in data.get("signatories", []) if s["national_id"] == claimant.user.national_id]
    signs_as_ceo = any(s["role"] == "ceo" for s in signs)
    confirmed = signs_as_ceo if claimant.role == "ceo" else bool(signs)
    evidence = {"source": source.code, "found": True, "name": data["name"],
                "registration_number": data["registration_number"], "claimant_signs": bool(signs),
                "claimant_is_ceo": signs_as_ceo, "mismatches": mismatches, "sha256": _sha256(answer.raw),
                "checked_at": now.isoformat()}
    if confirmed and not mismatches:
        organizations.claim_verify(organization=organization, method=ClaimMethod.REGISTRY, evidence=evidence, note=_(
            "The company registry names %(person)s among the organization's signatories.")
            % {"person": claimant.user.get_full_name()})
        return "verified"
    reasons = []
    if not confirmed:
        reasons.append(_("the company registry does not name you as its CEO") if claimant.role == "ceo"
                       else _("the company registry does not name you among its signatories"))
    labels = {"name": _("the registered name"), "registration_number": _("the registration number"),
              "status": _("the registration status")}
    reasons += [_("%(field)s differs from the registry's (%(value)s)") % {
        "field": labels.get(m["field"], m["field"]), "value": _coded_value(source, m["field"], m["registry"])}
        for m in mismatches]
    organizations.claim_check_recorded(organization=organization, evidence=evidence, note=_(
        "Not confirmed by the company registry: %(reasons)s. A staff member of the province will check the claim.")
        % {"reasons": "؛ ".join(str(r) for r in reasons)})
    return "staff"


def _sha256(raw: str) -> str:
    return hashlib.sha256((raw or "").encode("utf-8", "replace")).hexdigest()


def organization_claims_retry_due(*, now: dt.datetime | None = None) -> int:
    """Ask again about the pending claims whose next check has come (the sweep behind the back-off)."""
    now = now or timezone.now()
    due = list(Organization.objects.filter(claim_status=ClaimStatus.PENDING, claim_next_check_at__lte=now)
               .values_list("pk", flat=True)[:200])
    for pk in due:
        organization_claim_check(pk, now=now)
    return len(due)


# -- registry mismatches and the approver (issue 17 point 1) ----------------------------------------------

MISMATCH_REASON_KEY = "registry_mismatch_reason"
MISMATCH_STATUSES = (InquiryStatus.ANSWERED, InquiryStatus.NOT_FOUND)


def case_inquiry_list(case) -> list[Inquiry]:
    """The case's inquiries with their source and letter, newest first: read once per request (core.memo) for the
    page's list, its mismatch warnings and the approval's guard."""
    return remember(case, "inquiries", lambda: list(
        case.inquiries.select_related("source", "letter").order_by("-created_at", "-id")))


def case_mismatched_inquiries(case) -> list[Inquiry]:
    """The case's inquiries whose answer differs from what was declared (or found no record), oldest first."""
    return [i for i in reversed(case_inquiry_list(case)) if i.status in MISMATCH_STATUSES and i.mismatches]


def mismatch_acceptances(case) -> list:
    """The recorded reasons for deciding a case despite registry mismatches (case events), oldest first."""
    return [event for event in case_events(case) if MISMATCH_REASON_KEY in (event.data or {})]


def case_unresolved_mismatches(case) -> list[Inquiry]:
    """Mismatched inquiries no recorded reason covers yet: an approval needs a reason for them."""
    accepted = set()
    for event in mismatch_acceptances(case):
        accepted.update(event.data.get("inquiries", []))
    return [i for i in case_mismatched_inquiries(case) if i.pk not in accepted]


def unresolved_mismatch_message(inquiries: list[Inquiry]) -> str:
    names = "، ".join(f"{i.source.name} ({i.label})" if i.label else i.source.name for i in inquiries)
    return _("The registry's answer differs from what was declared (%(inquiries)s): write the reason for "
             "approving despite the mismatch.") % {"inquiries": names}


def mismatches_accept(*, case, reason: str, by) -> None:
    """Record, as a case event, why the case is decided despite its unresolved registry mismatches. Call it in
    the approval's transaction, before the transition (whose guard then lets it through). Nothing to accept:
    nothing recorded; a reason is required otherwise (the guard's message)."""
    unresolved = case_unresolved_mismatches(case)
    reason = (reason or "").strip()
    if not unresolved or not reason:
        return
    _event(case, EventType.NOTE, by=by, now=timezone.now(), public=False,
           comment=_("Approved despite the registry mismatch: %(reason)s") % {"reason": reason},
           data={MISMATCH_REASON_KEY: reason, "inquiries": [i.pk for i in unresolved]})


def unresolved_mismatch_guard(case):
    """Guard of an approval: refused while a registry mismatch has no recorded reason."""
    unresolved = case_unresolved_mismatches(case)
    return unresolved_mismatch_message(unresolved) if unresolved else None
