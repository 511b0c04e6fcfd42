"""A deficiency notice is a written letter (کتبی): number it, sign it, and keep it with the case."""
from django.dispatch import receiver

from khedmat.cases.signals import deficiency_notice_issued


@receiver(deficiency_notice_issued)
def _deficiency_letter(sender, notice, by, **kwargs):
    from khedmat.certificates.services import deficiency_letter_issue

    deficiency_letter_issue(notice=notice, by=by)
