from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InquiriesConfig(AppConfig):
    name = "khedmat.inquiries"
    label = "inquiries"
    verbose_name = _("Registry inquiries")

    def ready(self) -> None:
        from khedmat.inquiries import receivers  # noqa: F401
