from django.core.management.base import BaseCommand

from khedmat.committees.services import sessions_remind
from khedmat.committees.tasks import sessions_remind_schedule


class Command(BaseCommand):
    help = "Remind everyone invited to a committee session on the working day before it, or --schedule the sweep."

    def add_arguments(self, parser):
        parser.add_argument("--schedule", action="store_true")

    def handle(self, *args, schedule=False, **options):
        if schedule:
            self.stdout.write("Session reminders scheduled." if sessions_remind_schedule() else "Already scheduled.")
            return
        self.stdout.write(f"sessions reminded: {sessions_remind()}")
