"""A process guard: the case's invoice has been paid (verified with the bank)."""
from django.utils.translation import gettext_lazy as _

from khedmat.payments.models import InvoiceStatus


def fee_paid(case):
    if not case.invoices.filter(status=InvoiceStatus.PAID).exists():
        return _("Pay the fee online first.")
    return None
