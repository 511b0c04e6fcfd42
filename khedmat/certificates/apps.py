from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CertificatesConfig(AppConfig):
    name = "khedmat.certificates"
    label = "certificates"
    verbose_name = _("Official documents")

    def ready(self) -> None:
        from khedmat.certificates import receivers  # noqa: F401
