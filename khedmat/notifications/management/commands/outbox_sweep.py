from django.core.management.base import BaseCommand

from khedmat.notifications.services import outbox_sweep
from khedmat.notifications.tasks import outbox_sweep_schedule


class Command(BaseCommand):
    help = "Deliver every due outbox message once (pending past its back-off, or stuck in sending)."

    def add_arguments(self, parser):
        parser.add_argument("--limit", type=int, default=None,
                            help="At most this many messages (default: NOTIFICATION_SWEEP_BATCH).")
        parser.add_argument("--schedule", action="store_true",
                            help="Also make sure the periodic sweep task is queued for the task worker.")

    def handle(self, *args, limit=None, schedule=False, **options):
        counts = outbox_sweep(limit=limit)
        self.stdout.write("outbox sweep: " + ", ".join(f"{key} {value}" for key, value in sorted(counts.items())))
        if schedule:
            queued = outbox_sweep_schedule()
            self.stdout.write("periodic sweep queued" if queued
                              else "periodic sweep already queued (or not deferrable)")
