"""Fees, invoices and payments. Only the bank's answer to a server-to-server `verify` marks an
invoice paid; callbacks are hints (LESSONS.md: GOV.UK Pay, az-iranian-bank-gateways #31)."""
from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from khedmat.accounts import throttle
from khedmat.cases.services import case_declaration_refusal
from khedmat.cases.tracking import tracking_display
from khedmat.certificates.services import document_issue
from khedmat.core import jalali
from khedmat.core.audit import audit_record
from khedmat.core.exceptions import ApplicationError
from khedmat.core.models import Province
from khedmat.core.numbers import format_rials
from khedmat.core.text import to_persian_digits
from khedmat.notifications.services import notify_user
from khedmat.payments import gateways
from khedmat.payments.messages import bank_code_message
from khedmat.payments.models import (
    AttemptStatus,
    FeeSchedule,
    Invoice,
    InvoiceSequence,
    InvoiceStatus,
    PaymentAttempt,
    RefusedCallback,
)

logger = logging.getLogger(__name__)


def rials_text(amount: int) -> str:
    return _("%(amount)s rials") % {"amount": format_rials(amount)}


# -- fee schedules and invoices --------------------------------------------------------------

def fee_schedule_in_force(*, service, item_code: str, on: dt.date) -> FeeSchedule:
    row = (
        FeeSchedule.objects.filter(service=service, item_code=item_code, valid_from__lte=on)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
        .order_by("-valid_from")
        .first()
    )
    if row is None:
        raise ApplicationError(
            _("No fee is set for “%(item)s” on %(date)s. The organization must enter the fee table of this year first.")
            % {"item": item_code, "date": jalali.format_date(on)},
            code="no_fee_schedule",
        )
    return row


def invoice_for_case(*, case, on: dt.date | None = None) -> Invoice | None:
    """The case's open or paid invoice, creating it from the schedule in force if the process charges one.
    A case whose declaration the province does not handle is refused: it is never invoiced."""
    refusal = case_declaration_refusal(case)
    if refusal:
        raise ApplicationError(refusal, code="not_competent")
    fee = getattr(case.process, "fee", None)
    items = fee(case) if fee is not None else []
    key = items_key(items)
    existing = case.invoices.exclude(status=InvoiceStatus.CANCELLED).order_by("-created_at").first()
    if existing is not None:
        if existing.status != InvoiceStatus.OPEN or not items or existing.items_key == key:
            return existing
        # The declaration changed since the invoice was issued: it no longer says what is owed. Cancel it (a
        # payment still arriving for it is given back, see payment_verify) and issue the right one.
        Invoice.objects.filter(pk=existing.pk, status=InvoiceStatus.OPEN).update(status=InvoiceStatus.CANCELLED)
    if not items:
        return None
    on = on or timezone.localdate()
    lines = []
    for item in items:
        row = fee_schedule_in_force(service=case.service, item_code=item, on=on)
        lines.append({"item": item, "label": row.item_label, "amount_rials": row.amount_rials,
                      "revenue_row": row.revenue_row, "schedule_id": row.pk, "source": row.source})
    total = sum(line["amount_rials"] for line in lines)
    year = jalali.to_jalali(on).year
    try:
        with transaction.atomic():
            number = _next_invoice_number(year)
            invoice = Invoice.objects.create(number=f"{year}-{number:07d}-{case.pk}", case=case, lines=lines,
                                             total_rials=total, items_key=key)
    except IntegrityError:
        # Someone else issued it at the same moment: the database kept one open invoice; answer with it.
        invoice = case.invoices.filter(status=InvoiceStatus.OPEN, items_key=key).first()
        if invoice is None:
            raise
    return invoice


def items_key(items: list[str]) -> str:
    """The canonical key of a list of fee items (order and repeats do not matter)."""
    return "|".join(sorted(set(items)))[:200]


def _next_invoice_number(year: int) -> int:
    """The next invoice number of the Jalali year, from a counter row updated in place (inside a transaction)."""
    InvoiceSequence.objects.get_or_create(year=year)
    InvoiceSequence.objects.filter(year=year).update(last=F("last") + 1)
    return InvoiceSequence.objects.get(year=year).last


