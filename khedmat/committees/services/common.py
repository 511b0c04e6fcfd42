"""What every committee write shares: the session's wording, who manages it, the row lock and state check,
the note on a case and the message to a person."""
from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from khedmat.cases.models import Case, EventType
from khedmat.cases.services import case_lock, case_record_change
from khedmat.committees.models import (
    Committee,
    CommitteeMember,
    Session,
)
from khedmat.committees.selectors import MANAGERS, memberships
from khedmat.core import jalali
from khedmat.core.exceptions import ApplicationError
from khedmat.core.text import to_persian_digits
from khedmat.notifications.services import notify_user


def _session_label(session: Session) -> str:
    return _("session %(number)s of %(committee)s") % {
        "number": to_persian_digits(f"{session.number}/{session.year}"), "committee": session.committee.name}


def _when(session: Session) -> str:
    start = session.starts_at.astimezone(jalali.TEHRAN)
    return _("%(date)s at %(time)s") % {"date": jalali.format_date(start.date()),
                                        "time": to_persian_digits(start.strftime("%H:%M"))}


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


def _committee_step(case: Case):
    return case.process.committee_step(case.state)


def _case_note(case: Case, by, text: str, *, public: bool = True) -> None:
    with transaction.atomic():
        locked = case_lock(case=case)
        case_record_change(case=locked, by=by, comment=text, public=public, event_type=EventType.COMMITTEE)


def _notify(user, session: Session, body: str, *, key: str, case_id: int | None = None) -> None:
    notify_user(user=user, subject=str(session.committee.name), body=body, template="committee_session",
                idempotency_key=key, case_id=case_id)
