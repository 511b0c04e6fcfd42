"""The service report of service 4 (SERVICES.md §5.12) for the staff of the province that delivers it:
the page, with the distribution drawn as an inline SVG, and the same figures as an Excel workbook."""
import io

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language_bidi, gettext_lazy
from django.utils.translation import gettext as _

from khedmat.accounts.decorators import staff_required
from khedmat.cases.tracking import tracking_display
from khedmat.core import jalali
from khedmat.core.desk import admits_when
from khedmat.core.forms import JalaliDateField, PeriodForm
from khedmat.core.reporting import in_report_province, report_province
from khedmat.services.contractor_qualification import report as figures
from khedmat.services.contractor_qualification.workflow import SERVICE_CODE

REPORT_ROLES = ("unit_head", "head", "deputy", "expert")


class ReportPeriodForm(PeriodForm):
    date_from = JalaliDateField(label=gettext_lazy("Certificates issued from"), required=False)
    date_to = JalaliDateField(label=gettext_lazy("Certificates issued until"), required=False)


@admits_when(in_report_province)
@staff_required(*REPORT_ROLES, service_code=SERVICE_CODE)
def report(request):
    province = report_province(request.user)
    form, period = ReportPeriodForm.from_request(request)
    context = {"form": form, "province": province, "report": None}
    if period is not None:
        result = figures.service_report(province_id=province.pk, period=period)
        context.update(
            report=result,
            chart=figures.histogram_chart(result.clock.bins, target=result.target, rtl=get_language_bidi()),
            measures=_measures(result),
            query=request.GET.urlencode(),
        )
    return render(request, "contractor_qualification/report.html", context)


@admits_when(in_report_province)
@staff_required(*REPORT_ROLES, service_code=SERVICE_CODE)
def export_xlsx(request):
    province = report_province(request.user)
    _form, period = ReportPeriodForm.from_request(request)
    if period is None:
        raise Http404  # the page shows why the dates were refused
    result = figures.service_report(province_id=province.pk, period=period)
    response = HttpResponse(_workbook(result), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"contractor-report-{jalali.jalali_iso(period.first)}-{jalali.jalali_iso(period.last)}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _measures(result: figures.ServiceReport) -> list:
    return [(_("SLA clock (pauses excluded)"), result.clock), (_("From the first submission"), result.from_first),
            (_("From the final complete submission"), result.from_final)]


def _bin_label(low, high) -> str:
    return _("over %(days)s") % {"days": low - 1} if high is None else f"{low}–{high}"


def _band_label(low, high) -> str:
    if low is None:
        return _("Not recorded")
    if high is None:
        return _("%(low)s or more") % {"low": low}
    return _("%(low)s to under %(high)s") % {"low": low, "high": high}


def _workbook(result: figures.ServiceReport) -> bytes:
    """Right-to-left sheets with Persian headers and numbers as numbers, like `payments.export`."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    measures = _measures(result)

    def sheet(title, header, rows):
        ws = book.create_sheet(title[:31])
        ws.sheet_view.rightToLeft = True
        ws.append(header)
        for row in rows:
            ws.append(list(row))
        for i in range(len(header)):
            ws.column_dimensions[chr(ord("A") + i)].width = 34 if i == 0 else 18

    d, r, f, j = result.deficiencies, result.referrals, result.fees, result.jurisdiction
    sheet(_("Summary"), [_("Figure"), _("Value")], [
        (_("Period"), f"{jalali.jalali_iso(result.period.first)} — {jalali.jalali_iso(result.period.last)}"),
        (_("Certificates issued"), result.issued),
        (_("Deficiency items with guidance (%)"), d.items_guided_share),
        (_("Referrals waiting to be sent"), r.pending),
        (_("Referrals that failed"), r.failed),
        (_("Median working days from issue to referral"), r.referred_median),
        (_("Median working days from issue to registration in SAJAR"), r.registered_median),
        (_("Inquiries picked at random (%)"), result.inquiries.sampled_share),
        (_("Paid invoices equal to the fee table (%)"), f.correct_share),
        (_("Submitted cases inside the jurisdiction rule (%)"), j.inside_share),
    ])
    sheet(_("Issuance time"), [_("Measure"), _("Cases"), _("Median"), _("90th percentile"), _("Mean"),
                               _("Within 10 working days (%)"), _("Within the target (%)")],
          [(label, m.count, m.median, m.p90, m.mean, m.within_lower_share, m.within_target_share) for label, m in measures])
    sheet(_("Distribution"), [_("Working days"), *[label for label, _m in measures]],
          [(_bin_label(b.low, b.high), *[m.bins[i].count for _label, m in measures]) for i, b in enumerate(result.clock.bins)])
    sheet(_("Workload"), [_("Open cases per expert at submission"), _("Cases"), _("Mean issuance days"), _("Within the target (%)")],
          [(_band_label(w.low, w.high), w.cases, w.mean_days, w.within_target_share) for w in result.workload])
    sheet(_("Deficiency rounds"), [_("Deficiency rounds"), _("Cases"), _("Share (%)")], d.rounds)
    sheet(_("Inquiries"), [_("Source"), _("Asked"), _("Answered"), _("Average answer time (hours)"), _("Overdue now"),
                           _("Picked at random"), _("Picked at random (%)")],
          [(i.source.name, i.asked, i.answered, i.average_hours, i.overdue, i.sampled, i.sampled_share)
           for i in result.inquiries.rows])
    sheet(_("Fees"), [_("Invoice"), _("Tracking number"), _("Charged (rials)"), _("Fee table (rials)")],
          [(p.invoice_number, tracking_display(p.tracking_number), p.charged, p.expected) for p in f.problems])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
