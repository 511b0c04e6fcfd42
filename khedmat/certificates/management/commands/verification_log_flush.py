from django.core.management.base import BaseCommand

from khedmat.certificates import lookup_log
from khedmat.certificates.tasks import verification_log_flush_schedule


class Command(BaseCommand):
    help = ("Move the buffered verification lookups into the verification log, or --schedule the worker's "
            "periodic flush (every VERIFY_LOG_FLUSH_SECONDS).")

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true")

    def handle(self, *args, schedule=False, **options):
        if schedule:
            self.stdout.write("Verification log flush scheduled." if verification_log_flush_schedule()
                              else "Already scheduled.")
            return
        self.stdout.write(f"lookups logged: {lookup_log.flush()}")
