"""The minutes: issued, withdrawn, confirmed by the members present; then the decisions take effect.
A decision's text is corrected by a new record and a numbered letter."""
from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _

from khedmat.cases.models import Case
from khedmat.cases.services import case_act, deficiency_notice_issue
from khedmat.cases.tracking import tracking_display
from khedmat.certificates.models import RevocationReason
from khedmat.certificates.services import document_issue, document_revoke
from khedmat.committees.models import (
    AgendaItem,
    Attendance,
    CommitteeMember,
    Decision,
    ItemStatus,
    MemberRole,
    MinutesConfirmation,
    Session,
    SessionState,
    Vote,
    VoteChoice,
)
from khedmat.committees.services.agenda import _item_create, _open_item_for
from khedmat.committees.services.common import (
    _case_note,
    _locked_session,
    _place,
    _require_manager,
    _require_state,
    _session_label,
    member_for,
)
from khedmat.committees.services.decisions import _check_texts, quorum_status
from khedmat.core import jalali
from khedmat.core.exceptions import ApplicationError


def _current_decision(item: AgendaItem) -> Decision | None:
    return item.decisions.filter(corrected_by__isnull=True).order_by("-recorded_at").first()


def minutes_content(session: Session) -> dict:
    """What the minutes say, frozen into the numbered document when they are issued."""
    attendance = {a.member_id: a.present for a in session.attendance.all()}
    members = list(session.committee.members.filter(is_active=True).select_related("user"))
    names = {m.pk: m.user.get_full_name() for m in members}
    status = quorum_status(session)
    present = [{"name": m.user.get_full_name(), "role": str(m.get_role_display()), "title": m.title}
               for m in members if attendance.get(m.pk)]
    absent = [{"name": m.user.get_full_name(), "role": str(m.get_role_display()), "title": m.title}
              for m in members if not attendance.get(m.pk)]
    items = []
    rows = (session.items.exclude(status=ItemStatus.WITHDRAWN)
            .select_related("case", "case__service", "case__organization", "case__applicant")
            .prefetch_related(Prefetch("votes", queryset=Vote.objects.order_by("member__role", "member_id")),
                              Prefetch("decisions", queryset=Decision.objects.filter(corrected_by__isnull=True)
                                       .order_by("-recorded_at")))
            .order_by("order"))
    for item in rows:  # votes and decisions come with the items: no query per item
        decision = next(iter(item.decisions.all()), None)
        votes = [{"member": names.get(v.member_id, ""), "choice": str(v.get_choice_display())}
                 for v in item.votes.all()]
        items.append({
            "order": item.order,
            "number": tracking_display(item.case.tracking_number),
            "service": item.case.service.title,
            "title": item.case.title or "",
            "applicant": (item.case.organization.name if item.case.organization_id
                          else item.case.applicant.get_full_name()),
            "votes": votes,
            "decision": str(VoteChoice(decision.outcome).label) if decision else "",
            "decision_code": decision.outcome if decision else "",
            "reasons": decision.reasons if decision else "",
            "conditions": decision.conditions if decision else "",
            "guidance": decision.guidance if decision else "",
            "casting": bool(decision and decision.tally.get("casting")),
            "rolled_over": decision is None,
        })
    start = session.starts_at.astimezone(jalali.TEHRAN)
    end = session.ends_at.astimezone(jalali.TEHRAN)
    return {
        "subject": _("Minutes of the %(session)s") % {"session": _session_label(session)},
        "committee": session.committee.name,
        "session_number": f"{session.number}/{session.year}",
        "date": jalali.format_date(start.date()),
        "time": f"{start:%H:%M}–{end:%H:%M}",
        "place": _place(session),
        "present": present,
        "absent": absent,
        "quorum": {"required": status["required"], "present": status["voting_present"],
                   "members": status["voting_members"]},
        "decision_rule": str(session.committee.get_decision_rule_display()),
        "items": items,
    }


