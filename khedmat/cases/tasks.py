"""Background work of the case engine: the periodic SLA sweep and deadline recomputation after a
calendar change. Thin: ids in, a service call out."""
import datetime as dt

from django.apps import apps
from django.conf import settings
from django.utils import timezone
from django_tasks import task

from khedmat.cases.services import sla_recompute_for_province, sla_sweep


@task()
def sla_recompute_task(province_id: int | None, reason: str) -> int:
    return sla_recompute_for_province(province_id=province_id, reason=reason)


@task()
def sla_sweep_task() -> dict[str, int]:
    """Mark warnings and breaches, then queue the next sweep (the database backend has no scheduler)."""
    try:
        return sla_sweep()
    finally:
        sla_sweep_schedule()


def _already_queued(backend) -> bool:
    if not apps.is_installed("django_tasks_db"):
        return False
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    if not isinstance(backend, DatabaseBackend):
        return False
    return DBTaskResult.objects.filter(
        backend_name=backend.alias, task_path=sla_sweep_task.module_path, status="READY"
    ).exists()


def sla_sweep_schedule(*, delay: dt.timedelta | None = None) -> bool:
    """Queue the next SLA sweep unless one is waiting (only on backends that can defer)."""
    backend = sla_sweep_task.get_backend()
    if not backend.supports_defer or _already_queued(backend):
        return False
    if delay is None:
        delay = dt.timedelta(seconds=int(getattr(settings, "SLA_SWEEP_INTERVAL_SECONDS", 300)))
    sla_sweep_task.using(run_after=timezone.now() + delay).enqueue()
    return True
