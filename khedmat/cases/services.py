"""Writes for cases. `case_transition` is the one function that changes a case's state."""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khedmat.cases import sla
from khedmat.cases.abilities import platform_refusal, refusal, roles_of, stale
from khedmat.cases.access import applicant_side, staff_roles_for_case
from khedmat.cases.models import (
    Case,
    CaseEvent,
    DeficiencyItem,
    DeficiencyNotice,
    Document,
    DocumentVersion,
    EventType,
    TrackingSequence,
)
from khedmat.cases.process import APPLICANT, Act, Clock, get_process
from khedmat.cases.selectors import case_search_text
from khedmat.cases.signals import case_decided, case_submitted, deficiency_notice_issued
from khedmat.cases.tracking import tracking_compose, tracking_display
from khedmat.catalog.models import Service
from khedmat.catalog.selectors import statement_in_force
from khedmat.core import jalali
from khedmat.core.appendonly import unlocked
from khedmat.core.chain import chain_rebuild
from khedmat.core.exceptions import ApplicationError
from khedmat.core.memo import forget
from khedmat.core.models import Province
from khedmat.core.upload_messages import rejection_message
from khedmat.core.uploads import UploadRejected, storage_name, validate_upload
from khedmat.notifications.services import notify_user
from khedmat.organizations.selectors import may_act_for
from khedmat.workcalendar.selectors import calendar_for

_stale = stale  # one message for a page that is out of date (cases.abilities)


def _locked(case: Case, expected_version: int | None) -> Case:
    """Lock the case row for this transaction; refuse if it moved since the person saw it."""
    locked = Case.objects.select_for_update(of=("self",)).select_related("service", "applicant",
                                                                         "organization").get(pk=case.pk)
    if expected_version is not None and locked.version != expected_version:
        raise _stale()
    return locked


def _event(case: Case, event_type: str, *, by, now, from_state="", to_state="", transition="", comment="",
           public=True, data=None) -> CaseEvent:
    forget(case, "events")  # the request's timeline (selectors.case_events) no longer holds
    return CaseEvent.objects.create(
        case=case, created_at=now, event_type=event_type, from_state=from_state, to_state=to_state,
        transition=transition, actor=by, comment=comment, public=public, data=data or {},
    )


def _bump(case: Case, fields: list[str]) -> None:
    case.version = F("version") + 1
    case.save(update_fields=[*fields, "version", "updated_at"])
    case.refresh_from_db(fields=["version"])


# -- creating and filling a case -------------------------------------------------------------

def _may_act_for(user, organization) -> bool:
    return may_act_for(user=user, organization=organization)


def declaration_refusal(*, process, data: dict | None, organization, province) -> None:
    """Raise the process's refusal of what the applicant declared (e.g. a request another authority handles)."""
    message = process.declaration_check(data=data, organization=organization, province=province)
    if message:
        raise ApplicationError(str(message), code="not_competent")


def case_declaration_refusal(case: Case) -> str | None:
    """The process's refusal of the case's current declaration, as text, or None (for other apps: payments)."""
    message = case.process.declaration_check(data=case.data, organization=case.organization, province=case.province)
    return str(message) if message else None


def case_create(*, service: Service, applicant, organization=None, title: str = "", data: dict | None = None) -> Case:
    """Open a draft case for `service`, for the applicant or the organization they act for. `data` is the
    service's declaration (its form's data): a request the province does not handle is refused here, before
    any case, invoice or tracking number exists."""
    process = get_process(service.code)
    if organization is not None and not _may_act_for(applicant, organization):
        raise ApplicationError(_("You do not act for this organization."), code="not_member")
    province = Province.objects.get(code=settings.KHEDMAT_HOME_PROVINCE)
    declaration_refusal(process=process, data=data, organization=organization, province=province)
    now = timezone.now()
    with transaction.atomic():
        case = Case(
            service=service, process_version=process.version, province=province, applicant=applicant,
            organization=organization, state=process.initial, title=title, data=data or {},
            applicant_national_id=(organization.national_id if organization else applicant.national_id),
        )
        case.search_text = case_search_text(case)
        case.save()
        _event(case, EventType.CREATED, by=applicant, now=now, to_state=process.initial)
    return case


