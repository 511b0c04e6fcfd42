"""Background work of the case engine: the periodic SLA sweep and deadline recomputation after a
calendar change. Thin: ids in, a service call out."""
import datetime as dt

from django.conf import settings
from django_tasks import task

from khedmat.cases.services import sla_recompute_for_province, sla_sweep
from khedmat.core.periodic import schedule_next_run


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


def sla_sweep_schedule(*, delay: dt.timedelta | None = None) -> bool:
    """Queue the next SLA sweep unless one is waiting (only on backends that can defer)."""
    delay = delay or dt.timedelta(seconds=int(getattr(settings, "SLA_SWEEP_INTERVAL_SECONDS", 300)))
    return schedule_next_run(sla_sweep_task, delay=delay)
