from django.core.management.base import BaseCommand

from khedmat.services.contractor_qualification.services import referrals_sweep
from khedmat.services.contractor_qualification.tasks import referrals_schedule


class Command(BaseCommand):
    help = ("Retry referrals to SAJAR that are due and ask SAJAR about sent ones, or --schedule the worker's "
            "periodic sweep.")

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true")

    def handle(self, *args, schedule=False, **options):
        if schedule:
            self.stdout.write("Referral sweep scheduled." if referrals_schedule() else "Already scheduled.")
            return
        result = referrals_sweep()
        self.stdout.write(f"referrals retried: {result['retried']}, acknowledged: {result['acknowledged']}")
