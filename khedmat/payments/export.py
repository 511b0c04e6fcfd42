"""Excel export for finance: a right-to-left sheet with Persian headers; amounts as numbers in rials."""
import datetime as dt
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from khedmat.core import jalali
from khedmat.payments.models import PaymentAttempt


def payments_workbook(*, day: dt.date, province_id) -> bytes:
    start = dt.datetime.combine(day, dt.time(0), tzinfo=jalali.TEHRAN)
    rows = (PaymentAttempt.objects.filter(created_at__gte=start, created_at__lt=start + dt.timedelta(days=1),
                                          invoice__case__province_id=province_id)
            .select_related("invoice", "payer").order_by("created_at"))
    book = Workbook()
    sheet = book.active
    sheet.title = jalali.jalali_iso(day)
    sheet.sheet_view.rightToLeft = True
    sheet.append([_("Time"), _("Invoice"), _("Payer"), _("Amount (rials)"), _("Status"), _("Bank reference number"),
                  _("Bank session")])
    for a in rows:
        sheet.append([jalali.format_datetime(a.created_at), a.invoice.number, a.payer.get_full_name(), a.amount_rials,
                      a.get_status_display(), a.ref_id, a.authority])
    for column, width in zip("ABCDEFG", (18, 22, 24, 16, 26, 20, 40), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
