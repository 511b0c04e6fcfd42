"""On the first submission of a service-4 case: pin the scoring table and note the workload. When a referral
to SAJAR is queued: hand it to the worker."""
from django.dispatch import receiver

from khedmat.cases.signals import case_submitted
from khedmat.services.contractor_qualification import services, tasks
from khedmat.services.contractor_qualification.constants import SERVICE_CODE
from khedmat.services.contractor_qualification.signals import referral_queued


@receiver(case_submitted)
def _on_submitted(sender, case, by, **kwargs):
    if case.service.code != SERVICE_CODE:
        return
    services.application_on_submit(case)


@receiver(referral_queued)
def _send_referral(sender, referral_id, **kwargs):
    tasks.referral_send_task.enqueue(referral_id)
