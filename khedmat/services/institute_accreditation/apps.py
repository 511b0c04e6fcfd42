from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InstituteAccreditationConfig(AppConfig):
    name = "khedmat.services.institute_accreditation"
    label = "institute_accreditation"
    verbose_name = _("Accreditation of training institutes")

    def ready(self) -> None:
        from khedmat.cases.process import register
        from khedmat.services.institute_accreditation.workflow import PROCESS

        register(PROCESS)
        from khedmat.services.institute_accreditation import receivers  # noqa: F401
