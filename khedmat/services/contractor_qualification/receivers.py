"""On the first submission of a service-4 case: pin the scoring table and note the workload."""
from django.dispatch import receiver

from khedmat.cases.signals import case_submitted


@receiver(case_submitted)
def _on_submitted(sender, case, by, **kwargs):
    if case.service.code != "contractor_qualification":
        return
    from khedmat.services.contractor_qualification.services import application_on_submit

    application_on_submit(case)
