"""Background work of service 4: sending referrals to SAJAR and asking about their registration."""
import datetime as dt

from django.conf import settings
from django_tasks import task

from khedmat.core.periodic import schedule_next_run
from khedmat.services.contractor_qualification import services


@task()
def referral_send_task(referral_id: int) -> str | None:
    referral = services.referral_send(referral_id)
    return referral.status if referral else None


@task()
def referrals_sweep_task() -> dict:
    try:
        return services.referrals_sweep()
    finally:
        referrals_schedule()


def referrals_schedule(*, delay: dt.timedelta | None = None) -> bool:
    delay = delay or dt.timedelta(seconds=int(getattr(settings, "SAJAR_SWEEP_INTERVAL_SECONDS", 300)))
    return schedule_next_run(referrals_sweep_task, delay=delay)
