"""Background work for inquiries: one call per task, and a sweep for retries whose task was lost."""
import datetime as dt

from django.apps import apps
from django.conf import settings
from django.utils import timezone
from django_tasks import task

from khedmat.inquiries.services import inquiries_retry_due, inquiry_run


@task()
def inquiry_run_task(inquiry_id: int) -> str | None:
    inquiry = inquiry_run(inquiry_id)
    return inquiry.status if inquiry else None


@task()
def inquiries_retry_sweep_task() -> int:
    try:
        return inquiries_retry_due()
    finally:
        inquiries_retry_schedule()


def inquiries_retry_schedule(*, delay: dt.timedelta | None = None) -> bool:
    backend = inquiries_retry_sweep_task.get_backend()
    if not backend.supports_defer:
        return False
    if apps.is_installed("django_tasks_db"):
        from django_tasks_db.models import DBTaskResult

        if DBTaskResult.objects.filter(task_path=inquiries_retry_sweep_task.module_path, status="READY").exists():
            return False
    delay = delay or dt.timedelta(seconds=int(getattr(settings, "REGISTRY_SWEEP_INTERVAL_SECONDS", 120)))
    inquiries_retry_sweep_task.using(run_after=timezone.now() + delay).enqueue()
    return True