# -- paying -------------------------------------------------------------------------------------

def payment_start(*, invoice: Invoice, by, callback_url: str) -> PaymentAttempt:
    """Open a bank session for the invoice, or reuse the one just opened (a double click pays once)."""
    gateway = gateways.get_gateway()
    with transaction.atomic():
        invoice = Invoice.objects.select_for_update().get(pk=invoice.pk)
        if invoice.status != InvoiceStatus.OPEN:
            raise ApplicationError(_("This invoice is already paid or cancelled."), code="not_open")
        fresh = timezone.now() - dt.timedelta(seconds=settings.PAYMENT_ATTEMPT_TTL_SECONDS)
        open_attempt = invoice.attempts.filter(status=AttemptStatus.CREATED, payer=by, created_at__gte=fresh).first()
        if open_attempt is not None and open_attempt.amount_rials == invoice.total_rials:
            return open_attempt
        try:
            request = gateway.request(amount=invoice.total_rials, callback_url=callback_url,
                                      description=_("Invoice %(number)s") % {"number": invoice.number},
                                      order_id=invoice.number, mobile=by.mobile)
        except gateways.GatewayUnavailable as exc:
            raise ApplicationError(_("The bank's payment service does not answer. Please try again in a few minutes."),
                                   code="gateway_unavailable") from exc
        except gateways.GatewayError as exc:
            logger.warning("payment request refused for invoice %s: %s", invoice.number, exc)
            raise ApplicationError(_("The bank refused to open a payment: %(reason)s") % {
                "reason": bank_code_message(exc.code)}, code="gateway_refused", extra={"bank_code": exc.code}) from exc
        return PaymentAttempt.objects.create(invoice=invoice, gateway=gateway.code, authority=request.authority,
                                             redirect_url=request.redirect_url, amount_rials=invoice.total_rials,
                                             payer=by)


def payment_callback(*, params, remote_addr: str | None = None) -> PaymentAttempt:
    """The browser came back from the bank. Whatever it says, ask the bank (verify) before believing it.
    A return that is not believed (unreadable, unknown session, "paid" while the bank says not paid, another
    amount) is kept as a `RefusedCallback` for finance."""
    gateway = gateways.get_gateway()
    try:
        callback = gateway.parse_callback(params)
    except gateways.GatewayError as exc:
        _callback_refused(RefusedCallback.Reason.UNREADABLE, params=params, remote_addr=remote_addr)
        raise ApplicationError(_("The bank's answer could not be read."), code="bad_callback") from exc
    attempt = PaymentAttempt.objects.filter(authority=callback.authority).first()
    if attempt is None:
        _callback_refused(RefusedCallback.Reason.UNKNOWN_SESSION, params=params, remote_addr=remote_addr)
        raise ApplicationError(_("This payment session is unknown."), code="unknown_session")
    PaymentAttempt.objects.filter(pk=attempt.pk).update(callback_count=F("callback_count") + 1)
    settled = payment_verify(attempt=attempt)
    if callback.status_ok and settled.status == AttemptStatus.FAILED:
        reason = (RefusedCallback.Reason.AMOUNT_MISMATCH if settled.bank_code == gateways.ZP_AMOUNT_MISMATCH
                  else RefusedCallback.Reason.NOT_PAID)
        _callback_refused(reason, params=params, remote_addr=remote_addr, attempt=settled)
    return settled


def _callback_refused(reason: str, *, params, remote_addr: str | None,
                      attempt: PaymentAttempt | None = None) -> RefusedCallback | None:
    kept = {str(key)[:40]: str(value)[:200] for key, value in list(dict(params).items())[:20]}
    if attempt is not None:
        province_id = attempt.invoice.case.province_id
    else:
        province_id = Province.objects.filter(code=settings.KHEDMAT_HOME_PROVINCE).values_list("pk", flat=True).first()
    logger.warning("payment callback refused (%s) for %r from %s", reason, kept.get("Authority", ""), remote_addr)
    if attempt is None and throttle.hit(f"refused-callback:{remote_addr or '-'}",
                                        limit=settings.PAYMENT_REFUSED_CALLBACKS_KEPT_PER_HOUR, seconds=3600):
        # Anyone can call the return address: past this many unmatched calls an hour from one address,
        # they are only logged, so that a flood cannot bury finance's list (or the table).
        return None
    return RefusedCallback.objects.create(
        reason=reason, authority=kept.get("Authority", "")[:64], params=kept, remote_addr=remote_addr or None,
        attempt=attempt, bank_code=attempt.bank_code if attempt is not None else None, province_id=province_id)


