from django.core.management.base import BaseCommand

from khedmat.cases.services import sla_sweep
from khedmat.cases.tasks import sla_sweep_schedule


class Command(BaseCommand):
    help = "Mark SLA warnings and breaches once (for cron), or --schedule the worker's periodic sweep."

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true", help="Queue the periodic sweep for the task worker.")

    def handle(self, *args, schedule=False, **options):
        if schedule:
            queued = sla_sweep_schedule()
            self.stdout.write("SLA sweep scheduled." if queued else "SLA sweep already scheduled.")
            return
        counts = sla_sweep()
        self.stdout.write(f"warnings: {counts['warning']}, breaches: {counts['breach']}")
