"""Writes for committees and councils: scheduling, agenda, invitations, attendance, votes, decisions,
minutes and their confirmation, corrections and reminders.

Every function checks who acts (the committee's secretary manages a session; members confirm the
minutes) and refuses with a Persian message, changing nothing, when a rule is not met.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F, Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khedmat.cases.models import Case, EventType
from khedmat.committees import rules
from khedmat.committees.models import (
    AgendaItem,
    Attendance,
    Committee,
    CommitteeMember,
    Decision,
    Invitation,
    ItemStatus,
    MemberRole,
    MinutesConfirmation,
    Room,
    Session,
    SessionSequence,
    SessionState,
    Vote,
    VoteChoice,
)
from khedmat.committees.selectors import MANAGERS, memberships
from khedmat.core import jalali
from khedmat.core.audit import audit_record
from khedmat.core.exceptions import ApplicationError
from khedmat.core.numbers import format_number
from khedmat.core.text import to_persian_digits


def _session_label(session: Session) -> str:
    return _("session %(number)s of %(committee)s") % {
        "number": to_persian_digits(f"{session.number}/{session.year}"), "committee": session.committee.name}


def _when(session: Session) -> str:
    start = session.starts_at.astimezone(jalali.TEHRAN)
    return _("%(date)s at %(time)s") % {"date": jalali.format_date(start.date()), "time": to_persian_digits(start.strftime("%H:%M"))}


def _place(session: Session) -> str:
    parts = []
    if session.room_id:
        parts.append(session.room.name + (f"، {session.room.address}" if session.room.address else ""))
    if session.online_link:
        parts.append(_("online: %(link)s") % {"link": session.online_link})
    return " — ".join(parts)


def member_for(committee: Committee, user) -> CommitteeMember | None:
    return memberships(user).filter(committee=committee).first()


def _require_manager(committee: Committee, user) -> CommitteeMember:
    member = member_for(committee, user)
    if member is None or member.role not in MANAGERS:
        raise ApplicationError(_("Only the secretary or the chair of the committee can do this."), code="forbidden")
    return member


def _locked_session(session: Session) -> Session:
    return Session.objects.select_for_update(of=("self",)).select_related("committee", "room").get(pk=session.pk)


def _require_state(session: Session, *states: str) -> None:
    if session.state not in states:
        raise ApplicationError(
            _("This is not possible while the session is “%(state)s”.") % {"state": session.get_state_display()},
            code="wrong_state")


# -- scheduling ------------------------------------------------------------------------------

def _voting_members(committee: Committee):
    return committee.members.filter(is_active=True, voting=True)


def session_conflicts(*, committee: Committee, starts_at: dt.datetime, ends_at: dt.datetime, room: Room | None,
                      exclude: Session | None = None) -> list[str]:
    """Why a session cannot take place then: the day is not a working day, the room is taken, or a
    member is in another committee's session at the same time. Empty when it can."""
    from khedmat.workcalendar.selectors import calendar_for

    problems = []
    day = jalali.local_date(starts_at)
    day_off = calendar_for(province=committee.province_id).day_off(day)
    if day_off is not None:
        kinds = {"weekly": _("weekly day off"), "holiday": _("holiday"), "closure": _("office closure")}
        problems.append(_("%(date)s is not a working day (%(why)s).") % {
            "date": jalali.format_date(day), "why": f"{kinds[day_off.kind]}{'، ' + day_off.title if day_off.title else ''}"})
    overlapping = Session.objects.filter(starts_at__lt=ends_at, ends_at__gt=starts_at).exclude(
        state=SessionState.CANCELLED)
    if exclude is not None:
        overlapping = overlapping.exclude(pk=exclude.pk)
    if room is not None:
        taken = overlapping.filter(room=room).select_related("committee").first()
        if taken:
            problems.append(_("The room “%(room)s” is booked then for %(session)s.") % {
                "room": room.name, "session": _session_label(taken)})
    member_users = committee.members.filter(is_active=True).values_list("user_id", flat=True)
    busy = (CommitteeMember.objects.filter(user_id__in=member_users, is_active=True,
                                           committee__sessions__in=overlapping)
            .select_related("user", "committee").distinct())
    for member in busy:
        problems.append(_("%(name)s is in a session of %(committee)s at that time.") % {
            "name": member.user.get_full_name(), "committee": member.committee.name})
    return problems


