"""Load demonstration data (people, organizations) for the embedded profile. Never in production.

The demo's cases leave a few hundred notifications behind; they are delivered here, with the console SMS
written to `var/demo-sms.log` instead of the terminal (they are also on /dev/outbox/), so that the demo
logins are the last thing printed. The logins are also kept in `var/demo-logins.txt` (`make run` prints
them again just before the servers start)."""
import io
from contextlib import redirect_stdout

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from khedmat.core.management.commands.load_reference_data import _modules

SMS_LOG = "demo-sms.log"
LOGINS_FILE = "demo-logins.txt"


class Command(BaseCommand):
    help = "Load demo accounts and organizations (embedded/development profile only)."

    def handle(self, *args, **options):
        if not settings.DEV_OUTBOX_ENABLED:
            raise CommandError("Demo data is only for the embedded development profile.")
        logins = []
        for _config, module in _modules("demo_data"):
            with transaction.atomic():
                logins.extend(module.load(stdout=self.stdout) or [])
        self._deliver_notifications()
        if logins:
            lines = ["", "Demo logins (national ID / password):", *[f"  {line}" for line in logins]]
            (settings.VAR_DIR / LOGINS_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
            self.stdout.write("")
            self.stdout.write(self.style.SUCCESS(lines[1]))
            for line in lines[2:]:
                self.stdout.write(line)

    def _deliver_notifications(self) -> None:
        """Send what the demo queued now, the console SMS going to the log (the task worker would print them
        all over the terminal right after the logins)."""
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        path = settings.VAR_DIR / SMS_LOG
        summary = io.StringIO()
        with open(path, "a", encoding="utf-8") as log, redirect_stdout(log):
            call_command("outbox_sweep", limit=100_000, stdout=summary)
        self.stdout.write(f"  {summary.getvalue().strip()} (console SMS written to {path})")
