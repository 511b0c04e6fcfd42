"""Periodic work on the django.tasks database backend, which has no scheduler: a sweep task queues
its own next run. One helper, so that every sweep (outbox, SLA, payments, inquiries) behaves alike."""
import datetime as dt

from django.apps import apps
from django.utils import timezone


def _already_queued(task) -> bool:
    backend = task.get_backend()
    if not apps.is_installed("django_tasks_db"):
        return False
    # here, not at the top (no cycle): django_tasks_db's models load only when that app is installed
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(backend, DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(backend_name=backend.alias, task_path=task.module_path, status="READY").exists()


def schedule_next_run(task, *, delay: dt.timedelta) -> bool:
    """Queue `task` to run after `delay` unless a run is already waiting; return whether one was queued.

    Only backends that can defer take part: the immediate backend (tests) would run it at once, forever.
    Two workers finishing at the same instant may both queue one; the next round sees the other.
    """
    if not task.get_backend().supports_defer or _already_queued(task):
        return False
    task.using(run_after=timezone.now() + delay).enqueue()
    return True
