"""Background work for inquiries: one call per task, and a sweep for retries whose task was lost."""
import datetime as dt

from django.conf import settings
from django_tasks import task

from khedmat.core.periodic import schedule_next_run
from khedmat.inquiries.services import (
    inquiries_retry_due,
    inquiry_run,
    organization_claim_check,
    organization_claims_retry_due,
)


@task()
def inquiry_run_task(inquiry_id: int) -> str | None:
    inquiry = inquiry_run(inquiry_id)
    return inquiry.status if inquiry else None


@task()
def organization_claim_check_task(organization_id: int) -> str:
    return organization_claim_check(organization_id)


@task()
def inquiries_retry_sweep_task() -> int:
    try:
        return inquiries_retry_due() + organization_claims_retry_due()
    finally:
        inquiries_retry_schedule()


def inquiries_retry_schedule(*, delay: dt.timedelta | None = None) -> bool:
    delay = delay or dt.timedelta(seconds=int(getattr(settings, "REGISTRY_SWEEP_INTERVAL_SECONDS", 120)))
    return schedule_next_run(inquiries_retry_sweep_task, delay=delay)
