"""What the bank's codes and our own payment problems mean, in Persian for people (finance pages, the payer).

The gateway adapters (`gateways.py`) stay framework-free and raw: they carry the bank's code and English text
for logs; this module is the only place a code becomes words. Every code the Zarinpal v4 protocol documents
(https://www.zarinpal.com/docs/paymentGateway/errorList.html) and every code `tools/sandbox_gateway.py`
answers is listed; an unknown code still gets a Persian sentence, and the raw code is shown beside it to staff.
"""
from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

BANK_CODES = {
    100: _("Paid and verified by the bank."),
    101: _("Already verified by the bank."),
    -9: _("The bank refused the request's data (validation error)."),
    -10: _("The bank does not recognise our merchant terminal or address."),
    -11: _("Our merchant account at the bank is not active."),
    -12: _("Too many attempts at the bank; it will be asked again later."),
    -15: _("Our merchant account at the bank is suspended."),
    -16: _("Our merchant account's level at the bank does not allow this."),
    -17: _("Our merchant account is restricted at the bank."),
    -30: _("The bank does not allow floating shares for this merchant."),
    -31: _("The bank needs a default bank account for shares."),
    -32: _("The shares exceed the amount allowed by the bank."),
    -33: _("The floating shares are not valid."),
    -34: _("The fixed shares exceed the amount allowed by the bank."),
    -35: _("The shares exceed the number of parts allowed by the bank."),
    -40: _("The bank refused an extra parameter of the request."),
    -41: _("The amount is more than the bank allows in one payment."),
    -50: _("The amount paid at the bank differs from the invoice."),
    -51: _("Not paid: the payment failed or was cancelled at the bank."),
    -52: _("Unexpected error at the bank; it will be asked again later."),
    -53: _("The payment session does not belong to our merchant account."),
    -54: _("The bank does not know this payment session."),
    -55: _("The bank found no such transaction."),
    -60: _("The bank cannot return this payment."),
    -61: _("The payment is not in a state that can be returned."),
    -62: _("The bank requires our server's address to be registered for returns."),
    -63: _("The time allowed by the bank for returning this payment has passed."),
    -404: _("The bank's service was not found at this address."),
}

# What went wrong on our side of a payment (PaymentAttempt.problem).
PROBLEMS = {
    "not_paid": _("The bank says it was not paid."),
    "verify_unavailable": _("The bank did not answer the check; it will be asked again."),
    "bank_refused": _("The bank refused the check; it will be asked again."),
    "duplicate": _("Paid twice: the second payment is returned to the payer."),
    "invoice_not_open": _("Paid for an invoice that was no longer open: the payment is returned to the payer."),
    "reverse_failed": _("The payment must be returned, but the bank refused the return: return it by hand."),
    "inquiry_failed": _("The bank's inquiry says the payment failed."),
}

_CODE_IN_TEXT = re.compile(r"code (-?\d{1,6})")


def bank_code_message(code: int | None) -> str:
    """The Persian meaning of a bank code (a general sentence for a code the bank never documented)."""
    if code is None:
        return str(_("The bank gave no code."))
    return str(BANK_CODES.get(code, _("The bank refused with a code we do not know.")))


def code_in_text(text: str) -> int | None:
    """The bank code inside a raw error text of older records ("bank code -50: …")."""
    match = _CODE_IN_TEXT.search(text or "")
    return int(match.group(1)) if match else None


def attempt_problem(attempt) -> tuple[str, int | None]:
    """(Persian text, raw bank code or None) of what went wrong with a payment attempt; ("", None) if nothing."""
    code = attempt.bank_code if attempt.bank_code is not None else code_in_text(attempt.last_error)
    if attempt.problem in PROBLEMS and attempt.problem != "not_paid":
        return str(PROBLEMS[attempt.problem]), code
    if code is not None:
        return bank_code_message(code), code
    if attempt.problem in PROBLEMS:
        return str(PROBLEMS[attempt.problem]), None
    if attempt.last_error:
        return str(_("A problem was recorded; see the technical log.")), None
    return "", None
