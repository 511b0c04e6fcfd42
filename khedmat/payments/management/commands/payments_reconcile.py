from django.core.management.base import BaseCommand

from khedmat.payments.services import payments_reconcile
from khedmat.payments.tasks import payments_reconcile_schedule


class Command(BaseCommand):
    help = "Ask the bank about unsettled payment sessions once, or --schedule the worker's periodic run."

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true")

    def handle(self, *args, schedule=False, **options):
        if schedule:
            queued = payments_reconcile_schedule()
            self.stdout.write("Reconciliation scheduled." if queued else "Reconciliation already scheduled.")
            return
        self.stdout.write(str(payments_reconcile()))
