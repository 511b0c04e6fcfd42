"""Periodic reconciliation with the bank: sessions whose browser never came back, verifies that timed out."""
import datetime as dt

from django.conf import settings
from django_tasks import task

from khedmat.core.periodic import schedule_next_run
from khedmat.payments.services import payments_reconcile


@task()
def payments_reconcile_task() -> dict[str, int]:
    try:
        return payments_reconcile()
    finally:
        payments_reconcile_schedule()


def payments_reconcile_schedule(*, delay: dt.timedelta | None = None) -> bool:
    delay = delay or dt.timedelta(seconds=int(getattr(settings, "PAYMENT_RECONCILE_INTERVAL_SECONDS", 300)))
    return schedule_next_run(payments_reconcile_task, delay=delay)
