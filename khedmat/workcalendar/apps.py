from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkCalendarConfig(AppConfig):
    name = "khedmat.workcalendar"
    label = "workcalendar"
    verbose_name = _("Working-day calendar")

    def ready(self) -> None:
        # in ready(), not at the top: the app's modules load models, which wait for the app registry
        from khedmat.workcalendar import signals  # noqa: F401
