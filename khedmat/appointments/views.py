"""Appointment pages. Staff: propose a slot on a case, the appointment (move, cancel, mark absent,
record or correct the report), their upcoming appointments. Applicant: the appointment (accept, ask
for another time). Thin: parse, call one service or selector, render."""
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from khedmat.accounts.decorators import staff_required
from khedmat.appointments import selectors, services
from khedmat.appointments.forms import AnotherTimeForm, CancelForm, SlotForm, VisitReportForm
from khedmat.appointments.models import ACTIVE_STATES, AppointmentState
from khedmat.cases.abilities import case_abilities
from khedmat.cases.access import applicant_side, case_get_for_user
from khedmat.core import jalali
from khedmat.core.exceptions import ApplicationError


def _form_error(form, error: ApplicationError) -> None:
    """Show a refusal beside the field it is about, or above the form."""
    field = error.extra.get("field")
    form.add_error(field if field in form.fields else None, error.message)


def _staff_case(request, case_id):
    case = case_get_for_user(user=request.user, public_id=case_id)
    if not case_abilities(case=case, user=request.user).staff:
        raise Http404
    return case


def _staff_appointment(request, public_id):
    appointment = selectors.appointment_get_for_user(user=request.user, public_id=public_id)
    if not case_abilities(case=appointment.case, user=request.user).staff:
        raise Http404
    return appointment


def _to_staff_page(appointment):
    return redirect("appointments:staff-detail", public_id=appointment.public_id)


# -- staff -------------------------------------------------------------------------------------------

@staff_required()
def staff_list(request):
    rows = list(selectors.appointments_upcoming_for_staff(user=request.user)[:200])
    days = [(day, list(items)) for day, items in groupby(rows, key=lambda a: jalali.local_date(a.starts_at))]
    return render(request, "appointments/staff_list.html", {"days": days})


@staff_required()
def propose(request, case_id, kind):
    case = _staff_case(request, case_id)
    kind_def = next((k for k in selectors.appointment_kinds_proposable(case=case, user=request.user) if k.code == kind),
                    None)
    if kind_def is None:
        raise Http404
    form = SlotForm(request.POST or None, staff_queryset=selectors.appointment_staff_choices(case=case, kind=kind_def),
                    initial={"staff": [request.user.pk]})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            appointment = services.appointment_propose(
                case=case, kind=kind_def.code, starts_at=data["starts_at"], ends_at=data["ends_at"],
                place=data["place"], online_link=data["online_link"], staff=list(data["staff"]), by=request.user)
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The appointment was proposed to the applicant."))
            return _to_staff_page(appointment)
    return render(request, "appointments/propose.html", {"form": form, "case": case, "kind": kind_def})


def _staff_context(request, appointment, **overrides):
    user = request.user
    may_attend = selectors.appointment_may_attend(appointment=appointment, user=user)
    reports = selectors.visit_reports_for_appointment(appointment=appointment)
    context = {
        "appointment": appointment,
        "case": appointment.case,
        "reports": reports,
        "can_arrange": appointment.is_open and selectors.appointment_may_arrange(appointment=appointment, user=user),
        "can_mark_missed": (appointment.state in ACTIVE_STATES and appointment.starts_at <= timezone.now()
                            and selectors.appointment_may_arrange(appointment=appointment, user=user)),
        "can_report": may_attend and appointment.state in ACTIVE_STATES and appointment.starts_at <= timezone.now(),
        "report_later": may_attend and appointment.state in ACTIVE_STATES and appointment.starts_at > timezone.now(),
        "can_correct": may_attend and appointment.state == AppointmentState.HELD and bool(reports),
        "reschedules_left": selectors.appointment_reschedules_left(appointment=appointment),
        "cancel_form": CancelForm(prefix="cancel"),
    }
    context.update(overrides)
    return context


@staff_required()
def staff_detail(request, public_id):
    appointment = _staff_appointment(request, public_id)
    return render(request, "appointments/staff_detail.html", _staff_context(request, appointment))


@staff_required()
def reschedule(request, public_id):
    appointment = _staff_appointment(request, public_id)
    kind = appointment.kind_def
    if kind is None or not selectors.appointment_may_arrange(appointment=appointment, user=request.user):
        raise Http404
    form = SlotForm(request.POST or None,
                    staff_queryset=selectors.appointment_staff_choices(case=appointment.case, kind=kind),
                    initial=SlotForm.initial_for(appointment))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.appointment_reschedule(
                appointment=appointment, starts_at=data["starts_at"], ends_at=data["ends_at"], place=data["place"],
                online_link=data["online_link"], staff=list(data["staff"]), by=request.user)
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The new time was proposed to the applicant."))
            return _to_staff_page(appointment)
    return render(request, "appointments/propose.html",
                  {"form": form, "case": appointment.case, "kind": kind, "appointment": appointment})


