"""Appointment kinds of the test process and helpers for slots on working days (no fixtures)."""
import datetime as dt

from django.utils import timezone

from khedmat.accounts.roles import StaffRole
from khedmat.appointments.services import appointment_propose
from khedmat.cases.process import AppointmentKind
from khedmat.core import jalali
from khedmat.workcalendar.selectors import calendar_for

FIELD_VISIT = AppointmentKind("field_visit", "بازدید میدانی", states=("under_review",), staff_roles=(StaffRole.EXPERT,),
                              reschedule_allowed=1, report_scheme="test_visit", done_transition="visited")
BRIEFING = AppointmentKind("briefing", "جلسه توجیهی", states=("under_review", "awaiting_approval"),
                           staff_roles=(StaffRole.EXPERT, StaffRole.UNIT_HEAD))


def working_day(case, n: int = 2) -> dt.date:
    """The Nth working day after today in the case's province."""
    return calendar_for(province=case.province_id).add_working_days(timezone.localdate(), n)


def at(day: dt.date, clock: str) -> dt.datetime:
    hours, minutes = (int(part) for part in clock.split(":"))
    return dt.datetime.combine(day, dt.time(hours, minutes), tzinfo=jalali.TEHRAN)


def propose(case, by, *, day=None, start="10:00", end="11:00", kind="field_visit", staff=None,
            place="تهران، خیابان آزادی"):

    day = day or working_day(case)
    return appointment_propose(case=case, kind=kind, starts_at=at(day, start), ends_at=at(day, end), place=place,
                               staff=staff or [by], by=by)
