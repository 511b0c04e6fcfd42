"""Excel export for finance: the payments of a period (Tehran dates, both inclusive), through the project's
one Excel helper (`core.excel`): amounts in rials as numbers, times as Jalali text plus a real date."""
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from khedmat.core import excel, jalali
from khedmat.core.forms import JalaliDateField, PeriodForm
from khedmat.core.reporting import Period
from khedmat.payments.models import PaymentAttempt

MAX_DAYS = 366


class ExportPeriodForm(PeriodForm):
    """The days to export; both empty: today. The order check is the report period's; the length is capped."""

    date_from = JalaliDateField(label=gettext_lazy("Payments from"), required=False)
    date_to = JalaliDateField(label=gettext_lazy("Payments until"), required=False)

    def clean(self):
        cleaned = super().clean()
        first, last = cleaned.get("date_from"), cleaned.get("date_to")
        if first and last and first <= last and (last - first).days >= MAX_DAYS:
            raise ValidationError(_("Export at most one year of payments at a time."), code="too_long")
        return cleaned

    def period(self) -> Period:
        today = timezone.localdate()
        first, last = self.cleaned_data.get("date_from"), self.cleaned_data.get("date_to")
        return Period(first or last or today, last or first or today)


def payments_workbook(*, period: Period, province_id) -> bytes:
    rows = (PaymentAttempt.objects.filter(created_at__gte=period.start, created_at__lt=period.end,
                                          invoice__case__province_id=province_id)
            .select_related("invoice", "payer").order_by("created_at"))
    book = excel.ExcelBook()
    title = jalali.jalali_iso(period.first) if period.first == period.last else \
        f"{jalali.jalali_iso(period.first)} {jalali.jalali_iso(period.last)}"
    book.sheet(title, [
        excel.Column(_("Time"), excel.DATETIME),
        excel.Column(_("Invoice"), width=22),
        excel.Column(_("Payer"), width=24),
        excel.Column(_("Amount (rials)"), excel.RIALS),
        excel.Column(_("Status"), width=26),
        excel.Column(_("Bank reference number"), width=20),
        excel.Column(_("Bank session"), width=40),
    ], ([a.created_at, a.invoice.number, a.payer.get_full_name(), a.amount_rials, a.get_status_display(), a.ref_id,
         a.authority] for a in rows))
    return book.to_bytes()


def export_filename(period: Period) -> str:
    if period.first == period.last:
        return f"payments-{jalali.jalali_iso(period.first)}.xlsx"
    return f"payments-{jalali.jalali_iso(period.first)}-{jalali.jalali_iso(period.last)}.xlsx"
