"""Pages for committee members and secretaries: my sessions, scheduling, the session page (agenda,
invitations, attendance, votes and decisions, minutes), and the PDFs a member may open."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khedmat.cases.models import Case
from khedmat.cases.tracking import tracking_display
from khedmat.certificates.rendering import document_pdf
from khedmat.committees import selectors, services
from khedmat.committees.forms import (
    AgendaAddForm,
    AttendanceForm,
    CorrectionForm,
    DecisionForm,
    PaperConfirmationForm,
    ReasonForm,
    ScheduleForm,
    VotesForm,
)
from khedmat.committees.models import (
    AgendaItem,
    Decision,
    Invitation,
    ItemStatus,
    MinutesConfirmation,
    SessionState,
    VoteChoice,
)
from khedmat.core.desk import admits_when
from khedmat.core.views import attempt


def _back(session, anchor: str = ""):
    response = redirect("committees:session", public_id=session.public_id)
    if anchor:
        response["Location"] += f"#{anchor}"
    return response


def _sits_on_a_committee(user) -> bool:
    return user.is_authenticated and selectors.memberships(user).exists()


@login_required
@admits_when(_sits_on_a_committee)
def my_sessions(request):
    if not _sits_on_a_committee(request.user):
        raise Http404
    managed = selectors.managed_committees(user=request.user)
    memberships = list(selectors.memberships(request.user))
    return render(request, "committees/my_sessions.html", {
        "upcoming": selectors.sessions_for_member(user=request.user),
        "past": selectors.sessions_for_member(user=request.user, past=True)[:20],
        "managed": managed,
        "memberships": memberships,
    })


@login_required
def schedule(request, committee_id):
    committee = next((c for c in selectors.managed_committees(user=request.user) if c.pk == committee_id), None)
    if committee is None:
        raise Http404
    form = ScheduleForm(request.POST or None, province=committee.province)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        created = []
        if attempt(request, lambda: created.append(services.session_schedule(
                committee=committee, starts_at=data["starts_at"], ends_at=data["ends_at"], room=data["room"],
                online_link=data["online_link"], by=request.user)), _("The session was scheduled.")):
            return _back(created[0])
    return render(request, "committees/schedule.html", {"committee": committee, "form": form})


def _candidates(session):
    cases = selectors.agenda_candidates(session=session)
    for case in cases:
        who = case.organization.name if case.organization_id else case.applicant.get_full_name()
        case.label = f"{tracking_display(case.tracking_number)} — {case.service.title} — {who}"
    return cases


@login_required
def session_detail(request, public_id):
    session, member = selectors.session_get_for_member(user=request.user, public_id=public_id)
    manager = member.role in selectors.MANAGERS
    items = list(selectors.session_items(session))
    quorum = services.quorum_status(session) if session.state != SessionState.SCHEDULED else None
    attendance = {a.member_id: a.present for a in session.attendance.all()}
    present_members = list(services._present_members(session)) if session.minutes_id else []
    confirmed = set(MinutesConfirmation.objects.filter(minutes_id=session.minutes_id).values_list("member_id",
                                                                                                  flat=True)) \
        if session.minutes_id else set()
    for item in items:
        decisions = sorted(item.decisions.all(), key=lambda d: d.recorded_at)
        item.current = decisions[-1] if decisions else None
        item.history = decisions[:-1]
    context = {
        "session": session, "member": member, "manager": manager, "items": items, "quorum": quorum,
        "attendance": attendance, "time_has_come": selectors.starts_soon(session),
        "my_invitation": Invitation.objects.filter(session=session, user=request.user, kind="member").first(),
        "present_members": present_members, "confirmed": confirmed,
        "can_confirm": (session.state == SessionState.MINUTES_ISSUED and attendance.get(member.pk)
                        and member.pk not in confirmed),
    }
    if manager and session.state == SessionState.SCHEDULED:
        context["agenda_form"] = AgendaAddForm(candidates=_candidates(session))
        context["cancel_form"] = ReasonForm()
    if manager and session.state in {SessionState.SCHEDULED, SessionState.HELD} and context["time_has_come"]:
        members = session.committee.members.filter(is_active=True).select_related("user")
        context["attendance_form"] = AttendanceForm(
            members=members, initial={"present": [str(k) for k, v in attendance.items() if v]})
    if manager and session.state == SessionState.MINUTES_ISSUED:
        context["withdraw_form"] = ReasonForm()
        context["paper_form"] = PaperConfirmationForm(members=[m for m in present_members if m.pk not in confirmed])
    return render(request, "committees/session.html", context)


def _managed_session(request, public_id):
    session, member = selectors.session_get_for_member(user=request.user, public_id=public_id)
    if member.role not in selectors.MANAGERS:
        raise Http404
    return session


@login_required
@require_POST
def agenda_add(request, public_id):
    session = _managed_session(request, public_id)
    form = AgendaAddForm(request.POST, candidates=_candidates(session))
    if not form.is_valid():
        messages.error(request, _("Choose a case from the list."))
        return _back(session, "agenda")
    case = get_object_or_404(Case, public_id=form.cleaned_data["case"])
    attempt(request, lambda: services.agenda_add(session=session, case=case, by=request.user),
            _("The case was put on the agenda."))
    return _back(session, "agenda")


@login_required
@require_POST
def agenda_remove(request, public_id, item_id):
    session = _managed_session(request, public_id)
    item = get_object_or_404(AgendaItem, pk=item_id, session=session)
    attempt(request,
            lambda: services.agenda_remove(item=item, by=request.user), _("The case was taken off the agenda."))
    return _back(session, "agenda")


@login_required
@require_POST
def invitations(request, public_id):
    session = _managed_session(request, public_id)
    attempt(request, lambda: services.invitations_send(session=session, by=request.user),
            _("The invitations were sent."))
    return _back(session)


@login_required
@require_POST
def cancel(request, public_id):
    session = _managed_session(request, public_id)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    attempt(request, lambda: services.session_cancel(session=session, reason=reason, by=request.user),
            _("The session was cancelled."))
    return _back(session)


@login_required
@require_POST
def attendance(request, public_id):
    session = _managed_session(request, public_id)
    members = session.committee.members.filter(is_active=True).select_related("user")
    form = AttendanceForm(request.POST, members=members)
    present = {int(pk) for pk in form.cleaned_data["present"]} if form.is_valid() else set()
    if form.is_valid():
        attempt(request, lambda: services.attendance_record(session=session, present=present, by=request.user),
                _("The attendance was recorded."))
    return _back(session, "attendance")


@login_required
def item_detail(request, public_id, item_id):
    """Votes and the decision on one agenda item (secretary or chair, while the session is recorded)."""
    session = _managed_session(request, public_id)
    item = get_object_or_404(AgendaItem.objects.select_related("case", "case__service"), pk=item_id, session=session)
    if session.state != SessionState.HELD or item.status not in {ItemStatus.PENDING, ItemStatus.DECIDED}:
        return _back(session)
    status = services.quorum_status(session)
    voters = list(session.committee.members.filter(pk__in=status["present_ids"]).select_related("user"))
    recorded = dict(item.votes.values_list("member_id", "choice"))
    votes_form = VotesForm(request.POST if request.POST.get("step") == "votes" else None, voters=voters,
                           initial={f"vote_{k}": v for k, v in recorded.items()})
    decision = item.decisions.filter(corrects__isnull=True).first()
    decision_form = DecisionForm(request.POST if request.POST.get("step") == "decision" else None, initial={
        "reasons": decision.reasons, "conditions": decision.conditions,
        "guidance": decision.guidance} if decision else None)
    if request.method == "POST":
        if request.POST.get("step") == "votes" and votes_form.is_valid():
            if attempt(request, lambda: services.votes_record(item=item, votes=votes_form.votes(), by=request.user),
                       _("The votes were recorded.")):
                return redirect("committees:item", public_id=session.public_id, item_id=item.pk)
        elif request.POST.get("step") == "decision" and decision_form.is_valid():
            data = decision_form.cleaned_data
            if attempt(request, lambda: services.decision_record(
                    item=item, reasons=data["reasons"], conditions=data["conditions"], guidance=data["guidance"],
                    by=request.user), _("The decision was recorded.")):
                return _back(session, f"item-{item.pk}")
    tally, _status = services.item_tally(item) if recorded else (None, status)
    return render(request, "committees/item.html", {
        "session": session, "item": item, "quorum": status, "votes_form": votes_form, "decision_form": decision_form,
        "tally": tally, "decision": decision,
        "outcome_label": VoteChoice(tally.outcome).label if tally and tally.outcome else "",
    })


@login_required
@require_POST
def minutes_issue(request, public_id):
    session = _managed_session(request, public_id)
    attempt(request, lambda: services.minutes_issue(session=session, by=request.user),
            _("The minutes were issued. The members present can now confirm them."))
    return _back(session, "minutes")


@login_required
@require_POST
def minutes_withdraw(request, public_id):
    session = _managed_session(request, public_id)
    form = ReasonForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    attempt(request, lambda: services.minutes_withdraw(session=session, reason=reason, by=request.user),
            _("The minutes were withdrawn; correct the record and issue them again."))
    return _back(session, "minutes")


@login_required
@require_POST
def minutes_confirm(request, public_id):
    session, member = selectors.session_get_for_member(user=request.user, public_id=public_id)
    target = None
    if request.POST.get("member"):
        form = PaperConfirmationForm(request.POST, members=session.committee.members.filter(is_active=True)
                                     .select_related("user"))
        if not form.is_valid():
            return _back(session, "minutes")
        target = session.committee.members.get(pk=form.cleaned_data["member"])
    attempt(request, lambda: services.minutes_confirm(session=session, by=request.user, member=target),
            _("The confirmation was recorded."))
    return _back(session, "minutes")


@login_required
def decision_correct(request, public_id, decision_id):
    session = _managed_session(request, public_id)
    decision = get_object_or_404(Decision.objects.select_related("item", "item__case"), pk=decision_id,
                                 item__session=session)
    form = CorrectionForm(request.POST or None, initial={"reasons": decision.reasons, "conditions": decision.conditions,
                                                         "guidance": decision.guidance})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if attempt(request, lambda: services.decision_correct(
                decision=decision, reasons=data["reasons"], conditions=data["conditions"], guidance=data["guidance"],
                correction_reason=data["correction_reason"], by=request.user), _("The correction was recorded.")):
            return _back(session, f"item-{decision.item_id}")
    return render(request, "committees/correct.html", {"session": session, "decision": decision, "form": form})


def _pdf(document) -> HttpResponse:
    response = HttpResponse(document_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{document.number}.pdf"'
    return response


@login_required
def minutes_pdf(request, public_id):
    session, _member = selectors.session_get_for_member(user=request.user, public_id=public_id)
    if not session.minutes_id:
        raise Http404
    return _pdf(session.minutes)


@login_required
def invitation_pdf(request, public_id):
    """A member's invitation letter, or the one sent to the applicant of a case on the agenda (the CEO)."""
    invitation = selectors.invitation_get_for_person(user=request.user, public_id=public_id)
    return _pdf(invitation.letter)


@login_required
def correction_pdf(request, public_id, decision_id):
    session, _member = selectors.session_get_for_member(user=request.user, public_id=public_id)
    decision = get_object_or_404(Decision, pk=decision_id, item__session=session, correction_letter__isnull=False)
    return _pdf(decision.correction_letter)
