"""The service report (SERVICES.md §5.12): exact working-day figures from chosen events, and who may see it.

The cases are built as the engine leaves them: events with chosen instants, then `sla_refresh` rebuilds the
stored SLA columns from those events. Tehran's calendar is the reference data: Thursday and Friday off, the
solar and lunar holidays of 1403–1404.
"""
import datetime as dt
import io
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from khedmat.cases.models import Case, CaseEvent, DeficiencyItem, DeficiencyNotice
from khedmat.cases.selectors import sla_view
from khedmat.cases.services import case_create, sla_refresh
from khedmat.cases.tracking import tracking_compose
from khedmat.catalog.models import Service
from khedmat.certificates.models import DocumentType, OfficialDocument
from khedmat.core import jalali
from khedmat.core.jalali import TEHRAN
from khedmat.core.models import Province
from khedmat.inquiries.models import Inquiry, InquirySource
from khedmat.payments.models import FeeSchedule, Invoice
from khedmat.payments.services import fee_schedule_in_force
from khedmat.services.contractor_qualification import report
from khedmat.services.contractor_qualification.models import Application, ContractingField, GradeGrant, Referral
from khedmat.testing import assert_query_budget, login, make_staff, persian_number_problems

pytestmark = pytest.mark.django_db

YEAR_1404 = report.default_period(today=jalali.from_jalali(1404, 6, 1))
URL = "/staff/contractors/report/"
_sequence = iter(range(1, 10_000))


def at(year, month, day, hour=10, minute=0) -> dt.datetime:
    """A Tehran instant on a Jalali date."""
    return dt.datetime.combine(jalali.from_jalali(year, month, day), dt.time(hour, minute), tzinfo=TEHRAN)


CONTRACTOR_4 = {"kind": "contractor", "contractor_type": 1, "fields": [{"field": "building", "grade": 4}]}
CONTRACTOR_3 = {"kind": "contractor", "contractor_type": 1, "fields": [{"field": "building", "grade": 3}]}


def make_case(applicant, events, *, data=CONTRACTOR_4, province=None):
    """A service-4 case whose history is `events` [(instant, event_type, to_state)], as the engine stores it:
    first/last submission instants, state, closed_at at the last final transition, SLA columns rebuilt."""
    service = Service.objects.get(code="contractor_qualification")
    case = case_create(service=service, applicant=applicant)
    submissions = [instant for instant, kind, _state in events if kind in ("submitted", "resubmitted")]
    finals = [instant for instant, _kind, state in events if state in report.ISSUED_STATES]
    Case.objects.filter(pk=case.pk).update(
        tracking_number=tracking_compose(service_number=service.number, year=1404, sequence=next(_sequence)),
        sla_statement=service.statements.get(version=1), data=data, state=events[-1][2],
        first_submitted_at=submissions[0], submitted_at=submissions[-1], closed_at=finals[-1] if finals else None,
        province=province or case.province,
    )
    previous = "draft"
    for instant, kind, state in events:
        CaseEvent.objects.create(case=case, created_at=instant, event_type=kind, from_state=previous, to_state=state)
        previous = state
    case.refresh_from_db()
    sla_refresh(case=case, now=events[-1][0])
    case.refresh_from_db()
    return case


def issued_flow(submitted, issued):
    return [(submitted, "submitted", "under_review"),
            (issued - dt.timedelta(hours=2), "transition", "awaiting_approval"),
            (issued - dt.timedelta(hours=1), "transition", "approved"), (issued, "transition", "certificate_issued")]


def certificate(case, by):
    n = next(_sequence)
    return OfficialDocument.objects.create(
        document_type=DocumentType.objects.get(code="grade_certificate"), number=f"4-1404-{n}", year=1404, serial=n,
        verification_code=f"V{n:09d}", case=case, holder_name="شرکت آزمایشی", issued_on=dt.date(2025, 4, 5),
        signer_name="امضاکننده", signer_title="رئیس", issued_by=by, token="-", key_id="test")


