"""The worker's side of verification: the buffered lookup log moved into VerificationLog (`lookup_log.flush`)."""
import datetime as dt

from django.conf import settings
from django_tasks import task

from khedmat.certificates import lookup_log
from khedmat.core.periodic import schedule_next_run


@task()
def verification_log_flush_task() -> int:
    try:
        return lookup_log.flush()
    finally:
        verification_log_flush_schedule()


def verification_log_flush_schedule(*, delay: dt.timedelta | None = None) -> bool:
    return schedule_next_run(verification_log_flush_task,
                             delay=delay or dt.timedelta(seconds=settings.VERIFY_LOG_FLUSH_SECONDS))
