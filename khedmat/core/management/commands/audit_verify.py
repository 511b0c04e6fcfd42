"""Walk every hash chain of the append-only logs and report the first broken link of each stream.

Exit code 0 when every chain is intact, 1 otherwise. docs/adr/0015-append-only-audit.md.
"""
import sys

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation
from django.utils.translation import gettext as _

from khedmat.core.appendonly import guarded_models
from khedmat.core.chain import chain_breaks
from khedmat.core.text import to_persian_digits


class Command(BaseCommand):
    help = "Verify the hash chains of the case events and the admin audit events."

    def add_arguments(self, parser):
        parser.add_argument("--database", default="default")

    def handle(self, *args, **options):
        with translation.override(settings.LANGUAGE_CODE):
            broken = self.verify(options["database"])
        if broken:
            sys.exit(1)

    def verify(self, using: str) -> int:
        broken = 0
        for model in guarded_models():
            log = model._meta.verbose_name_plural
            rows = model._base_manager.db_manager(using).count()
            breaks = list(chain_breaks(model, using=using))
            for item in breaks:
                context = {"log": log, "stream": to_persian_digits(item.stream), "row": to_persian_digits(item.row)}
                if item.kind == "altered":
                    message = _("%(log)s, chain «%(stream)s»: row %(row)s was changed after it was written.") % context
                else:
                    message = _("%(log)s, chain «%(stream)s»: the link before row %(row)s is broken "
                                "(a row was deleted, inserted or moved).") % context
                self.stdout.write(message)
            broken += len(breaks)
            if not breaks:
                self.stdout.write(_("%(log)s: %(rows)s rows, every chain intact.")
                                  % {"log": log, "rows": to_persian_digits(rows)})
        if broken:
            self.stderr.write(_("%(count)s broken chains found.") % {"count": to_persian_digits(broken)})
        return broken
