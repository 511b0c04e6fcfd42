"""Reads for committees. Members see their committees' sessions and the cases on their agendas, and
nothing else; every session fetch for a person goes through `session_get_for_member`."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from khedmat.cases.access import applicant_side
from khedmat.cases.models import Case
from khedmat.cases.process import registered
from khedmat.committees.models import (
    AgendaItem,
    CommitteeMember,
    Invitation,
    ItemStatus,
    MemberRole,
    Session,
    SessionState,
)

MANAGERS = (MemberRole.SECRETARY, MemberRole.CHAIR)


def memberships(user) -> QuerySet[CommitteeMember]:
    if not getattr(user, "is_authenticated", False):
        return CommitteeMember.objects.none()
    return CommitteeMember.objects.filter(user=user, is_active=True,
                                          committee__is_active=True).select_related("committee")


def member_may_read_case(case: Case, user) -> bool:
    """A case on the agenda of one of the person's committees, or, for its secretary or chair, a case
    waiting for their committee (to build the agenda). Registered as a case reader rule."""
    mine = memberships(user).filter(committee__province_id=case.province_id)
    if not mine.exists():
        return False
    if (AgendaItem.objects.filter(case=case, session__committee__in=mine.values("committee"))
            .exclude(status=ItemStatus.WITHDRAWN).exists()):
        return True
    step = case.process.committee_step(case.state)
    return step is not None and mine.filter(committee__kind=step.committee_kind, role__in=MANAGERS).exists()


def sessions_for_member(*, user, past: bool = False) -> QuerySet[Session]:
    """The sessions of the person's committees: upcoming and still open, or (past=True) finished."""
    committees = memberships(user).values("committee")
    sessions = Session.objects.filter(committee__in=committees).select_related("committee", "room")
    finished = Q(state__in=[SessionState.CONFIRMED, SessionState.CANCELLED])
    if past:
        return sessions.filter(finished).order_by("-starts_at")
    return sessions.exclude(finished).order_by("starts_at")


def session_get_for_member(*, user, public_id) -> tuple[Session, CommitteeMember]:
    """The session and the person's membership; 404 alike for missing and not-theirs."""
    try:
        session = Session.objects.select_related("committee", "room", "minutes").get(public_id=public_id)
    except (Session.DoesNotExist, ValueError, TypeError, ValidationError):
        raise Http404 from None
    member = memberships(user).filter(committee=session.committee).first()
    if member is None:
        raise Http404
    return session, member


def managed_committees(*, user):
    return [m.committee for m in memberships(user).filter(role__in=MANAGERS)]


def agenda_candidates(*, session: Session) -> list[Case]:
    """Cases of the committee's province waiting in a committee step of its kind, not on an open agenda."""
    condition = Q(pk__in=[])
    for process in registered():
        for step in process.committee_steps:
            if step.committee_kind == session.committee.kind:
                condition |= Q(service__code=process.service_code, state=step.state)
    on_agenda = AgendaItem.objects.filter(status=ItemStatus.PENDING,
                                          session__state__in=[SessionState.SCHEDULED,
                                                              SessionState.HELD]).values("case_id")
    return list(Case.objects.filter(condition, province_id=session.committee.province_id, tracking_number__isnull=False)
                .exclude(pk__in=on_agenda).select_related("service", "applicant", "organization")
                .order_by("submitted_at")[:200])


def session_items(session: Session) -> QuerySet[AgendaItem]:
    return (session.items.exclude(status=ItemStatus.WITHDRAWN)
            .select_related("case", "case__service", "case__applicant", "case__organization")
            .prefetch_related("votes", "decisions").order_by("order"))


def case_agenda_items(*, case: Case) -> QuerySet[AgendaItem]:
    """The committee sessions a case went to, for its page."""
    return (AgendaItem.objects.filter(case=case).exclude(status=ItemStatus.WITHDRAWN)
            .select_related("session", "session__committee", "session__minutes").prefetch_related("decisions")
            .order_by("-session__starts_at"))


def case_invitations(*, case: Case) -> QuerySet[Invitation]:
    """The invitations a committee sent to the case's applicant (the institute's CEO), for its page."""
    return (Invitation.objects.filter(item__case=case, kind=Invitation.Kind.APPLICANT)
            .exclude(item__status=ItemStatus.WITHDRAWN)
            .select_related("session", "session__committee", "session__room", "letter", "user")
            .order_by("-session__starts_at"))


def invitation_get_for_person(*, user, public_id) -> Invitation:
    """The invitation letter of a session for the person it was sent to: a member of the committee, or the
    applicant side of the invited case; 404 alike for missing and not-theirs."""
    if not getattr(user, "is_authenticated", False):
        raise Http404
    try:
        invitations = list(Invitation.objects.filter(session__public_id=public_id)
                           .filter(Q(user=user) | Q(kind=Invitation.Kind.APPLICANT))
                           .select_related("session", "letter", "item", "item__case"))
    except (ValueError, TypeError, ValidationError):
        raise Http404 from None
    member = next((i for i in invitations if i.kind == Invitation.Kind.MEMBER and i.user_id == user.pk), None)
    if member is not None and memberships(user).filter(committee_id=member.session.committee_id).exists():
        return member
    for invitation in invitations:
        if (invitation.kind == Invitation.Kind.APPLICANT and invitation.item_id
                and applicant_side(invitation.item.case, user)):
            return invitation
    raise Http404


def starts_soon(session: Session, *, now: dt.datetime | None = None) -> bool:
    now = now or timezone.now()
    return session.starts_at - now < dt.timedelta(minutes=30)