def _require(case: Case, by, ability: str) -> None:
    """Refuse a platform write the abilities do not offer `by` now (the same answer the page showed)."""
    refused = platform_refusal(case, by, ability)
    if refused is not None:
        raise refused


def _require_applicant_editing(case: Case, by) -> None:
    _require(case, by, "edit")


def case_lock_for_applicant(*, case: Case, by, expected_version: int | None = None) -> Case:
    """For a service's own dossier records: lock the case row and check that `by` is the applicant and the
    case is with them. Call inside a transaction and finish with `case_record_change`."""
    locked = _locked(case, expected_version)
    _require_applicant_editing(locked, by)
    return locked


def case_record_change(*, case: Case, by, comment: str = "", public: bool = True,
                       event_type: str = EventType.DATA_CHANGED) -> None:
    """Log a change made to a case's service records and bump its version (inside the caller's transaction).
    Other apps acting on the case name what happened with their own `event_type` (EventType.APPOINTMENT,
    EventType.COMMITTEE) and a `comment` in Persian, so the timeline does not say "form changed"."""
    _event(case, event_type, by=by, now=timezone.now(), comment=comment, public=public)
    _bump(case, [])


def case_data_update(*, case: Case, data: dict, title: str, by, expected_version: int) -> Case:
    """Save the service form of a case that is with the applicant (draft or returned)."""
    with transaction.atomic():
        case = _locked(case, expected_version)
        _require_applicant_editing(case, by)
        declaration_refusal(process=case.process, data=data, organization=case.organization, province=case.province)
        case.data = data
        case.title = title
        case.search_text = case_search_text(case)
        _event(case, EventType.DATA_CHANGED, by=by, now=timezone.now(), public=True)
        _bump(case, ["data", "title", "search_text"])
    return case


def document_upload(*, case: Case, requirement: str, fileobj, filename: str, size: int, by,
                    staff_intake: bool = False) -> DocumentVersion:
    """Store a new version of a checklist document after checking the file by its content. Normally the
    applicant uploads while the case is with them; `staff_intake`: staff of the case scan what was
    handed in on paper (e.g. a binder), in any open state."""

    process = case.process
    try:
        spec = process.document(requirement)
    except KeyError:
        raise ApplicationError(_("This document is not on the checklist of the service."),
                               code="unknown_document") from None
    try:
        checked = validate_upload(fileobj=fileobj, filename=filename, size=size, allowed=set(spec.allowed_types),
                                  max_bytes=spec.max_bytes)
    except UploadRejected as rejected:
        raise ApplicationError(rejection_message(rejected, UPLOAD_MESSAGES), code=f"upload_{rejected.reason}") from None
    fileobj.seek(0)
    with transaction.atomic():
        case = _locked(case, None)
        _require(case, by, "scan" if staff_intake else "upload")
        document, _created = Document.objects.select_for_update().get_or_create(case=case, requirement=requirement)
        number = (document.versions.count() or 0) + 1
        version = DocumentVersion(
            document=document, number=number, original_name=checked.safe_original_name,
            content_type=checked.content_type, size=checked.size, sha256=checked.sha256, uploaded_by=by,
            uploaded_at=timezone.now(), deficiency_round=case.deficiency_notices.count() or None,
        )
        version.file.save(storage_name(sha256=checked.sha256, extension=checked.extension), File(fileobj), save=False)
        # The file is written before the row; if the row cannot be saved, remove the file at once.
        try:
            version.save()
        except Exception:
            version.file.delete(save=False)
            raise
        document.current = version
        document.save(update_fields=["current"])
        _event(case, EventType.DOCUMENT_UPLOADED, by=by, now=version.uploaded_at,
               data={"requirement": requirement, "version": number, "name": checked.safe_original_name,
                     "staff_intake": staff_intake})
        _bump(case, [])
    return version


UPLOAD_MESSAGES = {
    "empty": gettext_lazy("The file is empty."),
    "too_large": gettext_lazy("The file is larger than allowed."),
    "unknown_type": gettext_lazy("The type of this file is not recognised. Upload a PDF, PNG or JPEG file."),
    "not_allowed_type": gettext_lazy("This kind of file is not accepted for this document."),
    "executable": gettext_lazy("Programs and scripts cannot be uploaded."),
    "extension_mismatch": gettext_lazy("The file's name does not match its content; rename it to its real type."),
    "bad_name": gettext_lazy("The file name is not usable; rename the file and try again."),
    "encrypted_pdf": gettext_lazy("The PDF is password-protected; upload it without a password."),
    "corrupt": gettext_lazy("The file is damaged or incomplete."),
    "active_content": gettext_lazy("The file contains active content, which is not accepted."),
}


