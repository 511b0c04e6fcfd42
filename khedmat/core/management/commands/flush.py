"""Django's `flush`, aware of the append-only audit tables (core.appendonly).

The database refuses to empty them; only a profile that sets `AUDIT_LOG_FLUSHABLE` (the test
profile: pytest-django flushes after every transactional test) may, under `unlocked()`.
"""
from django.conf import settings
from django.core.management.base import CommandError
from django.core.management.commands.flush import Command as FlushCommand
from django.utils.translation import gettext as _

from khedmat.core.appendonly import unlocked


class Command(FlushCommand):
    def handle(self, **options):
        if not getattr(settings, "AUDIT_LOG_FLUSHABLE", False):
            raise CommandError(_("The database holds the append-only audit logs; it cannot be flushed."))
        with unlocked(options["database"]):
            return super().handle(**options)
