"""Attendance, the quorum, votes and the decision drawn from them by the committee's rule."""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khedmat.committees import rules
from khedmat.committees.models import (
    AgendaItem,
    Attendance,
    Committee,
    Decision,
    ItemStatus,
    MemberRole,
    Session,
    SessionState,
    Vote,
    VoteChoice,
)
from khedmat.committees.services.common import _committee_step, _locked_session, _require_manager, _require_state
from khedmat.core.exceptions import ApplicationError


def _voting_members(committee: Committee):
    return committee.members.filter(is_active=True, voting=True)


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
    "tie": gettext_lazy("The votes are tied and no casting vote decides it: no decision. The item will be carried to "
                        "the next session."),
    "short": gettext_lazy("No outcome has the votes the committee's rule needs: no decision. The item will be carried "
                          "to the next session."),
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