# -- transitions -----------------------------------------------------------------------------

# Decisions the applicant receives as a numbered letter (a return comes as the deficiency letter).
LETTER_DECISIONS = frozenset({"reject", "approve_with_conditions"})
DECISION_TEXTS = {
    "reject": gettext_lazy("Case %(number)s was rejected."),
    "approve_with_conditions": gettext_lazy("Case %(number)s was approved with conditions."),
}

def case_transition(
    *, case: Case, name: str, by, comment: str = "", expected_version: int | None = None,
    _allow_internal: bool = False, _event_type: str = EventType.TRANSITION, _data: dict | None = None,
) -> Case:
    """Move a case along its process: role, source state and guards are checked under a row lock;
    an event is written; the SLA clock and the notifications follow. All or nothing."""
    now = timezone.now()
    with transaction.atomic():
        case = _locked(case, expected_version)
        process = case.process
        try:
            transition = process.transition(name)
        except KeyError:
            raise ApplicationError(_("This action does not exist for this service."),
                                   code="unknown_transition") from None
        if transition.internal and not _allow_internal:
            raise ApplicationError(_("This action is not available here."), code="internal_transition")
        refused = refusal(case, roles_of(case, by), transition, expected_version=expected_version, comment=comment)
        if refused is not None:
            raise refused
        from_state = case.state
        case.state = transition.target
        target_state = process.state(transition.target)
        fields = ["state"]
        if target_state.is_final:
            case.closed_at = now
            fields.append("closed_at")
        event = _event(case, _event_type, by=by, now=now, from_state=from_state, to_state=case.state,
                       transition=name, comment=comment, data=_data)
        _bump(case, fields)
        sla_refresh(case=case, now=now)
        decision = process.decision_of(transition, _data)
        letter = None
        if decision in LETTER_DECISIONS:
            # A decision the applicant receives in writing: the reasons are the committee's when it decided,
            # else the comment the action required.
            data = _data or {}
            responses = case_decided.send(
                sender=Case, case=case, event=event, decision=decision,
                reasons=(data["reasons"] if "reasons" in data else comment).strip(),
                conditions=(data.get("conditions") or "").strip(), basis=data.get("basis", ""), by=by,
            )
            letter = next((response for _receiver, response in responses if response is not None), None)
        if transition.notify_applicant or letter is not None:
            _notify_applicant(case, event, decision=decision if letter is not None else "", letter=letter)
        if case.assigned_to_id and case.assigned_to_id != getattr(by, "pk",
                                                                  None) and set(target_state.actors) - {APPLICANT}:
            _notify_staff(case, "queue", event=event)
    return case


def case_lock(*, case: Case, expected_version: int | None = None) -> Case:
    """Lock the case row in the caller's transaction (and refuse a stale page): for another platform app's write
    on a case that is not one of the process's acts — a committee's note, an appointment — finished with
    `case_record_change`. A service's own steps use `case_act`."""
    return _locked(case, expected_version)


class Acting:
    """What a service function sees inside `case_act`: the locked case, and what to record of the act."""

    def __init__(self, case: Case, action, comment: str, data: dict | None):
        self.case = case
        self.action = action
        self.comment = comment
        self.data = data
        self.public = True
        self.event_type = ""  # default: EventType.ACT for an act, EventType.TRANSITION for a transition
        self.event: CaseEvent | None = None


