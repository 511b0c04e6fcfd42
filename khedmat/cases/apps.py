from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "khedmat.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from khedmat.cases import receivers  # noqa: F401
        from khedmat.cases.desk import process_desk_links
        from khedmat.core.desk import register_links

        register_links(process_desk_links)
