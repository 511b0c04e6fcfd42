"""Load demonstration data (people, organizations) for the embedded profile. Never in production."""
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from khedmat.core.management.commands.load_reference_data import _modules


class Command(BaseCommand):
    help = "Load demo accounts and organizations (embedded/development profile only)."

    def handle(self, *args, **options):
        if not settings.DEV_OUTBOX_ENABLED:
            raise CommandError("Demo data is only for the embedded development profile.")
        logins = []
        for _config, module in _modules("demo_data"):
            with transaction.atomic():
                logins.extend(module.load(stdout=self.stdout) or [])
        if logins:
            self.stdout.write("")
            self.stdout.write(self.style.SUCCESS("Demo logins (national ID / password):"))
            for line in logins:
                self.stdout.write(f"  {line}")
