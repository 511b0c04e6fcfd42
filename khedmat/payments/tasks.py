"""Periodic reconciliation with the bank: sessions whose browser never came back, verifies that timed out."""
import datetime as dt

from django.apps import apps
from django.conf import settings
from django.utils import timezone
from django_tasks import task

from khedmat.payments.services import payments_reconcile


@task()
def payments_reconcile_task() -> dict[str, int]:
    try:
        return payments_reconcile()
    finally:
        payments_reconcile_schedule()


def _already_queued(backend) -> bool:
    if not apps.is_installed("django_tasks_db"):
        return False
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(backend, DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(backend_name=backend.alias, task_path=payments_reconcile_task.module_path,
                                       status="READY").exists()


def payments_reconcile_schedule(*, delay: dt.timedelta | None = None) -> bool:
    backend = payments_reconcile_task.get_backend()
    if not backend.supports_defer or _already_queued(backend):
        return False
    delay = delay or dt.timedelta(seconds=int(getattr(settings, "PAYMENT_RECONCILE_INTERVAL_SECONDS", 300)))
    payments_reconcile_task.using(run_after=timezone.now() + delay).enqueue()
    return True