def _check_times(starts_at: dt.datetime, ends_at: dt.datetime) -> None:
    if ends_at <= starts_at:
        raise ApplicationError(_("The session must end after it starts."), code="bad_times")
    if starts_at < timezone.now():
        raise ApplicationError(_("A session cannot be scheduled in the past."), code="past")


def session_schedule(*, committee: Committee, starts_at: dt.datetime, ends_at: dt.datetime, room: Room | None = None,
                     online_link: str = "", by) -> Session:
    """Schedule a session (checked against the calendar, the room and the members' other sessions);
    items not reached in an earlier session are carried onto its agenda."""
    _require_manager(committee, by)
    if not committee.is_active:
        raise ApplicationError(_("This committee is not active."), code="inactive")
    _check_times(starts_at, ends_at)
    if room is None and not online_link:
        raise ApplicationError(_("Choose a room or give the online meeting link."), code="no_place")
    if room is not None and (room.province_id != committee.province_id or not room.is_active):
        raise ApplicationError(_("This room is not available."), code="bad_room")
    with transaction.atomic():
        Committee.objects.select_for_update().get(pk=committee.pk)  # one scheduler at a time per committee
        problems = session_conflicts(committee=committee, starts_at=starts_at, ends_at=ends_at, room=room)
        if problems:
            raise ApplicationError(" ".join(problems), code="conflict", extra={"problems": problems})
        year = jalali.to_jalali(jalali.local_date(starts_at)).year
        sequence, _created = SessionSequence.objects.select_for_update().get_or_create(committee=committee, year=year)
        SessionSequence.objects.filter(pk=sequence.pk).update(last=F("last") + 1)
        sequence.refresh_from_db()
        session = Session.objects.create(committee=committee, year=year, number=sequence.last, starts_at=starts_at,
                                         ends_at=ends_at, room=room, online_link=online_link, created_by=by)
        audit_record(actor=by, action="committee_session_scheduled", instance=session,
                     after={"starts_at": starts_at.isoformat(), "room": room.name if room else ""})
        _carry_over(session, by=by)
    return session


def session_cancel(*, session: Session, reason: str, by) -> Session:
    _require_manager(session.committee, by)
    if not reason.strip():
        raise ApplicationError(_("Write the reason for cancelling the session."), code="reason_required")
    with transaction.atomic():
        session = _locked_session(session)
        _require_state(session, SessionState.SCHEDULED)
        session.state = SessionState.CANCELLED
        session.cancelled_reason = reason.strip()
        session.version += 1
        session.save(update_fields=["state", "cancelled_reason", "version"])
        for item in session.items.filter(status=ItemStatus.PENDING).select_related("case"):
            item.status = ItemStatus.ROLLED_OVER
            item.save(update_fields=["status"])
            _case_note(item.case, by, _("The %(session)s was cancelled; the case waits for the next session.")
                       % {"session": _session_label(session)})
        if session.invitations_sent_at:
            for invitation in session.invitations.select_related("user"):
                _notify(invitation.user, session, _("The %(session)s on %(when)s was cancelled: %(reason)s") % {
                    "session": _session_label(session), "when": _when(session), "reason": session.cancelled_reason},
                    key=f"committee-session-{session.pk}-cancelled-{invitation.user_id}")
        audit_record(actor=by, action="committee_session_cancelled", instance=session, after={"reason": reason})
    return session


