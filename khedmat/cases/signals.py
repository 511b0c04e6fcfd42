"""Signals the case engine sends, for other apps to build on without the engine importing them."""
from django.dispatch import Signal

# Sent inside the transaction that issues a deficiency notice (with notice=, by=); the official
# documents app turns it into a numbered letter.
deficiency_notice_issued = Signal()

# Sent inside the submitting transaction, on the first submission only (with case=, by=): other apps
# start their work (automatic inquiries).
case_submitted = Signal()

# Sent inside the transaction of a final decision the applicant must receive in writing (with case=,
# event=, decision= one of DECIDED_KINDS, reasons=, conditions=, by=): a refusal, an approval with
# conditions. Receivers may return the letter they issued (anything with `number`); the applicant's
# SMS and in-app message then name it. The official documents app numbers and signs it.
case_decided = Signal()
