from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "khedmat.certificates"
    label = "certificates"
    verbose_name = _("Official documents")

    def ready(self) -> None:
        # in ready(), not at the top: the app's modules load models, which wait for the app registry
        from khedmat.certificates import receivers  # noqa: F401