def referral(case, by, status):
    return Referral.objects.create(case=case, certificate=certificate(case, by), message_id=uuid.uuid4(), payload={},
                                   status=status, created_at=case.closed_at)


@pytest.fixture
def fee_table_1404():
    service = Service.objects.get(code="contractor_qualification")
    first, last = YEAR_1404.first, YEAR_1404.last
    return {grade: FeeSchedule.objects.create(service=service, item_code=f"contractor_grade_{grade}",
                                              item_label=f"پایه {grade}",
                                              budget_year=1404, valid_from=first, valid_to=last, amount_rials=amount)
            for grade, amount in ((3, 7_000_000), (4, 5_000_000))}


def invoice(case, *, total, row=None, on):
    lines = [{"item": row.item_code, "amount_rials": row.amount_rials, "schedule_id": row.pk}] if row else []
    return Invoice.objects.create(number=f"1404-{next(_sequence):07d}-{case.pk}", case=case, lines=lines,
                                  total_rials=total,
                                  status="paid", created_at=on, paid_at=on)


@pytest.fixture
def scenario(applicant, expert, fee_table_1404):
    """A: crosses Nowruz, no deficiency. B: one deficiency round (a pause of 11 calendar days). C: 35 working
    days. Outside the report: D issued in 1403, E of Isfahan, F still open (and outside the jurisdiction)."""
    # A — submitted Tuesday 28 Esfand 1403, issued Saturday 16 Farvardin 1404. Skipped: 29 and 30 Esfand,
    # Thursday–Friday, Nowruz (1–4 Farvardin), 11–13 Farvardin and the weekends: 5 working days
    # (docs/working-days.md). Referred the next working day; registered in SAJAR 5 working days after issue.
    a = make_case(applicant, [*issued_flow(at(1403, 12, 28), at(1404, 1, 16, 11)),
                              (at(1404, 1, 17, 9), "transition", "referred_to_pbo"),
                              (at(1404, 1, 23, 9), "transition", "registered_in_sajar")])
    Application.objects.create(case=a, open_cases_at_submission=12, experts_at_submission=3)  # 4.0 per expert
    referral(a, expert, "acknowledged")
    # B — submitted Saturday 6 Ordibehesht; deficiency notice Tuesday 9 (3 working days); resubmitted Saturday
    # 20; issued Wednesday 24 (4 more). Clock 7; from the first submission 14; from the resubmission 4.
    b = make_case(applicant, [
        (at(1404, 2, 6, 9), "submitted", "under_review"),
        (at(1404, 2, 9, 12), "deficiency_notice", "deficiencies_notified"),
        (at(1404, 2, 20, 8), "resubmitted", "under_review"),
        (at(1404, 2, 22, 10), "transition", "awaiting_approval"),
        (at(1404, 2, 24, 10), "transition", "approved"),
        (at(1404, 2, 24, 11), "transition", "certificate_issued"),
    ])
    Application.objects.create(case=b, open_cases_at_submission=30, experts_at_submission=2)  # 15.0 per expert
    notice = DeficiencyNotice.objects.create(case=b, round=1, issued_by=expert, issued_at=at(1404, 2, 9, 12))
    DeficiencyItem.objects.bulk_create([
        DeficiencyItem(notice=notice, order=1, text="کارت ملی ناخوانا است", guidance="تصویر رنگی بارگذاری شود"),
        DeficiencyItem(notice=notice, order=2, text="اظهارنامه ۱۴۰۲ نیست", guidance="اظهارنامه را بارگذاری کنید"),
        DeficiencyItem(notice=notice, order=3, text="قرارداد ناقص است", guidance=""),
    ])
    referral(b, expert, "pending")
    # C — submitted Saturday 5 Mehr, issued Saturday 24 Aban: seven weeks of five working days (no holiday).
    c = make_case(applicant, issued_flow(at(1404, 7, 5, 9), at(1404, 8, 24, 12)), data=CONTRACTOR_3)
    referral(c, expert, "failed")
    # D — issued 20 Esfand 1403: before the period.
    make_case(applicant, issued_flow(at(1403, 12, 1), at(1403, 12, 20)))
    # E — another province's case.
    make_case(applicant, issued_flow(at(1404, 3, 1), at(1404, 3, 10)), province=Province.objects.get(code="isfahan"))
    # F — submitted in 1404 for grade 1: the PBO's, not the province's (the data changed after submission).
    f = make_case(applicant, [(at(1404, 5, 4), "submitted", "under_review")],
                  data={"kind": "contractor", "contractor_type": 1, "fields": [{"field": "building", "grade": 1}]})
    # Fees: B paid the 1404 amount for grade 4 (right); C paid grade 4's amount for a grade-3 request (wrong);
    # F's grade 1 has no 1404 amount (cannot be checked).
    invoice(b, total=5_000_000, row=fee_table_1404[4], on=at(1404, 2, 5))
    invoice(c, total=5_000_000, row=fee_table_1404[4], on=at(1404, 7, 4))
    invoice(f, total=10_500_000, on=at(1404, 5, 3))
    # Inquiries: two electronic answers (30 and 90 minutes), one sampled written inquiry, overdue.
    registry = InquirySource.objects.get(code="civil_registry")
    issuer = InquirySource.objects.get(code="document_issuer")
    for case, sent, minutes in ((b, at(1404, 2, 6, 9), 30), (c, at(1404, 7, 5, 10), 90)):
        made = Inquiry.objects.create(case=case, source=registry, automatic=True, status="answered")
        Inquiry.objects.filter(pk=made.pk).update(created_at=sent, sent_at=sent,
                                                  answered_at=sent + dt.timedelta(minutes=minutes))
    made = Inquiry.objects.create(case=c, source=issuer, sampled=True, status="letter_sent", due_at=at(1404, 7, 12))
    Inquiry.objects.filter(pk=made.pk).update(created_at=at(1404, 7, 5, 10), sent_at=at(1404, 7, 5, 10))
    return {"a": a, "b": b, "c": c, "f": f}


