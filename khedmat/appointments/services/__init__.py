"""Writes for appointments: propose a slot, the applicant's answer (accept or ask for another time),
staff moving, cancelling or marking it missed, the visit report (and the kind's done transition),
corrections of a report, and the reminder sweep.

Every act is an event on the case (`cases.services.case_record_change`) and the person on the other
side hears of it through the outbox. Refusals are `ApplicationError`s raised before any write.
"""

from khedmat.appointments.services.answer import appointment_accept, appointment_reschedule_request
from khedmat.appointments.services.reminders import _remind_one, appointments_remind
from khedmat.appointments.services.staff import (
    appointment_cancel,
    appointment_mark_missed,
    appointment_propose,
    appointment_reschedule,
)
from khedmat.appointments.services.visit_report import (
    MAX_PHOTOS,
    PHOTO_MAX_BYTES,
    PHOTO_MESSAGES,
    PHOTO_TYPES,
    visit_report_correct,
    visit_report_record,
)

__all__ = [
    "MAX_PHOTOS",
    "PHOTO_MAX_BYTES",
    "PHOTO_MESSAGES",
    "PHOTO_TYPES",
    "_remind_one",
    "appointment_accept",
    "appointment_cancel",
    "appointment_mark_missed",
    "appointment_propose",
    "appointment_reschedule",
    "appointment_reschedule_request",
    "appointments_remind",
    "visit_report_correct",
    "visit_report_record",
]
