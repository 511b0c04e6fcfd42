"""On the first submission of a service-4 case: pin the scoring table and note the workload."""
from django.dispatch import receiver

from khedmat.cases.signals import case_submitted
from khedmat.services.contractor_qualification import services
from khedmat.services.contractor_qualification.constants import SERVICE_CODE


@receiver(case_submitted)
def _on_submitted(sender, case, by, **kwargs):
    if case.service.code != SERVICE_CODE:
        return
    services.application_on_submit(case)
