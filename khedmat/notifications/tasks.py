"""Background tasks (django.tasks API, through the `django_tasks` backport on Django 5.2).

Thin adapters: ids in, a service call, and the retry policy (back-off in `outbox_deliver`, the
periodic sweep below). The database backend runs them in `manage.py db_worker`; tests use the
immediate backend, which runs them inline.
"""
import datetime as dt
import logging

from django.conf import settings
from django_tasks import task

from khedmat.core.periodic import schedule_next_run
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


def outbox_sweep_schedule(*, delay: dt.timedelta | None = None) -> bool:
    """Queue the next retry sweep unless one is already waiting; return whether one was queued.

    Only backends that can defer take part: the immediate backend (tests) would run it at once,
    forever. Two workers finishing sweeps at the same instant may both queue one; the next round
    notices the other and the chains fold back into one.
    """
    if delay is None:
        delay = dt.timedelta(seconds=int(getattr(settings, "NOTIFICATION_SWEEP_INTERVAL_SECONDS", 60)))
    return schedule_next_run(outbox_retry_sweep_task, delay=delay)
