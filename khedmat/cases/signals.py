"""Signals the case engine sends, for other apps to build on without the engine importing them."""
from django.dispatch import Signal

# Sent inside the transaction that issues a deficiency notice (with notice=, by=); the official
# documents app turns it into a numbered letter.
deficiency_notice_issued = Signal()

# Sent inside the submitting transaction, on the first submission only (with case=, by=): other apps
# start their work (automatic inquiries).
case_submitted = Signal()
