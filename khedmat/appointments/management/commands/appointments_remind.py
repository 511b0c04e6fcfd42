from django.core.management.base import BaseCommand

from khedmat.appointments.services import appointments_remind
from khedmat.appointments.tasks import appointments_remind_schedule


class Command(BaseCommand):
    help = "Send the reminders of appointments whose previous working day has come, or --schedule the worker's sweep."

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true")

    def handle(self, *args, schedule=False, **options):
        if schedule:
            self.stdout.write("Appointment reminders scheduled." if appointments_remind_schedule()
                              else "Already scheduled.")
            return
        self.stdout.write(f"appointment reminders sent: {appointments_remind()}")
