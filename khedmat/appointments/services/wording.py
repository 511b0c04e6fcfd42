"""How an appointment is worded in events and messages, and who hears of it."""
from __future__ import annotations

from collections.abc import Iterable

from django.utils.translation import gettext as _

from khedmat.appointments.models import (
    Appointment,
)
from khedmat.cases.models import EventType
from khedmat.cases.services import case_record_change
from khedmat.cases.tracking import tracking_display
from khedmat.core import jalali
from khedmat.core.text import to_persian_digits
from khedmat.notifications.services import notify_user


def _when(appointment: Appointment) -> str:
    """"۱۴۰۴/۰۵/۱۰ ۰۹:۰۰ to ۱۱:۰۰" (Tehran time), the end's date only when it is another day."""
    start, end = appointment.starts_at, appointment.ends_at
    if jalali.local_date(start) == jalali.local_date(end):
        end_text = to_persian_digits(end.astimezone(jalali.TEHRAN).strftime("%H:%M"))
    else:
        end_text = jalali.format_datetime(end)
    return _("%(start)s to %(end)s") % {"start": jalali.format_datetime(start), "end": end_text}


def _where(appointment: Appointment) -> str:
    parts = [part for part in (appointment.place, appointment.online_link) if part]
    return " — ".join(parts)


def _words(appointment: Appointment, **more) -> dict:
    return {"kind": appointment.kind_label, "when": _when(appointment), "where": _where(appointment),
            "number": tracking_display(appointment.case.tracking_number), **more}


def _notify_applicant(appointment: Appointment, *, body: str, template: str, key: str) -> None:
    case = appointment.case
    notify_user(user=case.applicant, subject=_("Case %(number)s") % {"number": tracking_display(case.tracking_number)},
                body=body, template=template, idempotency_key=key, case_id=case.pk)


def _notify_staff(appointment: Appointment, *, body: str, template: str, key: str, exclude=None,
                  channels: Iterable[str] = ("inapp",)) -> None:
    for member in appointment.staff.all():
        if exclude is not None and member.pk == exclude.pk:
            continue
        notify_user(user=member, subject=body[:200], body=body, template=template, idempotency_key=f"{key}-{member.pk}",
                    channels=tuple(channels), case_id=appointment.case_id)


def _record(appointment: Appointment, *, by, comment: str, public: bool = True) -> None:
    case_record_change(case=appointment.case, by=by, comment=comment, public=public, event_type=EventType.APPOINTMENT)
