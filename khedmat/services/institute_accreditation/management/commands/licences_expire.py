from django.core.management.base import BaseCommand

from khedmat.services.institute_accreditation.services import licences_expire
from khedmat.services.institute_accreditation.tasks import licences_expire_schedule


class Command(BaseCommand):
    help = "Move training licences whose validity has ended to 'expired', or --schedule the worker's daily sweep."

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true")

    def handle(self, *args, schedule=False, **options):
        if schedule:
            self.stdout.write("Licence expiry scheduled." if licences_expire_schedule() else "Already scheduled.")
            return
        self.stdout.write(f"licences expired: {licences_expire()}")
