from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractorQualificationConfig(AppConfig):
    name = "khedmat.services.contractor_qualification"
    label = "contractor_qualification"
    verbose_name = _("Qualification and grading of contractors and consultants")

    def ready(self) -> None:
        from khedmat.cases.process import register
        from khedmat.services.contractor_qualification.workflow import PROCESS

        register(PROCESS)
        from khedmat.services.contractor_qualification import receivers  # noqa: F401
