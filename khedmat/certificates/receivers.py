"""A deficiency notice is a written letter (کتبی): number it, sign it, and keep it with the case."""
from django.dispatch import receiver

from khedmat.cases.signals import case_decided, deficiency_notice_issued
from khedmat.certificates.services import decision_letter_issue, deficiency_letter_issue


@receiver(deficiency_notice_issued)
def _deficiency_letter(sender, notice, by, **kwargs):
    deficiency_letter_issue(notice=notice, by=by)


@receiver(case_decided)
def _decision_letter(sender, case, event, decision, reasons, conditions, basis="", by=None, **kwargs):
    """Every final decision the applicant must receive in writing is a numbered, signed letter."""
    return decision_letter_issue(case=case, event=event, decision=decision, reasons=reasons, conditions=conditions,
                                 basis=basis, by=by)
