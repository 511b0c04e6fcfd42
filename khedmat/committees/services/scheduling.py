"""Scheduling and cancelling a session (checked against the calendar, the room and the members' other sessions)."""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from khedmat.committees.models import (
    AgendaItem,
    Committee,
    CommitteeMember,
    ItemStatus,
    Room,
    Session,
    SessionSequence,
    SessionState,
)
from khedmat.committees.services.agenda import _item_create, _open_item_for
from khedmat.committees.services.common import (
    _case_note,
    _committee_step,
    _locked_session,
    _notify,
    _require_manager,
    _require_state,
    _session_label,
    _when,
)
from khedmat.core import jalali
from khedmat.core.audit import audit_record
from khedmat.core.exceptions import ApplicationError
from khedmat.workcalendar.selectors import calendar_for


def session_conflicts(*, committee: Committee, starts_at: dt.datetime, ends_at: dt.datetime, room: Room | None,
                      exclude: Session | None = None) -> list[str]:
    """Why a session cannot take place then: the day is not a working day, the room is taken, or a
    member is in another committee's session at the same time. Empty when it can."""
    problems = []
    day = jalali.local_date(starts_at)
    day_off = calendar_for(province=committee.province_id).day_off(day)
    if day_off is not None:
        kinds = {"weekly": _("weekly day off"), "holiday": _("holiday"), "closure": _("office closure")}
        problems.append(_("%(date)s is not a working day (%(why)s).") % {
            "date": jalali.format_date(day),
            "why": f"{kinds[day_off.kind]}{'، ' + day_off.title if day_off.title else ''}"})
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
                                         rolled_to__isnull=True).select_related("case").order_by("session__starts_at",
                                                                                                 "order"))
    for previous in waiting:
        if _open_item_for(previous.case, exclude_session=session) is not None:
            continue
        step = _committee_step(previous.case)
        if step is None or previous.case.state != step.state:
            continue
        _item_create(session, previous.case, by=by, rolled_from=previous)