def test_issuance_days_three_ways_with_nowruz_and_a_deficiency_pause(scenario):
    result = report.service_report(province_id=scenario["a"].province_id, period=YEAR_1404, now=at(1404, 9, 1))
    by_case = {c.case_id: c for c in result.cases}
    a, b, c = (by_case[scenario[k].pk] for k in "abc")
    assert result.issued == 3 and result.targets == [25]
    assert (a.clock, a.from_first, a.from_final) == (5, 5, 5)
    assert (b.clock, b.from_first, b.from_final) == (7, 14, 4)
    assert (c.clock, c.from_first, c.from_final) == (35, 35, 35)
    # The report's clock is the engine's: what the case page shows once the clock has stopped.
    for key in "abc":
        assert by_case[scenario[key].pk].clock == sla_view(scenario[key], now=at(1405, 1, 1)).used


def test_distribution_bins_shares_median_and_90th_percentile(scenario):
    result = report.service_report(province_id=scenario["a"].province_id, period=YEAR_1404, now=at(1404, 9, 1))
    assert [b.count for b in result.clock.bins] == [1, 1, 0, 0, 0, 0, 1]
    assert [b.count for b in result.from_first.bins] == [1, 0, 1, 0, 0, 0, 1]
    assert [b.count for b in result.from_final.bins] == [2, 0, 0, 0, 0, 0, 1]
    clock = result.clock
    assert (clock.within_lower, clock.within_lower_share,
            clock.within_target, clock.within_target_share) == (2, 66.7, 2, 66.7)
    assert (clock.median, clock.p90, clock.mean, clock.maximum) == (7, 35, 15.7, 35)
    assert result.from_final.median == 5 and result.from_first.median == 14