@contextmanager
def case_act(*, case: Case, by, name: str, expected_version: int | None = None, comment: str = "",
             data: dict | None = None, before: Callable[[Case], object] | None = None) -> Iterator[Acting]:
    """The one way a service function acts on a case: lock the row, check the version, and check that `name`
    (an act or a transition of the case's process) may be done now by `by` — role, state, the reason asked
    for, guards (`cases.abilities.refusal`, the answer the page gave); then run the body. On a clean exit an
    act is written on the timeline (the version moves), a transition is taken. If the body raises, nothing is
    recorded: one transaction.

        with case_act(case=case, by=by, name="binder_receive") as act:
            ...  # the service's own rows, with act.case locked
            act.comment = note

    `before(locked_case)` runs under the lock and before the checks: what a guard asks to be recorded first (the
    reason for approving despite a registry mismatch); a refused act takes it back with it.
    """
    with transaction.atomic():
        locked = _locked(case, expected_version)
        if before is not None:
            before(locked)
        try:
            action = locked.process.action(name)
        except KeyError:
            raise ApplicationError(_("This action does not exist for this service."),
                                   code="unknown_transition") from None
        refused = refusal(locked, roles_of(locked, by), action, expected_version=expected_version, comment=comment)
        if refused is not None:
            raise refused
        acting = Acting(locked, action, comment, data)
        yield acting
        if isinstance(action, Act):
            acting.event = _event(locked, acting.event_type or EventType.ACT, by=by, now=timezone.now(),
                                  transition=name, comment=acting.comment, public=acting.public, data=acting.data)
            _bump(locked, [])
        else:
            acting.case = case_transition(case=locked, name=name, by=by, comment=acting.comment, _allow_internal=True,
                                          _event_type=acting.event_type or EventType.TRANSITION, _data=acting.data)


def case_submit(*, case: Case, by, expected_version: int) -> Case:
    """Submit a draft: pin the SLA statement in force, give a tracking number, start the clock."""
    with transaction.atomic():
        locked = _locked(case, expected_version)
        process = locked.process
        if locked.tracking_number is None:
            statement = statement_in_force(service=locked.service)
            if statement is None:
                raise ApplicationError(_("This service is not offered at the moment."), code="no_statement")
            locked.sla_statement = statement
            locked.tracking_number = _next_tracking_number(locked.service)
            locked.search_text = case_search_text(locked) + " | " + locked.tracking_number
            now = timezone.now()
            locked.first_submitted_at = now
            locked.submitted_at = now
            locked.save(update_fields=["sla_statement", "tracking_number", "search_text", "first_submitted_at",
                                       "submitted_at"])
        first_submission = not locked.events.filter(event_type=EventType.SUBMITTED).exists()
        submitted = case_transition(case=locked, name=process.submit_transition, by=by, _allow_internal=True,
                                    _event_type=EventType.SUBMITTED, _data={"tracking_number": locked.tracking_number})
        if first_submission:
            case_submitted.send(sender=Case, case=submitted, by=by)
        return submitted


def _next_tracking_number(service: Service) -> str:
    year = jalali.to_jalali(timezone.localdate()).year
    sequence, _created = TrackingSequence.objects.select_for_update().get_or_create(service=service, year=year)
    TrackingSequence.objects.filter(pk=sequence.pk).update(last=F("last") + 1)
    sequence.refresh_from_db()
    return tracking_compose(service_number=service.number, year=year, sequence=sequence.last)


def deficiency_notice_refuse_repeat(case: Case) -> None:
    """Refuse a second notice while the applicant has not answered the one sent (a double post, a stale
    page): the answer says it was already sent, whatever else the form lacks."""
    if DeficiencyNotice.objects.filter(case_id=case.pk, answered_at__isnull=True).exists():
        raise ApplicationError(_("This deficiency notice was already sent to the applicant."), code="already_sent")


def deficiency_notice_issue(*, case: Case, items: list[dict], summary: str, by,
                            expected_version: int) -> DeficiencyNotice:
    """Return the case to the applicant with a written, itemised list of what to fix (any round)."""
    deficiency_notice_refuse_repeat(case)
    if not items:
        raise ApplicationError(_("List at least one deficiency."), code="no_items")
    for item in items:
        if not (item.get("text") or "").strip() or not (item.get("guidance") or "").strip():
            raise ApplicationError(_("Each deficiency needs a description and guidance for the applicant."),
                                   code="item_incomplete")
    with transaction.atomic():
        locked = _locked(case, expected_version)
        process = locked.process
        if not process.deficiency_transition:
            raise ApplicationError(_("This service has no deficiency step."), code="no_deficiency_step")
        codes = {d.code for d in process.documents}
        for item in items:
            if item.get("document_code") and item["document_code"] not in codes:
                raise ApplicationError(_("A deficiency names a document that is not on the checklist."),
                                       code="unknown_document")
        now = timezone.now()
        notice = DeficiencyNotice.objects.create(
            case=locked, round=locked.deficiency_notices.count() + 1, issued_by=by, issued_at=now, summary=summary,
        )
        DeficiencyItem.objects.bulk_create([
            DeficiencyItem(notice=notice, order=i, document_code=item.get("document_code") or "",
                           text=item["text"].strip(), guidance=item["guidance"].strip())
            for i, item in enumerate(items, start=1)
        ])
        case_transition(case=locked, name=process.deficiency_transition, by=by, comment=summary, _allow_internal=True,
                        _event_type=EventType.DEFICIENCY_NOTICE, _data={"notice": notice.pk, "round": notice.round})
        deficiency_notice_issued.send(sender=DeficiencyNotice, notice=notice, by=by)
    return notice


