from django.dispatch import Signal

# Sent inside the transaction that records a visit report (not for corrections): report=VisitReport, by=user.
# A service listens to keep its own record of the visit (e.g. a supervision finding).
visit_report_recorded = Signal()