def test_workload_deficiencies_and_referral(scenario):
    result = report.service_report(province_id=scenario["a"].province_id, period=YEAR_1404, now=at(1404, 9, 1))
    workload = [(w.low, w.high, w.cases, w.mean_days) for w in result.workload]
    assert workload == [(0, 5, 1, 5.0), (5, 10, 0, None), (10, 20, 1, 7.0), (20, 40, 0, None), (40, None, 0, None),
                        (None, None, 1, 35.0)]
    d = result.deficiencies
    assert d.rounds == [(0, 2, 66.7), (1, 1, 33.3)]
    assert (d.items, d.items_guided, d.items_guided_share) == (3, 2, 66.7)
    assert (d.notices, d.notices_fully_guided) == (1, 0)
    r = result.referrals
    assert (r.pending, r.failed, r.missing) == (1, 1, 0)
    assert dict((code, n) for code, _label, n in r.by_status) == {"pending": 1, "sent": 0, "acknowledged": 1,
                                                                  "failed": 1}
    assert (r.referred, r.referred_median, r.registered, r.registered_median) == (1, 1, 1, 5)


def test_inquiries_fees_and_jurisdiction(scenario):
    result = report.service_report(province_id=scenario["a"].province_id, period=YEAR_1404, now=at(1404, 9, 1))
    rows = {r.source.code: r for r in result.inquiries.rows}
    registry, issuer = rows["civil_registry"], rows["document_issuer"]
    assert (registry.asked, registry.answered, registry.average_hours, registry.sampled) == (2, 2, 1.0, 0)
    assert (issuer.asked, issuer.answered, issuer.overdue, issuer.sampled_share) == (1, 0, 1, 100.0)
    assert (result.inquiries.asked, result.inquiries.sampled, result.inquiries.sampled_share) == (3, 1, 33.3)
    fees = result.fees
    assert (fees.paid, fees.correct, fees.incorrect, fees.unknown, fees.correct_share) == (3, 1, 1, 1, 33.3)
    wrong = next(p for p in fees.problems if p.expected is not None)
    assert (wrong.tracking_number, wrong.charged, wrong.expected) == (scenario["c"].tracking_number, 5_000_000,
                                                                      7_000_000)
    # B, C and F were first submitted in 1404 (A in 1403); F asks for grade 1, which the PBO handles.
    j = result.jurisdiction
    assert (j.submitted, j.inside, j.inside_share) == (3, 2, 66.7)
    assert [(o.tracking_number, o.authority) for o in j.outside] == [(scenario["f"].tracking_number, "pbo")]


def test_the_fee_check_reads_the_table_as_invoices_are_priced(fee_table_1404):
    service = Service.objects.get(code="contractor_qualification")
    table = report.FeeTable(service.pk)
    for on in (dt.date(2020, 6, 1), jalali.from_jalali(1404, 3, 1)):
        for item in ("contractor_grade_3", "contractor_grade_4"):
            assert table.amount(item, on) == fee_schedule_in_force(service=service, item_code=item, on=on).amount_rials
    assert table.amount("contractor_grade_4", dt.date(2022, 1, 1)) is None
    # An invoice priced for another day (invoice_for_case(on=…)) is checked against the table of that day.
    row_1399 = FeeSchedule.objects.get(item_code="contractor_grade_4", budget_year=1399)
    assert table.priced_on(at(1404, 3, 1), [{"schedule_id": row_1399.pk}]) == row_1399.valid_from


def test_queries_do_not_grow_with_the_cases(scenario, applicant):
    province_id = scenario["a"].province_id
    with CaptureQueriesContext(connection) as few:
        report.service_report(province_id=province_id, period=YEAR_1404, now=at(1404, 9, 1))
    for day in (3, 4, 5, 6):
        make_case(applicant, issued_flow(at(1404, 9, day), at(1404, 9, day + 10)))
    with CaptureQueriesContext(connection) as more:
        result = report.service_report(province_id=province_id, period=YEAR_1404, now=at(1404, 9, 1))
    assert result.issued == 7
    assert len(more.captured_queries) == len(few.captured_queries)