def refused_callbacks_for_staff(*, staff):
    """The refused bank returns of the staff member's province, newest first."""
    return (RefusedCallback.objects.filter(province_id=staff.province_id)
            .select_related("attempt", "attempt__invoice").order_by("-created_at"))


def payment_verify(*, attempt: PaymentAttempt) -> PaymentAttempt:
    """Ask the bank once, under a row lock, and settle the attempt and the invoice from its answer."""
    gateway = gateways.get_gateway()
    with transaction.atomic():
        attempt = PaymentAttempt.objects.select_for_update().select_related("invoice").get(pk=attempt.pk)
        if attempt.status in (AttemptStatus.PAID, AttemptStatus.FAILED, AttemptStatus.REVERSED, AttemptStatus.EXPIRED):
            return attempt  # decided already: a second callback changes nothing
        attempt.verify_attempts += 1
        try:
            result = gateway.verify(authority=attempt.authority, amount=attempt.amount_rials)
        except (gateways.GatewayUnavailable, gateways.GatewayError) as exc:
            # The bank did not answer, or refused the check itself (merchant, validation): not a verdict on the
            # payment; ask again later.
            unavailable = isinstance(exc, gateways.GatewayUnavailable)
            attempt.status = AttemptStatus.UNKNOWN
            attempt.last_error = f"verify {'unavailable' if unavailable else 'refused'}: {exc}"[:300]
            attempt.problem = "verify_unavailable" if unavailable else "bank_refused"
            attempt.bank_code = exc.code
            attempt.save(update_fields=["status", "last_error", "verify_attempts", "problem", "bank_code"])
            return attempt
        if not result.paid:
            attempt.status = AttemptStatus.FAILED
            attempt.last_error = f"bank code {result.code}: {result.message}"[:300]
            attempt.problem, attempt.bank_code = "not_paid", result.code
            attempt.save(update_fields=["status", "last_error", "verify_attempts", "problem", "bank_code"])
            return attempt
        attempt.status = AttemptStatus.PAID
        attempt.problem, attempt.bank_code = "", None
        attempt.ref_id = result.ref_id
        attempt.card_pan = result.card_pan
        attempt.verified_at = timezone.now()
        invoice = Invoice.objects.select_for_update().get(pk=attempt.invoice_id)
        if invoice.status != InvoiceStatus.OPEN:
            # Paid twice (two tabs, two sessions), or paid for an invoice cancelled or refunded meanwhile:
            # nothing is owed on it, so the payment is given back.
            _refund_duplicate(attempt, gateway, paid_invoice=invoice.status == InvoiceStatus.PAID)
            return attempt
        invoice.status = InvoiceStatus.PAID
        invoice.paid_at = attempt.verified_at
        invoice.save(update_fields=["status", "paid_at"])
        attempt.receipt = _receipt_issue(attempt)
        attempt.save(update_fields=["status", "ref_id", "card_pan", "verified_at", "verify_attempts", "receipt",
                                    "last_error", "problem", "bank_code"])
        audit_record(actor=attempt.payer, action="invoice_paid", instance=invoice,
                     after={"authority": attempt.authority, "ref_id": attempt.ref_id, "amount": attempt.amount_rials})
        _notify_payer(attempt, invoice, returned=False)
    return attempt


