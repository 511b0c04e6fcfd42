"""Invitation letters and messages to the members and applicants, and the reminder the day before."""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khedmat.cases.tracking import tracking_display
from khedmat.certificates.services import document_issue
from khedmat.committees.models import (
    AgendaItem,
    Invitation,
    ItemStatus,
    Session,
    SessionState,
)
from khedmat.committees.services.common import (
    _committee_step,
    _locked_session,
    _notify,
    _place,
    _require_manager,
    _require_state,
    _session_label,
    _when,
)
from khedmat.core import jalali
from khedmat.core.exceptions import ApplicationError
from khedmat.core.numbers import format_number
from khedmat.workcalendar.selectors import calendar_for


def _letter(session: Session, *, user, items: list[AgendaItem], for_applicant: bool, by):
    body = [
        _("You are invited to the %(session)s, on %(when)s.") % {"session": _session_label(session),
                                                                 "when": _when(session)},
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
    _notify(applicant, session,
            _("You are invited to the %(session)s on %(when)s about your case. The letter is on the case page.")
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
            raise ApplicationError(_("Put at least one case on the agenda before sending invitations."),
                                   code="empty_agenda")
        sent = []
        invited = set(Invitation.objects.filter(session=session, kind=Invitation.Kind.MEMBER).values_list("user_id",
                                                                                                          flat=True))
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
