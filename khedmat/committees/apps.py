from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "khedmat.committees"
    label = "committees"
    verbose_name = _("Committees and councils")

    def ready(self) -> None:
        # in ready(), not at the top: the app's modules load models, which wait for the app registry
        from khedmat.cases.access import register_reader
        from khedmat.committees.selectors import member_may_read_case

        register_reader(member_may_read_case)