def _refund_duplicate(attempt: PaymentAttempt, gateway, *, paid_invoice: bool = True) -> None:
    attempt.problem = "duplicate" if paid_invoice else "invoice_not_open"
    attempt.last_error = ("duplicate payment of a paid invoice" if paid_invoice
                          else "payment of an invoice no longer open")
    if gateway.supports_reverse:
        try:
            gateway.reverse(authority=attempt.authority)
            attempt.status = AttemptStatus.REVERSED
            _notify_payer(attempt, attempt.invoice, returned=True)
        except (gateways.GatewayError, gateways.GatewayUnavailable) as exc:
            attempt.problem = "reverse_failed"
            attempt.bank_code = getattr(exc, "code", None)
            attempt.last_error = f"{attempt.last_error}; reverse failed: {exc}"[:300]
    attempt.save(update_fields=["status", "ref_id", "card_pan", "verified_at", "verify_attempts", "last_error",
                                "problem", "bank_code"])


def _notify_payer(attempt: PaymentAttempt, invoice: Invoice, *, returned: bool) -> None:
    """SMS and in-app message to the payer, in the settling transaction (sent after it commits)."""
    values = {"amount": rials_text(attempt.amount_rials), "invoice": to_persian_digits(invoice.number),
              "ref": to_persian_digits(attempt.ref_id)}
    case = invoice.case
    if returned:
        subject = _("Payment returned")
        body = _("Your payment of %(amount)s for invoice %(invoice)s was not needed (the invoice was already paid or "
                 "no longer open) and was returned to your card. Bank reference number: %(ref)s.") % values
    else:
        subject = _("Payment received")
        body = _("Your payment of %(amount)s for invoice %(invoice)s was received and confirmed by the bank. "
                 "Bank reference number: %(ref)s.") % values
        if case.tracking_number:
            body += " " + _("Case %(number)s.") % {"number": tracking_display(case.tracking_number)}
    notify_user(user=attempt.payer, subject=subject, body=body,
                template="payment_returned" if returned else "payment_paid",
                idempotency_key=f"payment-{'returned' if returned else 'paid'}-{attempt.pk}", case_id=case.pk)


def _receipt_issue(attempt: PaymentAttempt):
    invoice = attempt.invoice
    case = invoice.case
    body = [
        _("Amount paid: %(amount)s") % {"amount": rials_text(attempt.amount_rials)},
        _("Bank reference number: %(ref)s") % {"ref": attempt.ref_id},
        _("Invoice %(invoice)s for case %(case)s") % {"invoice": invoice.number,
                                                      "case": tracking_display(case.tracking_number) or "—"},
    ] + [f"{line['label']}: {rials_text(line['amount_rials'])}"
         + (f" — {_('revenue row')} {line['revenue_row']}" if line.get("revenue_row") else "")
         for line in invoice.lines] + [
        _("Fee table: %(source)s") % {"source": source} for source in invoice.fee_sources]
    return document_issue(
        type_code="payment_receipt", holder_name=attempt.payer.get_full_name(),
        holder_national_id=attempt.payer.national_id, content={"subject": _("Payment receipt"), "body": body},
        case=case, reference=f"payment:{attempt.pk}", by=attempt.payer,
    )


def payment_reverse(*, attempt: PaymentAttempt, by) -> PaymentAttempt:
    """Give a payment back through the bank, where the gateway allows it, and reopen the invoice."""
    gateway = gateways.get_gateway()
    if not gateway.supports_reverse:
        raise ApplicationError(_("This bank does not allow returning payments online."), code="no_reverse")
    with transaction.atomic():
        attempt = PaymentAttempt.objects.select_for_update().select_related("invoice").get(pk=attempt.pk)
        if attempt.status != AttemptStatus.PAID:
            raise ApplicationError(_("Only a paid payment can be returned."), code="not_paid")
        try:
            gateway.reverse(authority=attempt.authority)
        except (gateways.GatewayError, gateways.GatewayUnavailable) as exc:
            logger.warning("reverse refused for %s: %s", attempt.authority, exc)
            raise ApplicationError(_("The bank did not return the payment: %(reason)s") % {
                "reason": bank_code_message(getattr(exc, "code", None))}, code="reverse_refused",
                extra={"bank_code": getattr(exc, "code", None)}) from exc
        attempt.status = AttemptStatus.REVERSED
        attempt.save(update_fields=["status"])
        invoice = Invoice.objects.select_for_update().get(pk=attempt.invoice_id)
        if invoice.status == InvoiceStatus.PAID and not invoice.attempts.filter(status=AttemptStatus.PAID).exists():
            invoice.status = InvoiceStatus.REFUNDED
            invoice.save(update_fields=["status"])
        audit_record(actor=by, action="payment_reversed", instance=invoice, after={"authority": attempt.authority})
    return attempt


