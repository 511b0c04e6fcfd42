"""Signals of service 4, so that its writes need not import the worker's entry points (`tasks` imports
`services`; `receivers` connects the two)."""
from django.dispatch import Signal

# Sent after the commit that queued a referral to SAJAR (with referral_id=): the worker sends it now rather
# than at the next sweep.
referral_queued = Signal()