def minutes_issue(*, session: Session, by) -> Session:
    """Freeze the session's record into numbered minutes for the members to confirm. From here on
    attendance, votes and decisions do not change (withdrawing the minutes is the only way back)."""
    _require_manager(session.committee, by)
    with transaction.atomic():
        session = _locked_session(session)
        _require_state(session, SessionState.HELD)
        if not session.items.filter(status__in=[ItemStatus.PENDING, ItemStatus.DECIDED]).exists():
            raise ApplicationError(_("The agenda is empty."), code="empty_agenda")
        if not session.attendance.exists():
            raise ApplicationError(_("Record the attendance first."), code="no_attendance")
        chair = session.committee.members.filter(role=MemberRole.CHAIR, is_active=True).select_related("user").first()
        document = document_issue(
            type_code="committee_minutes", holder_name=session.committee.name,
            content=minutes_content(session), reference=f"committee_session:{session.pk}", by=by,
            signer_name=chair.user.get_full_name() if chair else None,
            signer_title=(_("Chair of the %(committee)s") % {"committee": session.committee.name}) if chair else None,
        )
        session.minutes = document
        session.minutes_issued_by = by
        session.state = SessionState.MINUTES_ISSUED
        session.version += 1
        session.save(update_fields=["minutes", "minutes_issued_by", "state", "version"])
    return session


def minutes_withdraw(*, session: Session, reason: str, by) -> Session:
    """Minutes issued with a mistake and not yet confirmed: revoke them (the record stays) and reopen."""
    _require_manager(session.committee, by)
    if not reason.strip():
        raise ApplicationError(_("Write what is wrong in the minutes."), code="reason_required")
    with transaction.atomic():
        session = _locked_session(session)
        _require_state(session, SessionState.MINUTES_ISSUED)
        document_revoke(document=session.minutes, reason=RevocationReason.ERROR, note=reason.strip(), by=by)
        session.minutes = None
        session.state = SessionState.HELD
        session.version += 1
        session.save(update_fields=["minutes", "state", "version"])
    return session


def _present_members(session: Session):
    present = Attendance.objects.filter(session=session, present=True).values_list("member_id", flat=True)
    return session.committee.members.filter(pk__in=present).select_related("user")


def minutes_confirm(*, session: Session, by, member: CommitteeMember | None = None, on_paper: bool = False) -> Session:
    """A member present confirms the minutes (or the secretary records a signature on the printed
    copy). When everyone present has confirmed, the decisions take effect on the cases and items
    not reached are carried to the next session."""
    with transaction.atomic():
        session = _locked_session(session)
        _require_state(session, SessionState.MINUTES_ISSUED)
        own = member_for(session.committee, by)
        if member is None:
            member = own
        elif member.pk != getattr(own, "pk", None):
            _require_manager(session.committee, by)
            on_paper = True
        present = {m.pk: m for m in _present_members(session)}
        if member is None or member.pk not in present:
            raise ApplicationError(_("Only the members present at the session confirm its minutes."),
                                   code="not_present")
        if MinutesConfirmation.objects.filter(minutes=session.minutes, member=member).exists():
            raise ApplicationError(_("These minutes are already confirmed by %(name)s.") % {
                "name": member.user.get_full_name()}, code="already_confirmed")
        MinutesConfirmation.objects.create(session=session, minutes=session.minutes, member=member, on_paper=on_paper,
                                           recorded_by=by)
        confirmed = set(MinutesConfirmation.objects.filter(minutes=session.minutes).values_list("member_id", flat=True))
        if set(present) <= confirmed:
            _finalise(session)
    return session


