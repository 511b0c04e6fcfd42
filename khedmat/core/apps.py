from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "khedmat.core"
    label = "core"
    verbose_name = _("Foundation")

    def ready(self) -> None:
        # in ready(), not at the top: the app's modules load models, which wait for the app registry
        from khedmat.core import (
            appendonly,
            checks,  # noqa: F401  (registers system checks)
            ids,  # noqa: F401  (registers the <id:…> path converter)
        )

        connection_created.connect(appendonly.register_sqlite_function, dispatch_uid="khedmat_audit_unlock")
        post_migrate.connect(appendonly.reinstall_guards, sender=self, dispatch_uid="khedmat_append_only_guards")