def payments_reconcile(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Settle sessions whose browser never came back, and those whose verify timed out: ask the bank."""
    now = now or timezone.now()
    gateway = gateways.get_gateway()
    counts = {"paid": 0, "failed": 0, "expired": 0, "pending": 0}
    grace = now - dt.timedelta(seconds=settings.PAYMENT_RECONCILE_AFTER_SECONDS)
    due = PaymentAttempt.objects.filter(
        Q(status=AttemptStatus.UNKNOWN) | Q(status=AttemptStatus.CREATED, created_at__lte=grace)
    ).order_by("created_at")[:500]
    for attempt in due:
        try:
            state = gateway.inquiry(authority=attempt.authority).status
        except gateways.GatewayUnavailable:
            counts["pending"] += 1
            continue
        if state in ("PAID", "VERIFIED"):
            settled = payment_verify(attempt=attempt)
            counts["paid" if settled.status == AttemptStatus.PAID else "pending"] += 1
        elif state in ("FAILED", "REVERSED"):
            PaymentAttempt.objects.filter(pk=attempt.pk,
                                          status__in=[AttemptStatus.CREATED, AttemptStatus.UNKNOWN]).update(
                status=AttemptStatus.FAILED, last_error=f"bank inquiry: {state}", problem="inquiry_failed")
            counts["failed"] += 1
        elif attempt.created_at <= now - dt.timedelta(seconds=settings.PAYMENT_ATTEMPT_TTL_SECONDS * 4):
            PaymentAttempt.objects.filter(pk=attempt.pk,
                                          status=AttemptStatus.CREATED).update(status=AttemptStatus.EXPIRED)
            counts["expired"] += 1
        else:
            counts["pending"] += 1
    return counts


def reconciliation_report(*, day: dt.date, province_id: int | None) -> dict:
    """Our verified payments of a Tehran day in one province against the bank's settlement list (where it
    offers one). The bank's list covers the whole merchant account: its lines are kept for the province whose
    case the session paid; a line no session of ours explains belongs to the deployment's own province."""
    start = dt.datetime.combine(day, dt.time(0), tzinfo=jalali.TEHRAN)
    ours = {a.authority: a for a in PaymentAttempt.objects.filter(
        status=AttemptStatus.PAID, verified_at__gte=start, verified_at__lt=start + dt.timedelta(days=1),
        invoice__case__province_id=province_id).select_related("invoice")}
    try:
        bank = gateways.get_gateway().settlements(day=day)
    except gateways.GatewayUnavailable:
        # The bank does not answer now: the page says so instead of failing (the finance desk links here).
        return {"day": day, "available": False, "unreachable": True, "ours": list(ours.values()), "matched": [],
                "bank_only": [], "ours_only": []}
    if bank is None:
        return {"day": day, "available": False, "ours": list(ours.values()), "matched": [], "bank_only": [],
                "ours_only": []}
    bank_by_authority = {row["authority"]: row for row in bank}
    owners = dict(PaymentAttempt.objects.filter(authority__in=list(bank_by_authority))
                  .values_list("authority", "invoice__case__province_id"))
    home_id = Province.objects.filter(code=settings.KHEDMAT_HOME_PROVINCE).values_list("pk", flat=True).first()
    bank_by_authority = {k: row for k, row in bank_by_authority.items() if owners.get(k, home_id) == province_id}
    matched = [a for k, a in ours.items()
               if k in bank_by_authority and int(bank_by_authority[k]["amount"]) == a.amount_rials]
    ours_only = [a for k, a in ours.items()
                 if k not in bank_by_authority or int(bank_by_authority[k]["amount"]) != a.amount_rials]
    bank_only = [row for k, row in bank_by_authority.items() if k not in ours]
    return {"day": day, "available": True, "ours": list(ours.values()), "matched": matched, "bank_only": bank_only,
            "ours_only": ours_only}