def _finalise(session: Session) -> None:
    now = timezone.now()
    session.state = SessionState.CONFIRMED
    session.confirmed_at = now
    session.version += 1
    session.save(update_fields=["state", "confirmed_at", "version"])
    actor = session.minutes_issued_by
    for item in session.items.filter(status__in=[ItemStatus.PENDING, ItemStatus.DECIDED]).select_related("case"):
        decision = _current_decision(item)
        if decision is None:
            item.status = ItemStatus.ROLLED_OVER
            item.save(update_fields=["status"])
            _case_note(item.case, actor, _("Not reached in the %(session)s; carried to the next session.") % {
                "session": _session_label(session)})
            following = (Session.objects.filter(committee=session.committee, state=SessionState.SCHEDULED,
                                                starts_at__gt=now).order_by("starts_at").first())
            if following is not None and _open_item_for(item.case) is None:
                _item_create(following, item.case, by=actor, rolled_from=item)
            continue
        _apply(decision, session=session, actor=actor, now=now)


def _apply(decision: Decision, *, session: Session, actor, now) -> None:
    case = Case.objects.get(pk=decision.item.case_id)
    process = case.process
    step = process.committee_step(case.state)
    if step is None:
        raise ApplicationError(_("Case %(number)s is no longer waiting for the committee; its decision cannot be "
                                 "applied.")
                               % {"number": case.tracking_number}, code="case_moved")
    name = step.transition_for(decision.outcome)
    reference = _("Decision of the %(session)s (minutes %(number)s)") % {
        "session": _session_label(session), "number": session.minutes.number}
    if decision.outcome == VoteChoice.RETURN and name == process.deficiency_transition:
        deficiency_notice_issue(case=case, items=[{"text": decision.reasons, "guidance": decision.guidance}],
                                summary=reference, by=actor, expected_version=None)
    else:
        comment = "\n".join(part for part in (reference, decision.reasons, decision.conditions) if part)
        with case_act(case=case, by=actor, name=name, comment=comment, data={
                "committee_session": session.pk, "decision": decision.outcome, "minutes": session.minutes.number,
                "basis": reference, "reasons": decision.reasons, "conditions": decision.conditions}):
            pass  # the decision is the act: the engine takes the transition the committee step names
    decision.applied_at = now
    decision.save(update_fields=["applied_at"])


def decision_correct(*, decision: Decision, reasons: str, conditions: str = "", guidance: str = "",
                     correction_reason: str, by) -> Decision:
    """Correct the text of a decision in confirmed minutes: a new record linked to the old one and a
    numbered correction letter. The outcome cannot change this way (the case has already moved)."""
    session = decision.item.session
    _require_manager(session.committee, by)
    if not correction_reason.strip():
        raise ApplicationError(_("Write why the decision is corrected."), code="reason_required")
    with transaction.atomic():
        session = _locked_session(session)
        _require_state(session, SessionState.CONFIRMED)
        decision = Decision.objects.select_for_update().get(pk=decision.pk)
        if Decision.objects.filter(corrects=decision).exists():
            raise ApplicationError(_("This decision has already been corrected; correct the latest record."),
                                   code="already_corrected")
        _check_texts(decision.outcome, reasons, conditions, guidance)
        letter = document_issue(
            type_code="committee_minutes", holder_name=session.committee.name,
            content={"subject": _("Correction to minutes %(number)s") % {"number": session.minutes.number},
                     "body": [correction_reason.strip()],
                     "items": [{"text": _("Reasons: %(text)s") % {"text": reasons.strip()}}]
                     + ([{"text": _("Conditions: %(text)s") % {"text": conditions.strip()}}]
                        if conditions.strip() else []),
                     "corrects": session.minutes.number},
            reference=f"committee_session:{session.pk}", by=by,
        )
        correction = Decision.objects.create(
            item=decision.item, outcome=decision.outcome, reasons=reasons.strip(), conditions=conditions.strip(),
            guidance=guidance.strip(), tally=decision.tally, recorded_by=by, corrects=decision,
            correction_reason=correction_reason.strip(), correction_letter=letter, applied_at=decision.applied_at)
        _case_note(decision.item.case, by,
                   _("The committee's decision was corrected (letter %(number)s): %(reason)s") % {
            "number": letter.number, "reason": correction_reason.strip()})
    return correction
