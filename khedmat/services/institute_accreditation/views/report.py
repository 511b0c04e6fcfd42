"""The service report of service 2 (SERVICES.md §3.9) for the heads of the province that delivers it: the page,
with the end-to-end time drawn as an inline SVG, and the same figures as an Excel workbook (`?format=xlsx`)."""
from django.http import Http404
from django.shortcuts import render
from django.utils.translation import get_language_bidi
from django.utils.translation import gettext as _

from khedmat.accounts.decorators import staff_required
from khedmat.cases.tracking import tracking_display
from khedmat.core import excel, jalali
from khedmat.core.desk import admits_when
from khedmat.core.excel import DECIMAL, INTEGER, PERCENT, RIALS, Column, xlsx_response
from khedmat.core.forms import PeriodForm
from khedmat.core.reporting import in_report_province, report_province
from khedmat.services.institute_accreditation import report as figures
from khedmat.services.institute_accreditation.constants import REPORT_ROLES, SERVICE_CODE

ReportPeriodForm = PeriodForm


@admits_when(in_report_province)
@staff_required(*REPORT_ROLES, service_code=SERVICE_CODE)
def report(request):
    province = report_province(request.user)
    form, period = ReportPeriodForm.from_request(request)
    wants_excel = request.GET.get("format") == "xlsx"
    if wants_excel and period is None:
        raise Http404  # the page says why the dates were refused
    result = figures.service_report(province_id=province.pk, period=period) if period is not None else None
    if wants_excel:
        name = f"accreditation-report-{jalali.jalali_iso(period.first)}-{jalali.jalali_iso(period.last)}.xlsx"
        return xlsx_response(_workbook(result), name)
    context = {"form": form, "province": province, "report": result}
    if result is not None:
        query = request.GET.copy()
        query["format"] = "xlsx"
        context.update(
            chart=figures.histogram_chart(result.end_to_end.bins, target=result.end_to_end.target,
                                          rtl=get_language_bidi()),
            metrics=[(metric, _metric_label(metric.code)) for metric in result.metrics],
            excel_query=query.urlencode(),
        )
    return render(request, "institute_accreditation/report.html", context)


def _metric_label(code: str) -> str:
    return {
        "intake": _("Intake to registration (binder to secretariat number)"),
        "notice": _("Registration to the written deficiency notice (first round)"),
        "visit": _("Field visit arranged to visit recorded"),
        "ceo": _("Waiting for the CEO's certificates"),
        "committee": _("Waiting for the committee's decision"),
        "to_issue": _("Committee approval to licence issued"),
        "to_delivery": _("Licence issued to licence delivered"),
        "decision_to_delivery": _("Committee approval to licence delivered"),
    }[code]


def _bin_label(low, high) -> str:
    return _("over %(days)s") % {"days": low - 1} if high is None else f"{low}–{high}"


def _period_label(period: figures.Period) -> str:
    return f"{jalali.format_date(period.first)} — {jalali.format_date(period.last)}"


def _workbook(result: figures.ServiceReport) -> bytes:
    """The report's figures through the project's Excel helper (`core.excel`)."""
    book = excel.ExcelBook()
    e, i, r, f, s, c = (result.end_to_end, result.intake, result.rounds, result.free, result.supervision,
                        result.compliance)
    book.sheet(_("Summary"), [Column(_("Figure"), width=46), Column(_("Value"), width=28)], [
        (_("Period"), _period_label(result.period)),
        (_("Licences delivered"), excel.integer(e.delivered)),
        (_("Median working days with the organization, filing to delivery"), excel.decimal(e.summary.median)),
        (_("Target (working days)"), excel.integer(e.target)),
        (_("Delivered within the target (%)"), excel.percent(e.within_target_share)),
        (_("Initial reviews decided"), excel.integer(i.reviews)),
        (_("Returned as incomplete (%)"), excel.percent(i.returned_share)),
        (_("Mean deficiency rounds per case closed"), excel.decimal(r.mean)),
        (_("Invoices issued (target: 0)"), excel.integer(f.invoices)),
        (_("Licences in force in the period"), excel.integer(s.licences)),
        (_("Supervision events per licence"), excel.decimal(s.per_licence)),
        (_("Licences supervised at least once (%)"), excel.percent(s.covered_share)),
        (_("Scope violations per licence"), excel.decimal(c.per_licence)),
    ])
    book.sheet(_("Times"), [Column(_("Measure"), width=46), Column(_("Seed steps"), width=12),
                            Column(_("Cases"), INTEGER), Column(_("Median"), DECIMAL),
                            Column(_("90th percentile"), DECIMAL), Column(_("Mean"), DECIMAL),
                            Column(_("Maximum"), DECIMAL)],
               [(_metric_label(m.code), m.step, m.summary.count, m.summary.median, m.summary.p90, m.summary.mean,
                 m.summary.maximum) for m in result.metrics]
               + [(_("Filing to delivery, with the organization (SLA clock)"), "۱۳–۲۲", e.summary.count,
                   e.summary.median, e.summary.p90, e.summary.mean, e.summary.maximum)])
    book.sheet(_("Distribution"), [Column(_("Working days"), width=18), Column(_("Licences delivered"), INTEGER),
                                   Column(_("Share (%)"), PERCENT)],
               [(_bin_label(b.low, b.high), b.count, b.share) for b in e.bins])
    book.sheet(_("Deficiency rounds"), [Column(_("Deficiency rounds"), INTEGER), Column(_("Cases"), INTEGER),
                                        Column(_("Share (%)"), PERCENT)], r.rows)
    book.sheet(_("Supervision"), [Column(_("Figure"), width=46), Column(_("Value"), DECIMAL)], [
        (_("Licences in force in the period"), s.licences), (_("Held supervision visits"), s.visits),
        (_("Supervision records (findings and warnings)"), s.records), (_("Supervision events"), s.events),
        (_("Supervision events per licence"), s.per_licence), (_("Licences supervised at least once"), s.covered),
        (_("Scope violations"), c.violations), (_("Licences with a violation"), c.licences_with),
        *[(label, n) for _code, label, n in c.by_kind],
    ])
    book.sheet(_("Invoices"), [Column(_("Invoice")), Column(_("Tracking number")), Column(_("Institute"), width=34),
                               Column(_("Amount (rials)"), RIALS), Column(_("Status"))],
               [(number, tracking_display(case.tracking_number), case.institute, total, status)
                for number, case, total, status in f.examples])
    return book.to_bytes()