def test_the_period_bounds_are_tehran_days(scenario):
    issued_on = jalali.from_jalali(1404, 1, 16)  # A
    only_a = report.service_report(province_id=scenario["a"].province_id, period=report.Period(issued_on, issued_on))
    assert [c.case_id for c in only_a.cases] == [scenario["a"].pk]
    before = report.service_report(province_id=scenario["a"].province_id,
                                   period=report.Period(YEAR_1404.first, issued_on - dt.timedelta(days=1)))
    assert before.issued == 0 and before.clock.median is None and before.clock.within_target_share is None


# -- pure parts --------------------------------------------------------------------------------------

def test_histogram_bins_and_nearest_rank_percentile():
    assert [b.count for b in report.histogram([0, 5, 6, 10, 11, 25, 26, 30, 31, 90])] == [2, 2, 1, 0, 1, 2, 2]
    assert report.percentile(list(range(1, 11)), 90) == 9
    assert report.percentile([4], 90) == 4 and report.percentile([], 90) is None
    assert [report.workload_band(v) for v in (None, 0, 4.9, 5, 19.9, 40, 400)] == [None, 0, 0, 1, 2, 4, 4]
    for open_cases, experts in ((12, 3), (31, 7), (5, 0), (None, 4), (9, None)):
        expected = Application(open_cases_at_submission=open_cases, experts_at_submission=experts).open_cases_per_expert
        assert report.per_expert(open_cases, experts) == expected


@pytest.mark.parametrize("rtl", [True, False])
def test_the_chart_reads_in_the_page_direction(rtl):
    bins = report.histogram([1, 2, 7, 40])
    chart = report.histogram_chart(bins, rtl=rtl)
    first, second = chart.bars[0], chart.bars[1]
    assert (first.x > second.x) is rtl
    assert first.height == 2 * second.height and chart.bars[2].height == 0
    assert [b.beyond_target for b in chart.bars] == [False] * 5 + [True] * 2
    # The dashed target line sits between 21–25 and 26–30.
    inside, beyond = chart.bars[4], chart.bars[5]
    assert min(inside.center, beyond.center) < chart.target_x < max(inside.center, beyond.center)
    assert all(0 <= b.x and b.x + b.width <= chart.width for b in chart.bars)


# -- the page --------------------------------------------------------------------------------------

@pytest.mark.parametrize("persona", ["unit_head", "expert", "head", "deputy"])
def test_the_province_staff_see_the_report(client, scenario, persona, request, tehran):
    user = (request.getfixturevalue(persona) if persona in ("unit_head", "expert")
            else make_staff(province=tehran, roles=[persona]))
    login(client, user)
    response = client.get(URL, {"date_from": "1404/01/01", "date_to": "1404/12/29"})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="img"' in html and "<title id=\"chart-title\">" in html and "<caption" in html
    assert 'scope="row"' in html and "۳۵" in html  # Persian digits through `fa`
    assert response.context["report"].issued == 3


def test_the_report_defaults_to_the_current_jalali_year(client, expert):
    login(client, expert)
    response = client.get(URL)
    assert response.status_code == 200
    period = report.default_period()
    assert response.context["report"].period == period
    assert f'value="{jalali.format_date(period.first)}"' in response.content.decode()  # ۱۴۰۵/۰۱/۰۱, Persian digits


@pytest.mark.parametrize("persona", ["applicant", "isfahan_expert", "finance"])
def test_others_get_not_found(client, persona, request, tehran):
    user = make_staff(province=tehran, roles=["finance"]) if persona == "finance" else request.getfixturevalue(persona)
    login(client, user)
    assert client.get(URL).status_code == 404
    assert client.get(URL + "export.xlsx").status_code == 404


