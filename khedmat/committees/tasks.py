import datetime as dt

from django_tasks import task

from khedmat.committees.services import sessions_remind
from khedmat.core.periodic import schedule_next_run


@task()
def sessions_remind_task() -> int:
    try:
        return sessions_remind()
    finally:
        sessions_remind_schedule()


def sessions_remind_schedule(*, delay: dt.timedelta | None = None) -> bool:
    # Hourly is plenty: a reminder is due on a whole working day.
    return schedule_next_run(sessions_remind_task, delay=delay or dt.timedelta(hours=1))
