"""Background work for appointments: the reminder sweep, which queues its own next run."""
import datetime as dt

from django.conf import settings
from django_tasks import task

from khedmat.appointments.services import appointments_remind
from khedmat.core.periodic import schedule_next_run


@task()
def appointments_remind_task() -> int:
    try:
        return appointments_remind()
    finally:
        appointments_remind_schedule()


def appointments_remind_schedule(*, delay: dt.timedelta | None = None) -> bool:
    """Queue the next reminder sweep unless one is waiting (only on backends that can defer)."""
    delay = delay or dt.timedelta(seconds=int(getattr(settings, "APPOINTMENT_REMINDER_INTERVAL_SECONDS", 900)))
    return schedule_next_run(appointments_remind_task, delay=delay)