def case_resubmit(*, case: Case, answers: dict[int, str], by, expected_version: int) -> Case:
    """The applicant answers the open deficiency notice and sends the case back."""
    with transaction.atomic():
        locked = _locked(case, expected_version)
        process = locked.process
        notice = locked.deficiency_notices.filter(answered_at__isnull=True).order_by("-round").first()
        if notice is None or not process.resubmit_transition:
            raise ApplicationError(_("There is no deficiency notice to answer."), code="no_notice")
        if not applicant_side(locked, by):
            raise ApplicationError(_("Only the applicant can change this case."), code="not_applicant")
        items = list(notice.items.all())
        for item in items:
            answer = (answers.get(item.pk) or "").strip()
            uploaded = item.document_code and DocumentVersion.objects.filter(
                document__case=locked, document__requirement=item.document_code, uploaded_at__gt=notice.issued_at
            ).exists()
            if not answer and not uploaded:
                raise ApplicationError(
                    _("Answer every deficiency, or upload the corrected document it names."), code="unanswered",
                    extra={"item": item.pk},
                )
            item.answer = answer
        DeficiencyItem.objects.bulk_update(items, ["answer"])
        now = timezone.now()
        notice.answered_at = now
        notice.save(update_fields=["answered_at"])
        locked.submitted_at = now
        locked.save(update_fields=["submitted_at"])
        return case_transition(case=locked, name=process.resubmit_transition, by=by, _allow_internal=True,
                               _event_type=EventType.RESUBMITTED, _data={"notice": notice.pk, "round": notice.round})


# -- people on a case ------------------------------------------------------------------------

def case_claim(*, case: Case, by, expected_version: int | None = None) -> Case:
    with transaction.atomic():
        locked = _locked(case, expected_version)
        if locked.assigned_to_id != by.pk:
            _require(locked, by, "claim")  # not offered on one's own case, which is claimed again harmlessly
        if locked.assigned_to_id and locked.assigned_to_id != by.pk:
            raise ApplicationError(
                _("%(name)s has already taken this case.") % {"name": locked.assigned_to.get_full_name()}, code="taken"
            )
        locked.assigned_to = by
        _event(locked, EventType.CLAIMED, by=by, now=timezone.now(), public=False)
        _bump(locked, ["assigned_to"])
    return locked


def case_assign(*, case: Case, to, by, expected_version: int | None = None) -> Case:
    """A unit head hands a case to a staff member of the same province who can act on it."""
    with transaction.atomic():
        locked = _locked(case, expected_version)
        _require(locked, by, "assign")
        if not staff_roles_for_case(locked, to):
            raise ApplicationError(_("This person cannot work on this case."), code="bad_assignee")
        locked.assigned_to = to
        _event(locked, EventType.ASSIGNED, by=by, now=timezone.now(), public=False,
               data={"to": to.pk, "name": to.get_full_name()})
        _bump(locked, ["assigned_to"])
    return locked


def case_note_add(*, case: Case, text: str, by) -> CaseEvent:
    """An internal note, visible to staff only."""
    if not text.strip():
        raise ApplicationError(_("Write the note first."), code="empty")
    _require(case, by, "note")
    with transaction.atomic():
        locked = _locked(case, None)
        event = _event(locked, EventType.NOTE, by=by, now=timezone.now(), comment=text.strip(), public=False)
    return event