def _carry_over(session: Session, *, by) -> None:
    """Put items rolled over from earlier sessions of the committee at the head of this agenda."""
    waiting = (AgendaItem.objects.filter(session__committee=session.committee, status=ItemStatus.ROLLED_OVER,
                                         rolled_to__isnull=True).select_related("case").order_by("session__starts_at", "order"))
    for previous in waiting:
        if _open_item_for(previous.case, exclude_session=session) is not None:
            continue
        step = _committee_step(previous.case)
        if step is None or previous.case.state != step.state:
            continue
        _item_create(session, previous.case, by=by, rolled_from=previous)


# -- the agenda ------------------------------------------------------------------------------

def _committee_step(case: Case):
    return case.process.committee_step(case.state)


def _open_item_for(case: Case, *, exclude_session: Session | None = None) -> AgendaItem | None:
    items = AgendaItem.objects.filter(case=case, status=ItemStatus.PENDING,
                                      session__state__in=[SessionState.SCHEDULED, SessionState.HELD])
    if exclude_session is not None:
        items = items.exclude(session=exclude_session)
    return items.select_related("session", "session__committee").first()


def _item_create(session: Session, case: Case, *, by, rolled_from: AgendaItem | None = None) -> AgendaItem:
    order = (session.items.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    item = AgendaItem.objects.create(session=session, case=case, order=order, added_by=by, rolled_from=rolled_from)
    _case_note(case, by, _("Placed on the agenda of the %(session)s on %(when)s.") % {
        "session": _session_label(session), "when": _when(session)})
    return item


def _case_note(case: Case, by, text: str, *, public: bool = True) -> None:
    from khedmat.cases.services import case_record_change

    with transaction.atomic():
        locked = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
        case_record_change(case=locked, by=by, comment=text, public=public, event_type=EventType.COMMITTEE)


def agenda_add(*, session: Session, case: Case, by) -> AgendaItem:
    """Put a case that waits for this committee on the session's agenda."""
    _require_manager(session.committee, by)
    with transaction.atomic():
        session = _locked_session(session)
        _require_state(session, SessionState.SCHEDULED)
        case = Case.objects.select_for_update(of=("self",)).get(pk=case.pk)
        step = _committee_step(case)
        if (step is None or step.committee_kind != session.committee.kind or case.province_id != session.committee.province_id
                or case.tracking_number is None):
            raise ApplicationError(_("This case is not waiting for this committee."), code="not_waiting")
        existing = _open_item_for(case)
        if existing is not None:
            raise ApplicationError(_("This case is already on the agenda of the %(session)s.") % {
                "session": _session_label(existing.session)}, code="already_on_agenda")
        item = _item_create(session, case, by=by)
        if session.invitations_sent_at:
            _invite_for_item(session, item, by=by)
    return item


def agenda_remove(*, item: AgendaItem, by) -> None:
    session = item.session
    _require_manager(session.committee, by)
    with transaction.atomic():
        session = _locked_session(session)
        _require_state(session, SessionState.SCHEDULED)
        item = AgendaItem.objects.select_for_update().get(pk=item.pk)
        item.status = ItemStatus.WITHDRAWN
        item.save(update_fields=["status"])
        _case_note(item.case, by, _("Taken off the agenda of the %(session)s.") % {"session": _session_label(session)})


# -- invitations and reminders ---------------------------------------------------------------

def _notify(user, session: Session, body: str, *, key: str, case_id: int | None = None) -> None:
    from khedmat.notifications.services import notify_user

    notify_user(user=user, subject=str(session.committee.name), body=body, template="committee_session",
                idempotency_key=key, case_id=case_id)


def _letter(session: Session, *, user, items: list[AgendaItem], for_applicant: bool, by):
    from khedmat.cases.tracking import tracking_display
    from khedmat.certificates.services import document_issue

    body = [
        _("You are invited to the %(session)s, on %(when)s.") % {"session": _session_label(session), "when": _when(session)},
    ]
    place = _place(session)
    if place:
        body.append(_("Place: %(place)s") % {"place": place})
    if for_applicant:
        body.append(_("Please attend in person to introduce your organization and answer the committee's questions."))
    agenda = [{"text": _("Case %(number)s: %(title)s") % {
        "number": tracking_display(item.case.tracking_number), "title": item.case.title or item.case.service.title}}
        for item in items]
    return document_issue(
        type_code="invitation_letter", holder_name=user.get_full_name(),
        holder_national_id=user.national_id,
        content={"subject": _("Invitation to the %(session)s") % {"session": _session_label(session)},
                 "body": body, "items": agenda},
        case=items[0].case if for_applicant and items else None,
        reference=f"committee_session:{session.pk}", by=by,
    )


def _invite_for_item(session: Session, item: AgendaItem, *, by) -> None:
    step = _committee_step(item.case)
    if step is None or not step.invite_applicant:
        return
    applicant = item.case.applicant
    if Invitation.objects.filter(session=session, user=applicant, item=item).exists():
        return
    letter = _letter(session, user=applicant, items=[item], for_applicant=True, by=by)
    Invitation.objects.create(session=session, user=applicant, kind=Invitation.Kind.APPLICANT, item=item, letter=letter)
    _notify(applicant, session, _("You are invited to the %(session)s on %(when)s about your case. The letter is on the case page.")
            % {"session": _session_label(session), "when": _when(session)},
            key=f"committee-invitation-{session.pk}-{item.pk}", case_id=item.case_id)


def invitations_send(*, session: Session, by) -> list[Invitation]:
    """A numbered invitation letter and a message to each member, and to the applicant of each item
    whose service invites them (e.g. the institute's CEO). Sending again reaches only the new people."""
    _require_manager(session.committee, by)
    with transaction.atomic():
        session = _locked_session(session)
        _require_state(session, SessionState.SCHEDULED)
        items = list(session.items.filter(status=ItemStatus.PENDING).select_related("case", "case__service",
                                                                                   "case__applicant"))
        if not items:
            raise ApplicationError(_("Put at least one case on the agenda before sending invitations."), code="empty_agenda")
        sent = []
        invited = set(Invitation.objects.filter(session=session, kind=Invitation.Kind.MEMBER).values_list("user_id", flat=True))
        for member in session.committee.members.filter(is_active=True).select_related("user"):
            if member.user_id in invited:
                continue
            letter = _letter(session, user=member.user, items=items, for_applicant=False, by=by)
            sent.append(Invitation.objects.create(session=session, user=member.user, kind=Invitation.Kind.MEMBER,
                                                  letter=letter))
            _notify(member.user, session, _("You are invited to the %(session)s on %(when)s (%(count)s items).") % {
                "session": _session_label(session), "when": _when(session), "count": format_number(len(items))},
                key=f"committee-invitation-{session.pk}-member-{member.user_id}")
        for item in items:
            _invite_for_item(session, item, by=by)
        session.invitations_sent_at = session.invitations_sent_at or timezone.now()
        session.save(update_fields=["invitations_sent_at"])
    return sent


def sessions_remind(*, now: dt.datetime | None = None) -> int:
    """A reminder to everyone invited, once, on the working day before the session."""
    from khedmat.workcalendar.selectors import calendar_for

    now = now or timezone.now()
    today = jalali.local_date(now)
    reminded = 0
    candidates = Session.objects.filter(state=SessionState.SCHEDULED, reminder_sent_at__isnull=True,
                                        invitations_sent_at__isnull=False, starts_at__gt=now,
                                        starts_at__lt=now + dt.timedelta(days=30)).select_related("committee")
    for candidate in candidates:
        day = jalali.local_date(candidate.starts_at)
        if calendar_for(province=candidate.committee.province_id).previous_working_day(day) > today:
            continue
        with transaction.atomic():
            session = Session.objects.select_for_update().filter(pk=candidate.pk, reminder_sent_at__isnull=True).first()
            if session is None:
                continue
            for invitation in session.invitations.select_related("user"):
                _notify(invitation.user, session, _("Reminder: the %(session)s is on %(when)s.") % {
                    "session": _session_label(session), "when": _when(session)},
                    key=f"committee-reminder-{session.pk}-{invitation.user_id}-{invitation.item_id or 0}",
                    case_id=invitation.item.case_id if invitation.item_id else None)
            session.reminder_sent_at = now
            session.save(update_fields=["reminder_sent_at"])
            reminded += 1
    return reminded


# -- attendance, votes, decisions ------------------------------------------------------------

def attendance_record(*, session: Session, present: set[int], by) -> Session:
    """Who attended (member ids). Recording attendance marks the session as held."""
    _require_manager(session.committee, by)
    with transaction.atomic():
        session = _locked_session(session)
        _require_state(session, SessionState.SCHEDULED, SessionState.HELD)
        if session.starts_at > timezone.now() + dt.timedelta(minutes=30):
            raise ApplicationError(_("Attendance is recorded when the session starts."), code="too_early")
        members = {m.pk: m for m in session.committee.members.filter(is_active=True)}
        unknown = set(present) - set(members)
        if unknown:
            raise ApplicationError(_("Someone marked present is not a member of this committee."), code="not_member")
        now = timezone.now()
        for member_id, member in members.items():
            Attendance.objects.update_or_create(session=session, member=member, defaults={
                "present": member_id in present, "recorded_by": by, "recorded_at": now})
        # A member marked absent after voting loses the vote: votes come only from those present.
        Vote.objects.filter(item__session=session).exclude(member_id__in=present).delete()
        if session.state == SessionState.SCHEDULED:
            session.state = SessionState.HELD
            session.held_at = now
        session.version += 1
        session.save(update_fields=["state", "held_at", "version"])
    return session


def quorum_status(session: Session) -> dict:
    voting = list(_voting_members(session.committee).values_list("pk", flat=True))
    present = set(Attendance.objects.filter(session=session, present=True, member_id__in=voting)
                  .values_list("member_id", flat=True))
    required = rules.quorum_required(voting_members=len(voting), quorum=session.committee.quorum)
    return {"voting_members": len(voting), "voting_present": len(present), "required": required,
            "met": rules.quorum_met(voting_present=len(present), voting_members=len(voting),
                                    quorum=session.committee.quorum),
            "present_ids": present}


def _require_quorum(session: Session) -> dict:
    status = quorum_status(session)
    if not status["met"]:
        raise ApplicationError(
            _("The quorum is not met: %(present)s of the %(required)s voting members needed are present. "
              "No decision can be recorded.") % {"present": status["voting_present"], "required": status["required"]},
            code="no_quorum")
    return status


def votes_record(*, item: AgendaItem, votes: dict[int, str], by) -> AgendaItem:
    """Each present voting member's vote on an item (replacing what was recorded before)."""
    session = item.session
    _require_manager(session.committee, by)
    with transaction.atomic():
        session = _locked_session(session)
        _require_state(session, SessionState.HELD)
        item = AgendaItem.objects.select_for_update().get(pk=item.pk, session=session)
        if item.status not in {ItemStatus.PENDING, ItemStatus.DECIDED}:
            raise ApplicationError(_("This item is no longer on the agenda."), code="withdrawn")
        status = _require_quorum(session)
        valid = set(VoteChoice.values)
        if set(votes) - status["present_ids"]:
            raise ApplicationError(_("Only voting members who are present can vote."), code="not_present")
        if any(choice not in valid for choice in votes.values()):
            raise ApplicationError(_("Choose a vote for every member."), code="bad_choice")
        now = timezone.now()
        item.votes.all().delete()
        Vote.objects.bulk_create([Vote(item=item, member_id=member_id, choice=choice, recorded_by=by, recorded_at=now)
                                  for member_id, choice in votes.items()])
        # Votes changed: a decision drawn from the old votes no longer stands.
        item.decisions.filter(corrects__isnull=True).delete()
        if item.status == ItemStatus.DECIDED:
            item.status = ItemStatus.PENDING
            item.save(update_fields=["status"])
    return item


def item_tally(item: AgendaItem) -> tuple[rules.Tally, dict]:
    committee = item.session.committee
    status = quorum_status(item.session)
    votes = dict(item.votes.filter(member_id__in=status["present_ids"]).values_list("member_id", "choice"))
    chair = committee.members.filter(role=MemberRole.CHAIR, is_active=True).values_list("pk", flat=True).first()
    result = rules.tally(votes=votes, voting_present=status["voting_present"], rule=committee.decision_rule,
                         chair_vote=votes.get(chair), casting_vote=committee.chair_casting_vote)
    return result, status


_NO_DECISION = {
    "tie": gettext_lazy("The votes are tied and no casting vote decides it: no decision. The item will be carried to the next session."),
    "short": gettext_lazy("No outcome has the votes the committee's rule needs: no decision. The item will be carried to the next session."),
    "no_votes": gettext_lazy("Every member abstained: no decision. The item will be carried to the next session."),
    "missing_votes": gettext_lazy("Record the vote of every voting member present first."),
}


def decision_record(*, item: AgendaItem, reasons: str = "", conditions: str = "", guidance: str = "", by) -> Decision:
    """The committee's decision on an item, drawn from the votes by the committee's rule."""
    session = item.session
    _require_manager(session.committee, by)
    with transaction.atomic():
        session = _locked_session(session)
        _require_state(session, SessionState.HELD)
        item = AgendaItem.objects.select_for_update().select_related("case").get(pk=item.pk, session=session)
        if item.status not in {ItemStatus.PENDING, ItemStatus.DECIDED}:
            raise ApplicationError(_("This item is no longer on the agenda."), code="withdrawn")
        item.session = session
        _require_quorum(session)
        result, status = item_tally(item)
        if result.outcome is None:
            raise ApplicationError(str(_NO_DECISION[result.reason]), code=f"no_decision_{result.reason}")
        step = _committee_step(item.case)
        if step is None or not step.transition_for(result.outcome):
            raise ApplicationError(_("This committee cannot take the decision “%(decision)s” for this service.") % {
                "decision": VoteChoice(result.outcome).label}, code="decision_not_offered")
        _check_texts(result.outcome, reasons, conditions, guidance)
        item.decisions.filter(corrects__isnull=True).delete()
        decision = Decision.objects.create(
            item=item, outcome=result.outcome, reasons=reasons.strip(), conditions=conditions.strip(),
            guidance=guidance.strip(), tally=result.as_json(voting_present=status["voting_present"]), recorded_by=by)
        item.status = ItemStatus.DECIDED
        item.save(update_fields=["status"])
    return decision


def _check_texts(outcome: str, reasons: str, conditions: str, guidance: str) -> None:
    if outcome in {VoteChoice.RETURN, VoteChoice.REJECT} and not reasons.strip():
        raise ApplicationError(_("Write the committee's reasons for this decision."), code="reasons_required")
    if outcome == VoteChoice.APPROVE_WITH_CONDITIONS and not conditions.strip():
        raise ApplicationError(_("Write the conditions of the approval."), code="conditions_required")
    if outcome == VoteChoice.RETURN and not guidance.strip():
        raise ApplicationError(_("Write what the applicant must do to correct the file."), code="guidance_required")


# -- minutes ---------------------------------------------------------------------------------

def _current_decision(item: AgendaItem) -> Decision | None:
    return item.decisions.filter(corrected_by__isnull=True).order_by("-recorded_at").first()


def minutes_content(session: Session) -> dict:
    """What the minutes say, frozen into the numbered document when they are issued."""
    from khedmat.cases.tracking import tracking_display

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
            "applicant": item.case.organization.name if item.case.organization_id else item.case.applicant.get_full_name(),
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
    from khedmat.certificates.services import document_issue

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
    from khedmat.certificates.models import RevocationReason
    from khedmat.certificates.services import document_revoke

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
            raise ApplicationError(_("Only the members present at the session confirm its minutes."), code="not_present")
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
    from khedmat.cases.services import case_transition, deficiency_notice_issue

    case = Case.objects.get(pk=decision.item.case_id)
    process = case.process
    step = process.committee_step(case.state)
    if step is None:
        raise ApplicationError(_("Case %(number)s is no longer waiting for the committee; its decision cannot be applied.")
                               % {"number": case.tracking_number}, code="case_moved")
    name = step.transition_for(decision.outcome)
    reference = _("Decision of the %(session)s (minutes %(number)s)") % {
        "session": _session_label(session), "number": session.minutes.number}
    if decision.outcome == VoteChoice.RETURN and name == process.deficiency_transition:
        deficiency_notice_issue(case=case, items=[{"text": decision.reasons, "guidance": decision.guidance}],
                                summary=reference, by=actor, expected_version=None)
    else:
        comment = "\n".join(part for part in (reference, decision.reasons, decision.conditions) if part)
        case_transition(case=case, name=name, by=actor, comment=comment, _allow_internal=True,
                        _data={"committee_session": session.pk, "decision": decision.outcome,
                               "minutes": session.minutes.number, "basis": reference,
                               "reasons": decision.reasons, "conditions": decision.conditions})
    decision.applied_at = now
    decision.save(update_fields=["applied_at"])


def decision_correct(*, decision: Decision, reasons: str, conditions: str = "", guidance: str = "",
                     correction_reason: str, by) -> Decision:
    """Correct the text of a decision in confirmed minutes: a new record linked to the old one and a
    numbered correction letter. The outcome cannot change this way (the case has already moved)."""
    from khedmat.certificates.services import document_issue

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
                     + ([{"text": _("Conditions: %(text)s") % {"text": conditions.strip()}}] if conditions.strip() else []),
                     "corrects": session.minutes.number},
            reference=f"committee_session:{session.pk}", by=by,
        )
        correction = Decision.objects.create(
            item=decision.item, outcome=decision.outcome, reasons=reasons.strip(), conditions=conditions.strip(),
            guidance=guidance.strip(), tally=decision.tally, recorded_by=by, corrects=decision,
            correction_reason=correction_reason.strip(), correction_letter=letter, applied_at=decision.applied_at)
        _case_note(decision.item.case, by, _("The committee's decision was corrected (letter %(number)s): %(reason)s") % {
            "number": letter.number, "reason": correction_reason.strip()})
    return correction


# -- administration --------------------------------------------------------------------------

def secretary_problem(*, province_id: int, user) -> str:
    """Why `user` cannot be a committee's secretary (decisions are applied to cases in their name), or ""."""
    if user.is_staff_member and user.province_id == province_id and user.has_role("committee_secretary"):
        return ""
    return _("The secretary must be a staff member of the province with the committee secretary role.")


def member_add(*, committee: Committee, user, role: str, voting: bool = True, title: str = "", by) -> CommitteeMember:
    """Add a member (or change their role)."""
    problem = secretary_problem(province_id=committee.province_id, user=user) if role == MemberRole.SECRETARY else ""
    if problem:
        raise ApplicationError(problem, code="bad_secretary")
    member, _created = CommitteeMember.objects.update_or_create(
        committee=committee, user=user, defaults={"role": role, "voting": voting, "title": title, "is_active": True})
    audit_record(actor=by, action="committee_member_set", instance=member, after={"role": role, "voting": voting})
    return member

