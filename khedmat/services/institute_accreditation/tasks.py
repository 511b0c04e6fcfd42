import datetime as dt

from django_tasks import task

from khedmat.core.periodic import schedule_next_run
from khedmat.services.institute_accreditation.services import licences_expire


@task()
def licences_expire_task() -> int:
    try:
        return licences_expire()
    finally:
        licences_expire_schedule()


def licences_expire_schedule(*, delay: dt.timedelta | None = None) -> bool:
    # Validity is by the day: a few runs a day are enough.
    return schedule_next_run(licences_expire_task, delay=delay or dt.timedelta(hours=6))
