from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InquiriesConfig(AppConfig):
    name = "khedmat.inquiries"
    label = "inquiries"
    verbose_name = _("Registry inquiries")

    def ready(self) -> None:
        # in ready(), not at the top: the app's modules load models, which wait for the app registry
        from khedmat.inquiries import receivers  # noqa: F401
