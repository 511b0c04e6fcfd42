from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "khedmat.core"
    label = "core"
    verbose_name = _("Foundation")

    def ready(self) -> None:
        from khedmat.core import (
            checks,  # noqa: F401  (registers system checks)
            ids,  # noqa: F401  (registers the <id:…> path converter)
        )
