"""The service report of service 4 (SERVICES.md §5.12) for the staff of the province that delivers it:
the page, with the distribution drawn as an inline SVG, and the same figures as an Excel workbook."""
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language_bidi, gettext_lazy
from django.utils.translation import gettext as _

from khedmat.accounts.decorators import staff_required
from khedmat.cases.tracking import tracking_display
from khedmat.core import excel, jalali
from khedmat.core.desk import admits_when
from khedmat.core.excel import DECIMAL, INTEGER, PERCENT, RIALS, Column, xlsx_response
from khedmat.core.forms import JalaliDateField, PeriodForm
from khedmat.core.reporting import in_report_province, report_province
from khedmat.services.contractor_qualification import report as figures
from khedmat.services.contractor_qualification.constants import REPORT_ROLES, SERVICE_CODE


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
    name = f"contractor-report-{jalali.jalali_iso(period.first)}-{jalali.jalali_iso(period.last)}.xlsx"
    return xlsx_response(_workbook(result), name)


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
    """The report's figures through the project's Excel helper (`core.excel`)."""
    book = excel.ExcelBook()
    measures = _measures(result)
    d, r, f, j = result.deficiencies, result.referrals, result.fees, result.jurisdiction
    book.sheet(_("Summary"), [Column(_("Figure"), width=34), Column(_("Value"), width=28)], [
        (_("Period"), f"{jalali.format_date(result.period.first)} — {jalali.format_date(result.period.last)}"),
        (_("Certificates issued"), excel.integer(result.issued)),
        (_("Deficiency items with guidance (%)"), excel.percent(d.items_guided_share)),
        (_("Referrals waiting to be sent"), excel.integer(r.pending)),
        (_("Referrals that failed"), excel.integer(r.failed)),
        (_("Median working days from issue to referral"), excel.decimal(r.referred_median)),
        (_("Median working days from issue to registration in SAJAR"), excel.decimal(r.registered_median)),
        (_("Inquiries picked at random (%)"), excel.percent(result.inquiries.sampled_share)),
        (_("Paid invoices equal to the fee table (%)"), excel.percent(f.correct_share)),
        (_("Submitted cases inside the jurisdiction rule (%)"), excel.percent(j.inside_share)),
        (_("Grants departing from the scoring result (%)"), excel.percent(result.departures.share)),
    ])
    book.sheet(_("Issuance time"), [Column(_("Measure"), width=34), Column(_("Cases"), INTEGER),
                                    Column(_("Median"), DECIMAL), Column(_("90th percentile"), DECIMAL),
                                    Column(_("Mean"), DECIMAL), Column(_("Within 10 working days (%)"), PERCENT),
                                    Column(_("Within the target (%)"), PERCENT)],
               [(label, m.count, m.median, m.p90, m.mean, m.within_lower_share, m.within_target_share)
                for label, m in measures])
    book.sheet(_("Distribution"), [Column(_("Working days"), width=18),
                                   *[Column(label, INTEGER, width=18) for label, _m in measures]],
               [(_bin_label(b.low, b.high), *[m.bins[i].count for _label, m in measures])
                for i, b in enumerate(result.clock.bins)])
    book.sheet(_("Workload"), [Column(_("Open cases per expert at submission"), width=34), Column(_("Cases"), INTEGER),
                               Column(_("Mean issuance days"), DECIMAL), Column(_("Within the target (%)"), PERCENT)],
               [(_band_label(w.low, w.high), w.cases, w.mean_days, w.within_target_share) for w in result.workload])
    book.sheet(_("Deficiency rounds"), [Column(_("Deficiency rounds"), INTEGER), Column(_("Cases"), INTEGER),
                                        Column(_("Share (%)"), PERCENT)], d.rounds)
    book.sheet(_("Inquiries"), [Column(_("Source"), width=34), Column(_("Asked"), INTEGER),
                                Column(_("Answered"), INTEGER), Column(_("Average answer time (hours)"), DECIMAL),
                                Column(_("Overdue now"), INTEGER),
                                Column(_("Picked at random"), INTEGER), Column(_("Picked at random (%)"), PERCENT)],
               [(i.source.name, i.asked, i.answered, i.average_hours, i.overdue, i.sampled, i.sampled_share)
                for i in result.inquiries.rows])
    book.sheet(_("Fees"), [Column(_("Invoice")), Column(_("Tracking number")), Column(_("Charged (rials)"), RIALS),
                           Column(_("Fee table (rials)"), RIALS)],
               [(p.invoice_number, tracking_display(p.tracking_number), p.charged, p.expected) for p in f.problems])
    book.sheet(_("Departures from scoring"), [Column(_("Tracking number")), Column(_("Field of work"), width=24),
                                              Column(_("Requested grade"), INTEGER),
                                              Column(_("Grade the figures support"), INTEGER),
                                              Column(_("Granted grade"), INTEGER), Column(_("Departure"), width=24),
                                              Column(_("Reason"), width=48)],
               [(tracking_display(r.tracking_number), r.field_name, r.requested, r.supported, r.granted,
                 r.direction_label, r.reason) for r in result.departures.rows])
    return book.to_bytes()