def test_anonymous_people_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_bad_dates_are_explained_in_persian(client, expert):
    login(client, expert)
    response = client.get(URL, {"date_from": "1404/13/01", "date_to": "۱۴۰۴/۰۲/۳۱"})
    assert response.status_code == 200 and response.context["report"] is None
    assert "این تاریخ در تقویم شمسی وجود ندارد." in response.content.decode()
    assert response.context["form"].has_error("date_from", "nonexistent")
    reversed_ = client.get(URL, {"date_from": "1404/06/01", "date_to": "1404/01/01"})
    assert reversed_.status_code == 200 and reversed_.context["form"].has_error("__all__", "order")
    assert client.get(URL + "export.xlsx", {"date_from": "nonsense"}).status_code == 404


def test_the_excel_export_has_the_figures(client, scenario, expert):
    login(client, expert)
    response = client.get(URL + "export.xlsx", {"date_from": "1404/01/01", "date_to": "1404/12/29"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    summary, distribution = book.worksheets[0], book.worksheets[2]
    assert summary.sheet_view.rightToLeft
    assert [row[1] for row in distribution.iter_rows(min_row=2, values_only=True)] == [1, 1, 0, 0, 0, 0, 1]
    for sheet in book.worksheets:  # the project's one Excel helper: bold frozen filtered header, right to left
        assert sheet.sheet_view.rightToLeft and sheet.freeze_panes == "A2" and sheet.auto_filter.ref
        assert all(cell.font.bold for cell in sheet[1])
    assert {row[0].number_format for row in book.worksheets[1].iter_rows(min_row=2, min_col=6, max_col=7)} == {"0.0%"}




def test_the_report_page_shows_every_number_in_persian(client, scenario, expert):
    """Shares and means were printed «۲۰.۲»: every text node of the page has Persian digits, «٫» and
    «٬», and no scientific notation."""
    login(client, expert)
    html = client.get(URL, {"date_from": "1404/01/01", "date_to": "1404/12/29"}).content.decode()
    assert persian_number_problems(html) == []
    assert "٫" in html  # a decimal share or mean is shown with the Persian decimal separator


def test_the_report_counts_and_lists_the_grants_that_depart_from_the_scores(client, scenario, expert):
    building = ContractingField.objects.get(code="building")
    for case, supported, granted, departure, reason in (
            (scenario["a"], 5, 4, "above", "سوابق اجرایی ملی تأیید شد"), (scenario["b"], 4, 4, "", ""),
            (scenario["c"], 3, 4, "below", "قرارداد جاری ناتمام است")):
        GradeGrant.objects.create(case=case, field=building, requested_grade=3 if case == scenario["c"] else 4,
                                  granted_grade=granted, supported_grade=supported, scoring_departure=departure,
                                  reason=reason, decided_by=expert, decided_at=at(1404, 9, 1))
    result = report.service_report(province_id=scenario["a"].province_id, period=YEAR_1404, now=at(1404, 9, 1))
    d = result.departures
    assert (d.grants, d.above, d.below) == (3, 1, 1) and round(d.share) == 67
    assert {(r.tracking_number, r.direction, r.reason) for r in d.rows} == {
        (scenario["a"].tracking_number, "above", "سوابق اجرایی ملی تأیید شد"),
        (scenario["c"].tracking_number, "below", "قرارداد جاری ناتمام است")}
    login(client, expert)
    html = client.get(URL, {"date_from": "1404/01/01", "date_to": "1404/12/29"}).content.decode()
    assert "سوابق اجرایی ملی تأیید شد" in html and "قرارداد جاری ناتمام است" in html
    workbook = client.get(reverse("cq-report:export"), {"date_from": "1404/01/01", "date_to": "1404/12/29"})
    assert workbook.status_code == 200


REPORT_PAGE_BUDGET = 20  # queries of the report page (issue 19: a budget per page, flat in the cases)


def test_the_report_page_is_within_its_query_budget_and_flat(client, scenario, applicant, expert):
    login(client, expert)
    url = f"{URL}?date_from=1404/01/01&date_to=1404/12/29"

    def more():
        for day in (3, 4, 5, 6):
            make_case(applicant, issued_flow(at(1404, 9, day), at(1404, 9, day + 10)))
    assert_query_budget(client, url, REPORT_PAGE_BUDGET, more=more)
