"""Signals of the organizations app, for other apps to build on without this app importing them."""
from django.dispatch import Signal

# Sent inside the registering transaction (with organization=, by=): a person claims to act for an
# organization; the inquiries app checks the claim against the company registry after commit.
organization_claimed = Signal()
