"""Paying an invoice (redirect → bank → callback → verify) and the finance pages."""
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from khedmat.accounts.decorators import staff_required
from khedmat.accounts.roles import StaffRole
from khedmat.cases.access import applicant_side, case_get_for_user
from khedmat.core import jalali
from khedmat.core.excel import xlsx_response
from khedmat.core.exceptions import ApplicationError
from khedmat.core.net import client_ip
from khedmat.core.paginator import lookahead_page
from khedmat.core.text import to_persian_digits
from khedmat.payments import services
from khedmat.payments.export import ExportPeriodForm, export_filename, payments_workbook
from khedmat.payments.models import AttemptStatus, Invoice, PaymentAttempt

# Who sees the finance desk's pages (payments, refused returns, reconciliation, the export).
FINANCE_DESK_ROLES = (StaffRole.FINANCE, StaffRole.UNIT_HEAD, StaffRole.HEAD, StaffRole.ADMINISTRATOR)


def _invoice_for_user(request, public_id) -> Invoice:
    invoice = Invoice.objects.select_related("case", "case__service").filter(public_id=public_id).first()
    if invoice is None:
        raise Http404
    case_get_for_user(user=request.user, public_id=invoice.case.public_id)  # 404 unless the case is visible
    return invoice


@login_required
@require_POST
def invoice_open(request, case_id):
    """Create (or find) the case's invoice from the fee schedule in force, and show it."""
    case = case_get_for_user(user=request.user, public_id=case_id)
    try:
        invoice = services.invoice_for_case(case=case)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("cases:detail", public_id=case.public_id)
    if invoice is None and case.process.fee is not None:
        messages.info(request, _("Fill in and save the form first: the fee depends on what you request."))
        return redirect("cases:detail", public_id=case.public_id)
    if invoice is None:
        messages.info(request, _("This service is free of charge."))
        return redirect("cases:detail", public_id=case.public_id)
    return redirect("payments:invoice", public_id=invoice.public_id)


@login_required
def invoice_detail(request, public_id):
    invoice = _invoice_for_user(request, public_id)
    return render(request, "payments/invoice.html", {
        "invoice": invoice, "attempts": invoice.attempts.order_by("-created_at"),
        "can_pay": applicant_side(invoice.case, request.user) and invoice.status == "open",
    })


@login_required
@require_POST
def pay(request, public_id):
    invoice = _invoice_for_user(request, public_id)
    if not applicant_side(invoice.case, request.user):
        raise Http404
    callback = request.build_absolute_uri(reverse("payments:callback"))
    try:
        attempt = services.payment_start(invoice=invoice, by=request.user, callback_url=callback)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("payments:invoice", public_id=invoice.public_id)
    return redirect(attempt.redirect_url)


@csrf_exempt  # the bank's redirect carries no CSRF token; nothing is believed without verify
def callback(request):
    try:
        attempt = services.payment_callback(params=request.GET, remote_addr=client_ip(request))
    except ApplicationError as error:
        return render(request, "payments/callback_error.html", {"message": error.message}, status=400)
    if attempt.status == AttemptStatus.PAID:
        messages.success(request,
                         _("Payment received. Bank reference number: %(ref)s")
                         % {"ref": to_persian_digits(attempt.ref_id)})
    elif attempt.status == AttemptStatus.UNKNOWN:
        messages.warning(request,
                         _("The bank has not confirmed the payment yet. We will check with the bank and update the "
                           "invoice; do not pay again."))
    else:
        messages.error(request, _("The payment was not completed. No money was taken; you can try again."))
    return redirect("payments:invoice", public_id=attempt.invoice.public_id)


# -- finance ---------------------------------------------------------------------------------

@staff_required(*FINANCE_DESK_ROLES)
def finance_list(request):
    status = request.GET.get("status", "")
    attempts = PaymentAttempt.objects.select_related("invoice", "payer", "invoice__case").filter(
        invoice__case__province_id=request.user.province_id)
    if status in AttemptStatus.values:
        attempts = attempts.filter(status=status)
    return render(request, "payments/finance_list.html", {
        "attempts": attempts[:200], "status": status, "statuses": AttemptStatus.choices,
        "export_form": ExportPeriodForm(),
    })


@staff_required(*FINANCE_DESK_ROLES)
def refused_callbacks(request):
    """Returns from the bank that were not believed (forged, unknown, another amount), of the staff's province."""
    page = lookahead_page(services.refused_callbacks_for_staff(staff=request.user), request.GET.get("page"),
                          per_page=50)
    return render(request, "payments/refused_callbacks.html", {"page": page})


def _report_day(request) -> dt.date:
    try:
        return jalali.parse_jalali_date(request.GET.get("day", "")) if request.GET.get("day") else timezone.localdate()
    except jalali.InvalidJalaliDate:
        return timezone.localdate()


@staff_required(*FINANCE_DESK_ROLES)
def reconciliation(request):
    day = _report_day(request)
    return render(request, "payments/reconciliation.html", {
        "report": services.reconciliation_report(day=day, province_id=request.user.province_id)})


@staff_required(*FINANCE_DESK_ROLES)
def export_xlsx(request):
    """The payments of a period as Excel (today when no dates are given); refused dates are explained on the page."""
    form = ExportPeriodForm(request.GET)
    if not form.is_valid():
        return render(request, "payments/export.html", {"form": form}, status=400)
    period = form.period()
    return xlsx_response(payments_workbook(period=period, province_id=request.user.province_id),
                         export_filename(period))
