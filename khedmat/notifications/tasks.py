"""Background tasks (django.tasks API, through the `django_tasks` backport on Django 5.2).

Thin adapters: ids in, a service call, and the retry policy (back-off in `outbox_deliver`, the
periodic sweep below). The database backend runs them in `manage.py db_worker`; tests use the
immediate backend, which runs them inline.
"""
import datetime as dt
import logging

from django.apps import apps
from django.conf import settings
from django.utils import timezone
from django_tasks import task

from khedmat.notifications.services import outbox_deliver, outbox_sweep

logger = logging.getLogger(__name__)


@task()
def deliver_outbox_message_task(message_id: int) -> str | None:
    return outbox_deliver(message_id)


@task()
def outbox_retry_sweep_task() -> dict[str, int]:
    """Deliver due messages, then queue the next sweep (the database backend has no scheduler)."""
    try:
        return outbox_sweep()
    finally:
        outbox_sweep_schedule()


def _sweep_already_queued(backend) -> bool:
    if not apps.is_installed("django_tasks_db"):
        return False
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(backend, DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        backend_name=backend.alias, task_path=outbox_retry_sweep_task.module_path, status="READY"
    ).exists()


def outbox_sweep_schedule(*, delay: dt.timedelta | None = None) -> bool:
    """Queue the next retry sweep unless one is already waiting; return whether one was queued.

    Only backends that can defer take part: the immediate backend (tests) would run it at once,
    forever. Two workers finishing sweeps at the same instant may both queue one; the next round
    notices the other and the chains fold back into one.
    """
    backend = outbox_retry_sweep_task.get_backend()
    if not backend.supports_defer or _sweep_already_queued(backend):
        return False
    if delay is None:
        delay = dt.timedelta(seconds=int(getattr(settings, "NOTIFICATION_SWEEP_INTERVAL_SECONDS", 60)))
    outbox_retry_sweep_task.using(run_after=timezone.now() + delay).enqueue()
    return True