@staff_required()
@require_POST
def cancel(request, public_id):
    appointment = _staff_appointment(request, public_id)
    form = CancelForm(request.POST, prefix="cancel")
    if form.is_valid():
        try:
            services.appointment_cancel(appointment=appointment, reason=form.cleaned_data["reason"], by=request.user)
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The appointment was cancelled."))
            return _to_staff_page(appointment)
    return render(request, "appointments/staff_detail.html", _staff_context(request, appointment, cancel_form=form))


@staff_required()
@require_POST
def missed(request, public_id):
    appointment = _staff_appointment(request, public_id)
    try:
        services.appointment_mark_missed(appointment=appointment, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The applicant was marked absent."))
    return _to_staff_page(appointment)


def _report_page(request, appointment, *, correction: bool):
    if not selectors.appointment_may_attend(appointment=appointment, user=request.user):
        raise Http404
    current = selectors.visit_report_current(appointment=appointment) if correction else None
    if correction and current is None:
        raise Http404
    criteria = selectors.scoring_criteria_for_kind(kind=appointment.kind_def)
    initial = {}
    if current is not None:
        initial = {"notes": current.notes, "attendees": current.attendees,
                   "applicant_present": "yes" if current.applicant_present else "no",
                   **{f"score_{s.criterion_id}": s.score for s in current.scores.all()}}
    form = VisitReportForm(request.POST or None, request.FILES or None, criteria=criteria, correction=correction,
                           initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        fields = {"notes": data["notes"], "applicant_present": data["applicant_present"],
                  "attendees": data["attendees"], "scores": form.scores(), "photos": data["photos"], "by": request.user}
        try:
            if correction:
                services.visit_report_correct(report=current, reason=data["reason"], **fields)
            else:
                services.visit_report_record(appointment=appointment, **fields)
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("The report was corrected.") if correction else _("The report was recorded."))
            return _to_staff_page(appointment)
    return render(request, "appointments/report.html",
                  {"form": form, "appointment": appointment, "case": appointment.case, "correction": correction})


@staff_required()
def report(request, public_id):
    return _report_page(request, _staff_appointment(request, public_id), correction=False)


@staff_required()
def report_correct(request, public_id):
    return _report_page(request, _staff_appointment(request, public_id), correction=True)


@staff_required()
def photo(request, public_id, photo_id):
    appointment = _staff_appointment(request, public_id)
    item = selectors.visit_photo_get(appointment=appointment, photo_id=photo_id)
    response = FileResponse(item.file.open("rb"), content_type=item.content_type, filename=item.original_name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


# -- applicant ---------------------------------------------------------------------------------------

def _applicant_context(request, appointment, **overrides):
    context = {
        "appointment": appointment,
        "case": appointment.case,
        "can_answer": selectors.appointment_may_answer(appointment=appointment, user=request.user),
        "can_accept": appointment.state == AppointmentState.PROPOSED,
        "reschedules_left": selectors.appointment_reschedules_left(appointment=appointment),
        "reason_form": AnotherTimeForm(),
    }
    context.update(overrides)
    return context


def _applicant_appointment(request, public_id):
    appointment = selectors.appointment_get_for_user(user=request.user, public_id=public_id)
    if not applicant_side(appointment.case, request.user):
        raise Http404
    return appointment


@login_required
def detail(request, public_id):
    appointment = selectors.appointment_get_for_user(user=request.user, public_id=public_id)
    if not applicant_side(appointment.case, request.user):
        return _to_staff_page(appointment)  # staff of the case: their own page
    return render(request, "appointments/detail.html", _applicant_context(request, appointment))


@login_required
@require_POST
def accept(request, public_id):
    appointment = _applicant_appointment(request, public_id)
    try:
        services.appointment_accept(appointment=appointment, by=request.user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("You accepted the appointment. We will remind you a working day before."))
    return redirect("appointments:detail", public_id=appointment.public_id)


@login_required
@require_POST
def reschedule_request(request, public_id):
    appointment = _applicant_appointment(request, public_id)
    form = AnotherTimeForm(request.POST)
    if form.is_valid():
        try:
            services.appointment_reschedule_request(appointment=appointment, reason=form.cleaned_data["reason"],
                                                    by=request.user)
        except ApplicationError as error:
            _form_error(form, error)
        else:
            messages.success(request, _("Your request was sent. The office will propose another time."))
            return redirect("appointments:detail", public_id=appointment.public_id)
    return render(request, "appointments/detail.html", _applicant_context(request, appointment, reason_form=form))
