from django.core.management.base import BaseCommand

from khedmat.inquiries.services import inquiries_retry_due
from khedmat.inquiries.tasks import inquiries_retry_schedule


class Command(BaseCommand):
    help = "Run inquiries whose retry time has come, or --schedule the worker's periodic sweep."

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true")

    def handle(self, *args, schedule=False, **options):
        if schedule:
            self.stdout.write("Inquiry retries scheduled." if inquiries_retry_schedule() else "Already scheduled.")
            return
        self.stdout.write(f"inquiries run: {inquiries_retry_due()}")
