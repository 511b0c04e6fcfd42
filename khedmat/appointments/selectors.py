"""Reads for appointments, always through the case's access check, and who may do what."""
from __future__ import annotations

import datetime as dt
import uuid

from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone

from khedmat.accounts.models import User
from khedmat.appointments.models import (
    ACTIVE_STATES,
    OPEN_STATES,
    Appointment,
    ScoringCriterion,
    VisitPhoto,
    VisitReport,
)
from khedmat.cases.access import applicant_side, case_get_for_user, staff_roles_for_case
from khedmat.cases.models import Case
from khedmat.cases.process import AppointmentKind
from khedmat.core.db import persian_order


def appointment_get_for_user(*, user, public_id) -> Appointment:
    """The appointment, if `user` may see its case; 404 alike for missing and not-yours."""
    appointment = (Appointment.objects.select_related("case__service", "created_by")
                   .filter(public_id=public_id).first() if _is_uuid(public_id) else None)
    if appointment is None:
        raise Http404
    # The one funnel for case access: raises 404 if the case is not the person's.
    appointment.case = case_get_for_user(user=user, public_id=appointment.case.public_id)
    return appointment


def _is_uuid(value) -> bool:
    if isinstance(value, uuid.UUID):
        return True
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def appointments_for_case(*, case: Case) -> QuerySet[Appointment]:
    """Every appointment of an (access-checked) case, latest first, with its visitors."""
    return (Appointment.objects.filter(case=case).select_related("case__service")
            .prefetch_related("staff").order_by("-starts_at", "-id"))


def appointments_upcoming_for_staff(*, user, now: dt.datetime | None = None) -> QuerySet[Appointment]:
    """The open appointments `user` attends that have not ended yet, soonest first."""
    now = now or timezone.now()
    return (Appointment.objects.filter(staff=user, state__in=OPEN_STATES, ends_at__gt=now)
            .select_related("case__service", "case__applicant").prefetch_related("staff")
            .order_by("starts_at", "id"))


def _arranging_roles(case: Case, user, kind: AppointmentKind) -> set[str]:
    return staff_roles_for_case(case, user) & set(kind.staff_roles)


def appointment_kinds_proposable(*, case: Case, user) -> list[AppointmentKind]:
    """The kinds of appointment `user` may propose on `case` now (its state, their roles)."""
    # The kind's states decide, final ones included: a licensed institute is still visited for supervision.
    if not case.tracking_number:
        return []
    return [kind for kind in case.process.appointment_kinds
            if case.state in kind.states and _arranging_roles(case, user, kind)]


def appointment_staff_choices(*, case: Case, kind: AppointmentKind) -> QuerySet:
    """Staff of the case's province holding one of the kind's roles: who may be chosen to attend."""
    return (User.objects.holding(kind.staff_roles, service_code=case.process.service_code)
            .filter(province_id=case.province_id).order_by(persian_order("last_name"), persian_order("first_name")))


def appointment_may_attend(*, appointment: Appointment, user) -> bool:
    """`user` is one of the visitors and still a staff member on the case."""
    return (bool(staff_roles_for_case(appointment.case, user))
            and appointment.staff.filter(pk=user.pk).exists())


def appointment_may_arrange(*, appointment: Appointment, user) -> bool:
    """Staff who may move, cancel or mark missed: a role of the kind on the case, or a visitor."""
    kind = appointment.kind_def
    if kind is not None and _arranging_roles(appointment.case, user, kind):
        return True
    return appointment_may_attend(appointment=appointment, user=user)


def appointment_may_answer(*, appointment: Appointment, user) -> bool:
    """The applicant side may accept or ask for another time while the slot is still to come."""
    return (applicant_side(appointment.case, user) and appointment.state in ACTIVE_STATES
            and appointment.starts_at > timezone.now())


def appointment_reschedules_left(*, appointment: Appointment) -> int:
    kind = appointment.kind_def
    allowed = kind.reschedule_allowed if kind is not None else 0
    return max(0, allowed - appointment.reschedule_count)


def visit_reports_for_appointment(*, appointment: Appointment) -> list[VisitReport]:
    """The original report and its corrections, oldest first (the last one is in force)."""
    return list(VisitReport.objects.filter(appointment=appointment)
                .select_related("recorded_by", "scheme", "corrects")
                .prefetch_related("scores__criterion", "photos").order_by("recorded_at", "id"))


def visit_report_current(*, appointment: Appointment) -> VisitReport | None:
    """The report in force: the one nobody corrected."""
    return (VisitReport.objects.filter(appointment=appointment, correction__isnull=True)
            .select_related("recorded_by").first())


def scoring_criteria_for_kind(*, kind: AppointmentKind | None) -> list:
    """The criteria a report of this kind is scored on ([] when the kind is not scored or not set up)."""
    if kind is None or not kind.report_scheme:
        return []
    return list(ScoringCriterion.objects.filter(scheme__code=kind.report_scheme, scheme__is_active=True))


def visit_photo_get(*, appointment: Appointment, photo_id: int):
    """A photo of one of the appointment's reports (the appointment already access-checked)."""
    photo = VisitPhoto.objects.filter(pk=photo_id, report__appointment=appointment).first()
    if photo is None:
        raise Http404
    return photo