def case_message_add(*, case: Case, text: str, by) -> CaseEvent:
    """A message between the applicant and the staff; both sides see it on the timeline."""
    if not text.strip():
        raise ApplicationError(_("Write the message first."), code="empty")
    _require(case, by, "message")
    from_staff = bool(staff_roles_for_case(case, by))
    with transaction.atomic():
        locked = _locked(case, None)
        event = _event(locked, EventType.MESSAGE, by=by, now=timezone.now(), comment=text.strip(), public=True,
                       data={"from_staff": from_staff})
        if from_staff:
            _notify_applicant(locked, event)
    return event


# -- demo data -------------------------------------------------------------------------------

def demo_case_events_redate(*, case: Case, since: dt.datetime, when: dt.datetime) -> int:
    """Demo data only: move a fresh demo case's events written since `since` to the step's demo time.

    The one sanctioned rewrite of the append-only log (docs/adr/0015): done under `unlocked()`, and
    the case's hash chain is re-linked so `audit_verify` stays clean. Returns the events moved.
    """
    with transaction.atomic(), unlocked():
        moved = CaseEvent.objects.filter(case=case, created_at__gte=since).update(created_at=when)
        if moved:
            chain_rebuild(CaseEvent, case.pk)
    return moved


# -- the SLA clock ---------------------------------------------------------------------------

def sla_target(case: Case) -> int | None:
    code = case.process.sla_commitment
    if not code or case.sla_statement_id is None:
        return None
    commitment = case.sla_statement.commitments.filter(code=code, unit="working_days").first()
    return int(commitment.target) if commitment and commitment.target is not None else None


def sla_segments(case: Case) -> list[sla.Segment]:
    process = case.process
    changes = [
        (instant, process.state(to_state).clock == Clock.ORGANIZATION)
        for instant, to_state in case.events.exclude(to_state="").order_by("id").values_list("created_at", "to_state")
    ]
    return sla.running_segments(changes)


def sla_refresh(*, case: Case, now: dt.datetime | None = None, reason: str = "", by=None) -> Case:
    """Recompute the stored SLA columns from the events (idempotent: replaying gives the same)."""
    now = now or timezone.now()
    calendar = calendar_for(province=case.province_id, office=case.office_id)
    segments = sla_segments(case)
    target = sla_target(case)
    position = sla.position(segments=segments, calendar=calendar, target=target,
                            warning_ratio=case.process.warning_ratio, now=now)
    running = position.running
    banked = sla.used_working_days(segments[:-1] if running else segments, calendar, now)
    old_deadline = case.sla_deadline
    case.sla_target_days = target
    case.sla_running = running
    case.sla_banked_days = banked
    case.sla_run_started_at = segments[-1].start if running else None
    case.sla_deadline = position.deadline
    case.sla_warning_at = position.warning_at
    if case.sla_original_deadline is None and position.deadline is not None:
        case.sla_original_deadline = position.deadline
    case.sla_computed_at = now
    Case.objects.filter(pk=case.pk).update(
        sla_target_days=target, sla_running=running, sla_banked_days=banked, sla_run_started_at=case.sla_run_started_at,
        sla_deadline=position.deadline, sla_warning_at=position.warning_at,
        sla_original_deadline=case.sla_original_deadline, sla_computed_at=now,
    )
    if reason and old_deadline != position.deadline:
        _event(case, EventType.DEADLINE_CHANGED, by=by, now=now, public=True, comment=reason, data={
            "old": old_deadline.isoformat() if old_deadline else None,
            "new": position.deadline.isoformat() if position.deadline else None,
        })
    return case


def sla_recompute_for_province(*, province_id: int | None, reason: str) -> int:
    """After a calendar change: recompute the deadline of every open case with a running clock."""
    qs = Case.objects.filter(closed_at__isnull=True, sla_running=True).select_related("service", "sla_statement")
    if province_id:
        qs = qs.filter(province_id=province_id)
    count = 0
    for case in qs.iterator(chunk_size=500):
        with transaction.atomic():
            sla_refresh(case=case, reason=reason)
        count += 1
    return count


