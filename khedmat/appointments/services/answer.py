"""The applicant's answer: accept the slot or ask for another time."""
from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khedmat.appointments.models import (
    ACTIVE_STATES,
    Appointment,
    AppointmentState,
)
from khedmat.appointments.services.checks import _lock
from khedmat.appointments.services.wording import _notify_staff, _record, _words
from khedmat.cases.access import applicant_side
from khedmat.core.exceptions import ApplicationError


def _require_applicant(appointment: Appointment, by) -> None:
    if not applicant_side(appointment.case, by):
        raise ApplicationError(_("Only the applicant can answer this appointment."), code="not_applicant")


def appointment_accept(*, appointment: Appointment, by) -> Appointment:
    """The applicant accepts the proposed slot."""
    with transaction.atomic():
        appointment = _lock(appointment)
        _require_applicant(appointment, by)
        if appointment.state != AppointmentState.PROPOSED:
            raise ApplicationError(_("This appointment is not waiting for your answer."), code="wrong_state")
        if appointment.starts_at <= timezone.now():
            raise ApplicationError(_("The time of this appointment has passed."), code="past")
        appointment.state = AppointmentState.ACCEPTED
        appointment.save(update_fields=["state", "updated_at"])
        words = _words(appointment)
        _record(appointment, by=by, comment=_("The applicant accepted the %(kind)s of %(when)s.") % words)
        _notify_staff(appointment, template="appointment_accepted",
                      key=f"appointment-accepted-{appointment.pk}-{appointment.revision}",
                      body=_("The applicant accepted the %(kind)s of %(when)s for case %(number)s.") % words)
    return appointment


def appointment_reschedule_request(*, appointment: Appointment, reason: str, by) -> Appointment:
    """The applicant asks for another slot, saying why; counted against the kind's allowance."""
    reason = (reason or "").strip()
    with transaction.atomic():
        appointment = _lock(appointment)
        _require_applicant(appointment, by)
        if appointment.state not in ACTIVE_STATES:
            raise ApplicationError(_("Another time cannot be asked for this appointment now."), code="wrong_state")
        if appointment.starts_at <= timezone.now():
            raise ApplicationError(_("The time of this appointment has passed."), code="past")
        kind = appointment.kind_def
        allowed = kind.reschedule_allowed if kind is not None else 0
        if allowed <= 0:
            raise ApplicationError(_("This kind of appointment cannot be moved at your request; please contact the "
                                     "office."), code="not_allowed")
        if appointment.reschedule_count >= allowed:
            raise ApplicationError(_("You have already asked for another time as often as this appointment allows; "
                                     "please contact the office."), code="allowance_used")
        if not reason:
            raise ApplicationError(_("Say why the proposed time does not suit you."), code="reason_required",
                                   extra={"field": "reason"})
        appointment.state = AppointmentState.RESCHEDULE_REQUESTED
        appointment.reschedule_count += 1
        appointment.reschedule_reason = reason
        appointment.save(update_fields=["state", "reschedule_count", "reschedule_reason", "updated_at"])
        words = _words(appointment, reason=reason)
        _record(appointment, by=by,
                comment=_("The applicant asked for another time for the %(kind)s of %(when)s: %(reason)s") % words)
        _notify_staff(appointment, template="appointment_reschedule_requested",
                      key=f"appointment-reschedule-requested-{appointment.pk}-{appointment.reschedule_count}",
                      body=_("The applicant of case %(number)s asked for another time for the %(kind)s of %(when)s.")
                      % words)
    return appointment
