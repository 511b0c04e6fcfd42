"""The reminder sweep: once per slot, on the working day before it."""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from khedmat.appointments.models import (
    ACTIVE_STATES,
    Appointment,
)
from khedmat.appointments.services.wording import _notify_applicant, _notify_staff, _words
from khedmat.core import jalali
from khedmat.workcalendar.selectors import calendar_for


def _remind_one(appointment_id: int, *, now: dt.datetime) -> bool:
    """Claim and send one reminder; False if another run already sent it or the slot changed."""
    with transaction.atomic():
        appointment = (Appointment.objects.select_for_update(of=("self",))
                       .select_related("case__service", "case__applicant")
                       .filter(pk=appointment_id, state__in=ACTIVE_STATES, reminder_sent_at__isnull=True,
                               starts_at__gt=now).first())
        if appointment is None:
            return False
        appointment.reminder_sent_at = now
        appointment.save(update_fields=["reminder_sent_at"])
        body = _("Reminder: %(kind)s for case %(number)s on %(when)s, %(where)s.") % _words(appointment)
        key = f"appointment-reminder-{appointment.pk}-{appointment.revision}"
        _notify_applicant(appointment, template="appointment_reminder", key=key, body=body)
        _notify_staff(appointment, template="appointment_reminder", key=f"{key}-staff", body=body,
                      channels=("inapp", "sms"))
    return True


def appointments_remind(*, now: dt.datetime | None = None) -> int:
    """Remind applicant and visitors of every slot whose previous working day has come (Tehran date);
    each reminder goes out once, however often or concurrently the sweep runs. Returns how many went out."""
    now = now or timezone.now()
    today = jalali.local_date(now)
    due = (Appointment.objects.filter(state__in=ACTIVE_STATES, reminder_sent_at__isnull=True, starts_at__gt=now)
           .select_related("case").order_by("starts_at"))
    calendars = {}
    sent = 0
    for appointment in due:
        key = (appointment.case.province_id, appointment.case.office_id)
        if key not in calendars:
            calendars[key] = calendar_for(province=key[0], office=key[1])
        if calendars[key].previous_working_day(jalali.local_date(appointment.starts_at)) > today:
            continue
        if _remind_one(appointment.pk, now=now):
            sent += 1
    return sent
