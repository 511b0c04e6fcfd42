from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkCalendarConfig(AppConfig):
    name = "khedmat.workcalendar"
    label = "workcalendar"
    verbose_name = _("Working-day calendar")

    def ready(self) -> None:
        from khedmat.workcalendar import signals  # noqa: F401