def sla_sweep(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Mark warnings and breaches once each, with an event and notices. Safe in several processes:
    each case is claimed by a conditional UPDATE, so only one process acts on it."""
    now = now or timezone.now()
    counts = {"warning": 0, "breach": 0}
    due_warning = Case.objects.filter(sla_running=True, sla_warning_at__lte=now, sla_warned_at__isnull=True)
    for pk in due_warning.values_list("pk", flat=True)[:1000]:
        if Case.objects.filter(pk=pk, sla_warned_at__isnull=True).update(sla_warned_at=now):
            with transaction.atomic():
                case = Case.objects.select_related("service", "assigned_to").get(pk=pk)
                _event(case, EventType.SLA_WARNING, by=None, now=now, public=False)
                _notify_staff(case, "sla_warning")
            counts["warning"] += 1
    due_breach = Case.objects.filter(sla_running=True, sla_deadline__lte=now, sla_breach_notified_at__isnull=True)
    for pk in due_breach.values_list("pk", flat=True)[:1000]:
        if Case.objects.filter(pk=pk, sla_breach_notified_at__isnull=True).update(sla_breach_notified_at=now):
            with transaction.atomic():
                case = Case.objects.select_related("service", "assigned_to").get(pk=pk)
                _event(case, EventType.SLA_BREACH, by=None, now=now, public=False)
                _notify_staff(case, "sla_breach")
            counts["breach"] += 1
    return counts


# -- notifications ---------------------------------------------------------------------------

def _one_line(text: str, limit: int = 120) -> str:
    """The first line of a text, its spaces collapsed, cut at `limit` characters (for an SMS)."""
    line = next((part for part in (text or "").splitlines() if part.strip()), "")
    line = " ".join(line.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def case_page_url(case: Case) -> str:
    """The absolute address of the applicant's case page (for messages sent outside the site)."""
    return settings.KHEDMAT_SITE_URL.rstrip("/") + reverse("cases:detail", args=[case.public_id])


def _notify_applicant(case: Case, event: CaseEvent, *, decision: str = "", letter=None) -> None:
    """The applicant's SMS and in-app message. A decision says what was decided, the reason in one line,
    and where the letter is (its number and the case page)."""
    number = tracking_display(case.tracking_number)
    if decision:
        data = event.data or {}
        reasons = data["reasons"] if "reasons" in data else event.comment
        if decision == "approve_with_conditions" and data.get("conditions"):
            reasons = data["conditions"]
        parts = [str(DECISION_TEXTS[decision]) % {"number": number}]
        if _one_line(reasons):
            parts.append(_("Reason: %(reason)s") % {"reason": _one_line(reasons)})
        parts.append(_("Letter %(letter)s is on your case page: %(url)s") % {
            "letter": letter.number, "url": case_page_url(case)})
        body = " ".join(parts)
    elif event.event_type == EventType.MESSAGE:
        body = _("New message on case %(number)s: %(text)s") % {"number": number, "text": event.comment[:300]}
    elif event.event_type == EventType.DEFICIENCY_NOTICE:
        body = _("Case %(number)s was returned to you with a list of deficiencies. Please correct and resubmit.") % {
            "number": number}
        first = DeficiencyItem.objects.filter(notice_id=(event.data or {}).get("notice")).order_by("order").first()
        if first is not None:
            body += " " + _("Reason: %(reason)s") % {"reason": _one_line(first.text)}
        body += " " + _("The letter is on your case page: %(url)s") % {"url": case_page_url(case)}
    elif event.event_type == EventType.SUBMITTED:
        body = _("Case %(number)s was received. You can follow it with this tracking number.") % {"number": number}
    else:
        body = _("Case %(number)s is now: %(state)s.") % {"number": number, "state": case.state_def.label}
    notify_user(user=case.applicant, subject=_("Case %(number)s") % {"number": number}, body=body,
                template=f"case_{event.event_type}", idempotency_key=f"case-event-{event.pk}", case_id=case.pk)


def _notify_staff(case: Case, kind: str, event: CaseEvent | None = None) -> None:
    """In-app notice to the staff member handling the case (queue arrivals, deadline warnings)."""
    if case.assigned_to_id is None:
        return
    number = tracking_display(case.tracking_number)
    texts = {
        "sla_warning": _("Case %(number)s is near its deadline."),
        "sla_breach": _("Case %(number)s is past its deadline."),
        "queue": _("Case %(number)s is waiting for you: %(state)s."),
    }
    body = texts[kind] % {"number": number, "state": case.state_def.label}
    key = f"{kind}-{case.pk}" if event is None else f"{kind}-event-{event.pk}"
    notify_user(user=case.assigned_to, subject=body, body=body, template=kind, idempotency_key=key,
                channels=("inapp",), case_id=case.pk)
