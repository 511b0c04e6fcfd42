"""Staff propose a slot, move it, cancel it or mark the applicant absent."""
from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khedmat.appointments.models import (
    ACTIVE_STATES,
    OPEN_STATES,
    Appointment,
    AppointmentState,
)
from khedmat.appointments.services.checks import _check_slot, _kind, _lock, _require_arranger
from khedmat.appointments.services.wording import _notify_applicant, _notify_staff, _record, _when, _words
from khedmat.cases.access import staff_roles_for_case
from khedmat.cases.models import Case
from khedmat.cases.services import case_lock
from khedmat.core.exceptions import ApplicationError


def appointment_propose(*, case: Case, kind: str, starts_at: dt.datetime, ends_at: dt.datetime, place: str = "",
                        online_link: str = "", staff: Sequence, by) -> Appointment:
    """Propose a slot to the applicant: the kind's roles and case states, a working day, free visitors."""
    kind_def = _kind(case, kind)
    now = timezone.now()
    with transaction.atomic():
        case = case_lock(case=case)
        if not case.tracking_number or not (staff_roles_for_case(case, by)
                                                                           & set(kind_def.staff_roles)):
            raise ApplicationError(_("You are not allowed to propose this appointment on this case."), code="forbidden")
        if case.state not in kind_def.states:
            raise ApplicationError(_("This appointment cannot be proposed while the case is “%(state)s”.")
                                   % {"state": case.state_def.label}, code="wrong_state")
        members = _check_slot(case=case, kind=kind_def, starts_at=starts_at, ends_at=ends_at, place=place,
                              online_link=online_link, staff=staff, exclude=None, now=now)
        appointment = Appointment(case=case, kind=kind_def.code, starts_at=starts_at, ends_at=ends_at,
                                  place=place.strip(), online_link=online_link.strip(), created_by=by)
        appointment.full_clean(exclude=["staff"])
        appointment.save()
        appointment.staff.set(members)
        words = _words(appointment)
        _record(appointment, by=by, comment=_("%(kind)s proposed: %(when)s, %(where)s.") % words)
        _notify_applicant(
            appointment, template="appointment_proposed", key=f"appointment-proposed-{appointment.pk}-1",
            body=_("%(kind)s for case %(number)s: %(when)s, %(where)s. Please accept it or ask for another time "
                   "on the case page.") % words)
        _notify_staff(appointment, exclude=by, template="appointment_attend",
                      key=f"appointment-attend-{appointment.pk}-1",
                      body=_("You are to attend the %(kind)s of case %(number)s: %(when)s, %(where)s.") % words)
    return appointment


def appointment_reschedule(*, appointment: Appointment, starts_at: dt.datetime, ends_at: dt.datetime, place: str = "",
                           online_link: str = "", staff: Sequence, by) -> Appointment:
    """Staff give the appointment another slot (after the applicant asked, or on their own); it waits
    for the applicant's answer again and gets a fresh reminder."""
    now = timezone.now()
    with transaction.atomic():
        appointment = _lock(appointment)
        kind = _require_arranger(appointment, by)
        case = appointment.case
        if appointment.state not in OPEN_STATES:
            raise ApplicationError(_("This appointment is “%(state)s” and cannot be moved.")
                                   % {"state": appointment.get_state_display()}, code="wrong_state")
        if case.state not in kind.states:
            raise ApplicationError(_("This appointment cannot be proposed while the case is “%(state)s”.")
                                   % {"state": case.state_def.label}, code="wrong_state")
        members = _check_slot(case=case, kind=kind, starts_at=starts_at, ends_at=ends_at, place=place,
                              online_link=online_link, staff=staff, exclude=appointment, now=now)
        before = _when(appointment)
        appointment.starts_at, appointment.ends_at = starts_at, ends_at
        appointment.place, appointment.online_link = place.strip(), online_link.strip()
        appointment.state = AppointmentState.PROPOSED
        appointment.revision += 1
        appointment.reminder_sent_at = None
        appointment.full_clean(exclude=["staff"])
        appointment.save(update_fields=["starts_at", "ends_at", "place", "online_link", "state", "revision",
                                        "reminder_sent_at", "updated_at"])
        appointment.staff.set(members)
        words = _words(appointment, before=before)
        _record(appointment, by=by, comment=_("%(kind)s moved to %(when)s, %(where)s (was %(before)s).") % words)
        key = f"{appointment.pk}-{appointment.revision}"
        _notify_applicant(
            appointment, template="appointment_proposed", key=f"appointment-proposed-{key}",
            body=_("New time for the %(kind)s of case %(number)s: %(when)s, %(where)s. Please accept it or ask for "
                   "another time on the case page.") % words)
        _notify_staff(appointment, exclude=by, template="appointment_attend", key=f"appointment-attend-{key}",
                      body=_("You are to attend the %(kind)s of case %(number)s: %(when)s, %(where)s.") % words)
    return appointment


def appointment_cancel(*, appointment: Appointment, reason: str, by) -> Appointment:
    """Call the appointment off, saying why; the applicant is told."""
    reason = (reason or "").strip()
    with transaction.atomic():
        appointment = _lock(appointment)
        _require_arranger(appointment, by)
        if appointment.state not in OPEN_STATES:
            raise ApplicationError(_("This appointment is “%(state)s” and cannot be cancelled.")
                                   % {"state": appointment.get_state_display()}, code="wrong_state")
        if not reason:
            raise ApplicationError(_("Write why the appointment is cancelled."), code="reason_required",
                                   extra={"field": "reason"})
        appointment.state = AppointmentState.CANCELLED
        appointment.cancel_reason = reason
        appointment.save(update_fields=["state", "cancel_reason", "updated_at"])
        words = _words(appointment, reason=reason)
        _record(appointment, by=by, comment=_("%(kind)s of %(when)s cancelled: %(reason)s") % words)
        _notify_applicant(appointment, template="appointment_cancelled", key=f"appointment-cancelled-{appointment.pk}",
                          body=_("The %(kind)s of %(when)s for case %(number)s was cancelled: %(reason)s") % words)
        _notify_staff(appointment, exclude=by, template="appointment_cancelled",
                      key=f"appointment-cancelled-{appointment.pk}",
                      body=_("The %(kind)s of %(when)s for case %(number)s was cancelled: %(reason)s") % words)
    return appointment


def appointment_mark_missed(*, appointment: Appointment, by) -> Appointment:
    """Record that the applicant did not come (only once the slot has begun)."""
    with transaction.atomic():
        appointment = _lock(appointment)
        _require_arranger(appointment, by)
        if appointment.state not in ACTIVE_STATES:
            raise ApplicationError(_("This appointment is “%(state)s”; the applicant cannot be marked absent.")
                                   % {"state": appointment.get_state_display()}, code="wrong_state")
        if appointment.starts_at > timezone.now():
            raise ApplicationError(_("The applicant can be marked absent only once the appointment has started."),
                                   code="not_started")
        appointment.state = AppointmentState.MISSED
        appointment.save(update_fields=["state", "updated_at"])
        words = _words(appointment)
        _record(appointment, by=by, comment=_("The applicant did not attend the %(kind)s of %(when)s.") % words)
        _notify_applicant(appointment, template="appointment_missed",
                          key=f"appointment-missed-{appointment.pk}-{appointment.revision}",
                          body=_("You did not attend the %(kind)s of %(when)s for case %(number)s. The office will "
                                 "contact you.") % words)
    return appointment
