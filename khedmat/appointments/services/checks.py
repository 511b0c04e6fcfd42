"""Checks before an appointment is written: the kind, the row lock, a free working-day slot, the arranger."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.utils import timezone
from django.utils.translation import gettext as _

from khedmat.accounts.models import User
from khedmat.appointments import selectors
from khedmat.appointments.models import (
    ACTIVE_STATES,
    Appointment,
)
from khedmat.appointments.services.wording import _when
from khedmat.cases.access import staff_roles_for_case
from khedmat.cases.models import Case
from khedmat.cases.process import AppointmentKind
from khedmat.core import jalali
from khedmat.core.exceptions import ApplicationError
from khedmat.workcalendar.selectors import calendar_for


def _kind(case: Case, code: str) -> AppointmentKind:
    kind = case.process.appointment_kind(code)
    if kind is None:
        raise ApplicationError(_("This kind of appointment is not part of this service."), code="unknown_kind")
    return kind


def _lock(appointment: Appointment) -> Appointment:
    """Lock the appointment row for this transaction and read it again (with its case)."""
    locked = Appointment.objects.select_for_update(of=("self",)).select_related("case__service", "case__applicant").get(
        pk=appointment.pk)
    return locked


def _day_off_message(case: Case, day: dt.date) -> str | None:
    off = calendar_for(province=case.province_id, office=case.office_id).day_off(day)
    if off is None:
        return None
    if off.kind == "holiday":
        return _("The day is not a working day (holiday: %(title)s).") % {"title": off.title}
    if off.kind == "closure":
        return _("The day is not a working day (office closure: %(title)s).") % {"title": off.title}
    return _("The day is not a working day (weekly day off: %(weekday)s).") % {
        "weekday": jalali.WEEKDAYS[day.weekday()]}


def _check_slot(*, case: Case, kind: AppointmentKind, starts_at: dt.datetime, ends_at: dt.datetime, place: str,
                online_link: str, staff: Sequence, exclude: Appointment | None, now: dt.datetime) -> list:
    """Refuse a slot that cannot be kept; return the visitors (their rows locked against double booking)."""
    if timezone.is_naive(starts_at) or timezone.is_naive(ends_at):
        raise ValueError("appointment times must be aware datetimes")
    if ends_at <= starts_at:
        raise ApplicationError(_("The appointment must end after it starts."), code="ends_before_start",
                               extra={"field": "ends"})
    if starts_at <= now:
        raise ApplicationError(_("An appointment cannot be set in the past."), code="past", extra={"field": "date"})
    day, last_day = jalali.local_date(starts_at), jalali.local_date(ends_at)
    while day <= last_day:
        message = _day_off_message(case, day)
        if message:
            raise ApplicationError(message, code="day_off", extra={"field": "date"})
        day += dt.timedelta(days=1)
    if not (place.strip() or online_link.strip()):
        raise ApplicationError(_("Give the place of the meeting or an online meeting link."), code="no_place",
                               extra={"field": "place"})
    ids = sorted({member.pk for member in staff})
    if not ids:
        raise ApplicationError(_("Choose at least one staff member who will attend."), code="no_staff",
                               extra={"field": "staff"})
    # Lock the visitors' rows in a fixed order: two proposals for the same person are taken one by one,
    # so the second sees the first and the overlap check below holds.
    members = list(User.objects.select_for_update().filter(pk__in=ids).order_by("pk"))
    for member in members:
        if not staff_roles_for_case(case, member) & set(kind.staff_roles):
            raise ApplicationError(_("%(name)s cannot attend this kind of appointment on this case.")
                                   % {"name": member.get_full_name()}, code="not_eligible", extra={"field": "staff"})
    for member in members:
        clash = (Appointment.objects.filter(staff=member, state__in=ACTIVE_STATES, starts_at__lt=ends_at,
                                            ends_at__gt=starts_at)
                 .exclude(pk=getattr(exclude, "pk", None)).order_by("starts_at").first())
        if clash is not None:
            raise ApplicationError(
                _("%(name)s already has an appointment at that time (%(when)s).")
                % {"name": member.get_full_name(), "when": _when(clash)}, code="double_booked",
                extra={"field": "staff"})
    return members


def _require_arranger(appointment: Appointment, by) -> AppointmentKind:
    if not selectors.appointment_may_arrange(appointment=appointment, user=by):
        raise ApplicationError(_("You are not allowed to arrange this appointment."), code="forbidden")
    return _kind(appointment.case, appointment.kind)
