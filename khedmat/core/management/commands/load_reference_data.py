"""Load every app's reference data (idempotent): each installed app may have `reference_data.load()`."""
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


def _modules(name: str):
    for config in apps.get_app_configs():
        module_name = f"{config.name}.{name}"
        if config.name.startswith("khedmat.") and find_spec(module_name) is not None:
            yield config, import_module(module_name)


class Command(BaseCommand):
    help = "Load reference data (provinces, calendars, service catalog …). Safe to run again."

    def handle(self, *args, **options):
        for config, module in _modules("reference_data"):
            self.stdout.write(f"{config.label}:")
            with transaction.atomic():
                module.load(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Reference data loaded."))
