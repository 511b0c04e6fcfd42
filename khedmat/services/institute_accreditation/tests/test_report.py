"""The service report of service 2 (SERVICES.md §3.9): exact working-day figures from chosen events, and who
may see it.

The cases are stored as the engine leaves them: events with chosen instants, then `sla_refresh` rebuilds the
stored SLA columns from those events. Tehran's calendar is the reference data: Thursday and Friday off; Mehr
and Aban 1404 have no holiday (1 Mehr is a Tuesday; 1–2 Aban are a Thursday and a Friday). A working-day count
never includes the day the interval starts (docs/working-days.md).
"""
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from khedmat.appointments.models import Appointment
from khedmat.cases.selectors import sla_view
from khedmat.core import jalali
from khedmat.core.models import Province
from khedmat.payments.models import Invoice
from khedmat.services.institute_accreditation import report
from khedmat.services.institute_accreditation.models import ScopeViolation, SupervisionRecord
from khedmat.testing import assert_query_budget, login, make_staff, make_user
from khedmat.testing_fixtures.institute_accreditation import at, case_with_events, make_institute

pytestmark = pytest.mark.django_db

YEAR_1404 = report.default_period(today=jalali.from_jalali(1404, 6, 1))
URL = "/staff/accreditation/report/"
PERIOD_1404 = {"date_from": "1404/01/01", "date_to": "1404/12/29"}


def _licensed_flow(year, month, day):
    """A whole flow within a few days, ending delivered (for licences held before the period)."""
    states = ["filed", "document_review", "visit_scheduled", "visited", "ceo_checks_pending", "awaiting_committee",
              "committee_approved", "licence_issued", "active"]
    return [(at(year, month, day, 8 + i), state) for i, state in enumerate(states)]


@pytest.fixture
def scenario(tehran, expert):
    """A: delivered in Aban 1404, over the target. B: returned once, one deficiency round, delivered within the
    target. C: returned by the committee, then rejected. D: returned as incomplete, waiting. E: delivered in 1403,
    supervised in 1404. G: revoked in 1403 (not a licence of 1404). H: delivered in 1403, expired in 1404.
    I: Isfahan's (another province)."""
    institute = make_institute(province=tehran)
    # A — intake 5→7 Mehr (2 working days), visit 9→14 (3), CEO 15→26 (7, the institute's), committee 26→30 (4),
    # issue 30 Mehr→5 Aban (3), delivery 5→7 Aban (2). Clock: 5→15 Mehr (8) + 26 Mehr→7 Aban (9) = 17.
    a = case_with_events(organization=institute, events=[
        (at(1404, 7, 5, 9), "filed"), (at(1404, 7, 7), "document_review"), (at(1404, 7, 9), "visit_scheduled"),
        (at(1404, 7, 14), "visited"), (at(1404, 7, 15), "ceo_checks_pending"), (at(1404, 7, 26), "awaiting_committee"),
        (at(1404, 7, 30), "committee_approved"), (at(1404, 8, 5), "licence_issued"), (at(1404, 8, 7), "active")])
    # B — returned 6 Mehr, re-filed 12, registered 13 (intake 1), notice 14 (1), resubmitted 19, visit 20→21 (1),
    # CEO 21→22 (1), committee 22→23 (1), issue 23→26 (1), delivery 26→27 (1). Clock 1 + 2 + 2 + 3 = 8.
    b = case_with_events(organization=institute, events=[
        (at(1404, 7, 5, 9), "filed"), (at(1404, 7, 6), "returned_incomplete"), (at(1404, 7, 12), "filed"),
        (at(1404, 7, 13), "document_review"), (at(1404, 7, 14), "deficiencies_notified"),
        (at(1404, 7, 19), "document_review"), (at(1404, 7, 20), "visit_scheduled"), (at(1404, 7, 21), "visited"),
        (at(1404, 7, 21, 14), "ceo_checks_pending"), (at(1404, 7, 22), "awaiting_committee"),
        (at(1404, 7, 23), "committee_approved"), (at(1404, 7, 26), "licence_issued"), (at(1404, 7, 27), "active")])
    # C — intake 1→2 Mehr (1), visit 5→7 (2), CEO 8→9 (1), committee 9→13 returns it (2), second visit 20→21 (1),
    # CEO 22→26 (2), committee 26→28 rejects (2).
    c = case_with_events(organization=institute, events=[
        (at(1404, 7, 1, 9), "filed"), (at(1404, 7, 2), "document_review"), (at(1404, 7, 5), "visit_scheduled"),
        (at(1404, 7, 7), "visited"), (at(1404, 7, 8), "ceo_checks_pending"), (at(1404, 7, 9), "awaiting_committee"),
        (at(1404, 7, 13), "deficiencies_notified"), (at(1404, 7, 19), "document_review"),
        (at(1404, 7, 20), "visit_scheduled"), (at(1404, 7, 21), "visited"), (at(1404, 7, 22), "ceo_checks_pending"),
        (at(1404, 7, 26), "awaiting_committee"), (at(1404, 7, 28), "rejected")])
    d = case_with_events(organization=institute,
                         events=[(at(1404, 8, 3), "filed"), (at(1404, 8, 4), "returned_incomplete")])
    e = case_with_events(organization=institute, events=_licensed_flow(1403, 9, 4))
    g = case_with_events(organization=institute, events=[*_licensed_flow(1403, 9, 5), (at(1403, 11, 10), "revoked")])
    h = case_with_events(organization=institute, events=[*_licensed_flow(1403, 9, 6), (at(1404, 2, 10), "expired")])
    i = case_with_events(organization=make_institute(province=tehran, name="موسسه اصفهان"),
                         events=_licensed_flow(1404, 7, 5), province=Province.objects.get(code="isfahan"))
    # Supervision in 1404: A one finding; E a held visit with the finding written from it (counted once) and a
    # warning. Not counted: E's finding of 1403, G's finding (its licence ended in 1403), an act on H's licence.
    SupervisionRecord.objects.create(case=a, kind="finding", text="بازدید نظارتی", recorded_at=at(1404, 8, 20))
    visit = Appointment.objects.create(case=e, kind="supervision_visit", starts_at=at(1404, 5, 10), state="held",
                                       ends_at=at(1404, 5, 10, 12), created_by=expert)
    SupervisionRecord.objects.create(case=e, kind="finding", text="یافته بازدید", appointment=visit,
                                     recorded_at=at(1404, 5, 10, 13))
    SupervisionRecord.objects.create(case=e, kind="warning", text="تذکر", recorded_at=at(1404, 6, 1))
    SupervisionRecord.objects.create(case=e, kind="finding", text="سال قبل", recorded_at=at(1403, 12, 1))
    SupervisionRecord.objects.create(case=g, kind="finding", text="پس از ابطال", recorded_at=at(1404, 3, 1))
    SupervisionRecord.objects.create(case=h, kind="expiry", text="پایان اعتبار", recorded_at=at(1404, 2, 10))
    # Violations in 1404: A outside its domains; E outside the province and another breach; E's of 1403 is not.
    for case, kind, day in ((a, "outside_domain", jalali.from_jalali(1404, 8, 25)),
                            (e, "outside_province", jalali.from_jalali(1404, 3, 1)),
                            (e, "other", jalali.from_jalali(1404, 4, 1)),
                            (e, "other", jalali.from_jalali(1403, 12, 20))):
        ScopeViolation.objects.create(case=case, kind=kind, description="تخلف", occurred_on=day)
    return {"a": a, "b": b, "c": c, "d": d, "e": e, "g": g, "h": h, "i": i}


def _report(scenario, period=YEAR_1404):
    return report.service_report(province_id=scenario["a"].province_id, period=period, now=at(1405, 1, 15))


def test_each_step_is_timed_in_working_days_and_counted_in_the_period_it_ends(scenario):
    result = _report(scenario)
    figures = {m.code: m.summary for m in result.metrics}
    assert figures["intake"] == report.Summary(3, 1, 2, 1.3, 2)  # A 2, B 1, C 1
    assert figures["notice"] == report.Summary(1, 1, 1, 1.0, 1)  # B; C's return came from the committee
    assert figures["visit"] == report.Summary(4, 1.5, 3, 1.8, 3)  # A 3, B 1, C 2 and 1
    assert figures["ceo"] == report.Summary(4, 1.5, 7, 2.8, 7)  # A 7, B 1, C 1 and 2
    assert figures["committee"] == report.Summary(4, 2, 4, 2.2, 4)  # A 4, B 1, C 2 (return) and 2 (rejection)
    assert figures["to_issue"] == report.Summary(2, 2, 3, 2.0, 3)  # A 3, B 1
    assert figures["to_delivery"] == report.Summary(2, 1.5, 2, 1.5, 2)  # A 2, B 1
    assert figures["decision_to_delivery"] == report.Summary(2, 3.5, 5, 3.5, 5)  # A 5, B 2
    assert result.metric("ceo").applicant_time and not result.metric("committee").applicant_time
    # Initial reviews: A, B (twice: returned, then registered), C, D (returned): 2 of 5.
    assert (result.intake.reviews, result.intake.returned, result.intake.returned_share) == (5, 2, 40.0)


def test_end_to_end_is_the_sla_clock_against_the_statements_target(scenario):
    result = _report(scenario)
    e = result.end_to_end
    assert (e.delivered, e.within_target, e.within_target_share, e.target) == (2, 1, 50.0, 10)
    assert (e.summary.median, e.summary.maximum) == (12.5, 17)
    assert [b.count for b in e.bins] == [0, 0, 1, 0, 1, 0, 0]
    assert [(o.tracking_number, o.days, o.target) for o in e.over] == [(scenario["a"].tracking_number, 17, 10)]
    # The report's clock is the engine's: what the case page shows once the clock has stopped.
    for key, days in (("a", 17), ("b", 8)):
        assert sla_view(scenario[key], now=at(1405, 1, 1)).used == days
    # The target of 10 working days is an assumption (A9), not the seed's: the page must say so.
    assert e.target_assumed and e.commitment_title


def test_deficiency_rounds_of_the_cases_closed_in_the_period(scenario):
    rounds = _report(scenario).rounds
    # Closed in 1404: A (delivered, no notice), B (delivered, one), C (rejected, one: the committee's return).
    assert (rounds.cases, rounds.notices, rounds.mean) == (3, 2, 0.67)
    assert rounds.rows == [(0, 1, 33.3), (1, 2, 66.7)]


def test_supervision_and_compliance_per_licence_in_force_in_the_period(scenario):
    result = _report(scenario)
    s = result.supervision
    # Licences of 1404: A and B (delivered in it), E (held since 1403), H (expired in it); not G, not Isfahan's.
    assert (s.licences, s.events, s.visits, s.records, s.per_licence) == (4, 3, 1, 2, 0.75)
    assert (s.covered, s.covered_share) == (2, 50.0)
    assert sorted(c.tracking_number for c in s.unsupervised) == sorted([scenario["b"].tracking_number,
                                                                        scenario["h"].tracking_number])
    c = result.compliance
    assert (c.licences, c.violations, c.per_licence, c.licences_with) == (4, 3, 0.75, 2)
    assert {code: n for code, _label, n in c.by_kind} == {"outside_domain": 1, "outside_province": 1, "other": 1}
    assert [(o.tracking_number, o.count) for o in c.offenders] == [(scenario["e"].tracking_number, 2),
                                                                  (scenario["a"].tracking_number, 1)]


def test_the_service_stays_free_unless_an_invoice_appears(scenario):
    assert (_report(scenario).free.invoices, _report(scenario).free.cases) == (0, 0)
    # Two fee items (one open invoice per case and item: invoice_one_open_per_case_item, docs/adr/0010).
    Invoice.objects.create(number="T-1", case=scenario["a"], lines=[], total_rials=1_000_000, created_at=at(1404, 8, 1),
                           items_key="fee_a")
    Invoice.objects.create(number="T-0", case=scenario["a"], lines=[], total_rials=1_000_000, created_at=at(1403, 8, 1),
                           items_key="fee_b")
    free = _report(scenario).free
    assert (free.invoices, free.cases) == (1, 1) and free.examples[0][0] == "T-1"


def test_the_period_bounds_are_tehran_days(scenario):
    delivered_on = jalali.from_jalali(1404, 8, 7)  # A
    only_a = _report(scenario, report.Period(delivered_on, delivered_on))
    assert only_a.end_to_end.delivered == 1
    assert only_a.end_to_end.over[0].tracking_number == scenario["a"].tracking_number
    before = _report(scenario, report.Period(YEAR_1404.first, jalali.from_jalali(1404, 7, 25)))
    assert before.end_to_end.delivered == 0 and before.end_to_end.within_target_share is None
    assert before.metric("to_issue").summary == report.Summary(0, None, None, None, None)


def test_queries_do_not_grow_with_the_cases(scenario, tehran):
    with CaptureQueriesContext(connection) as few:
        _report(scenario)
    institute = make_institute(province=tehran, name="موسسه دیگر")
    for day in (5, 6, 7, 8):
        case = case_with_events(organization=institute, events=_licensed_flow(1404, 9, day))
        SupervisionRecord.objects.create(case=case, kind="finding", text="نظارت", recorded_at=at(1404, 10, day))
    with CaptureQueriesContext(connection) as more:
        result = _report(scenario)
    assert result.end_to_end.delivered == 6 and result.supervision.licences == 8
    assert len(more.captured_queries) == len(few.captured_queries)


# -- pure parts --------------------------------------------------------------------------------------

def test_reading_a_history():
    t = [at(1404, 7, d) for d in range(1, 31)]
    history = report.read_history([
        (t[0], "draft", "filed"), (t[1], "filed", "returned_incomplete"), (t[4], "returned_incomplete", "filed"),
        (t[5], "filed", "document_review"), (t[6], "document_review", "deficiencies_notified"),
        (t[8], "deficiencies_notified", "document_review"), (t[9], "document_review", "deficiencies_notified"),
        (t[11], "deficiencies_notified", "document_review"), (t[12], "document_review", "rejected")])
    assert history.reviews == [(t[1], True), (t[5], False)]
    assert history.intervals == {"intake": [(t[4], t[5])], "notice": [(t[5], t[6])]}  # the first round only
    assert (history.notices, history.rejected_at, history.delivered_at) == (2, t[12], None)


def test_histogram_summary_and_chart():
    assert [b.count for b in report.histogram([0, 3, 4, 10, 11, 20, 21, 31, 90])] == [2, 1, 1, 1, 1, 1, 2]
    assert report.summarise([4, 1, 9, 2]) == report.Summary(4, 3.0, 9, 4.0, 9)
    assert report.percentile(list(range(1, 11)), 90) == 9
    for rtl in (True, False):
        chart = report.histogram_chart(report.histogram([1, 2, 5, 12]), rtl=rtl)
        assert (chart.bars[0].x > chart.bars[1].x) is rtl
        assert [b.beyond_target for b in chart.bars] == [False] * 3 + [True] * 4
        inside, beyond = chart.bars[2], chart.bars[3]  # 7–10 | 11–15: the target line between them
        assert min(inside.center, beyond.center) < chart.target_x < max(inside.center, beyond.center)


# -- the page --------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", ["unit_head", "head", "deputy"])
def test_the_heads_of_the_province_see_the_report(client, scenario, role, tehran):
    login(client, make_staff(province=tehran, roles=[role]))
    response = client.get(URL, PERIOD_1404)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="img"' in html and '<title id="chart-title">' in html and "<caption" in html and 'scope="row"' in html
    assert 'id="target-not-in-seed"' in html and 'id="free-met"' in html
    assert "این هدف زمانی را خود سازمان تعیین کرده و قابل تغییر است" in html  # the one wording (issue 17 point 13)
    assert "۱۷" in html  # Persian digits through `fa`
    assert response.context["report"].end_to_end.delivered == 2
    assert "format=xlsx" in html


def test_the_report_defaults_to_the_current_jalali_year(client, tehran):
    login(client, make_staff(province=tehran, roles=["unit_head"]))
    response = client.get(URL)
    assert response.status_code == 200
    period = report.default_period()
    assert response.context["report"].period == period
    assert f'value="{jalali.format_date(period.first)}"' in response.content.decode()


@pytest.mark.parametrize("persona", ["applicant", "institute_ceo", "expert", "isfahan_head", "finance"])
def test_others_get_not_found(client, persona, request, tehran, isfahan):
    if persona == "institute_ceo":
        user = make_institute(province=tehran).memberships.get().user
    elif persona == "isfahan_head":
        user = make_staff(province=isfahan, roles=["unit_head", "head"])
    elif persona == "finance":
        user = make_staff(province=tehran, roles=["finance"])
    else:
        user = request.getfixturevalue(persona)
    login(client, user)
    assert client.get(URL).status_code == 404
    assert client.get(URL, {**PERIOD_1404, "format": "xlsx"}).status_code == 404


def test_anonymous_people_are_sent_to_log_in(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_bad_dates_are_explained(client, tehran):
    login(client, make_staff(province=tehran, roles=["unit_head"]))
    response = client.get(URL, {"date_from": "1404/13/01", "date_to": "۱۴۰۴/۰۲/۳۱"})
    assert response.status_code == 200 and response.context["report"] is None
    assert response.context["form"].has_error("date_from",
                                              "nonexistent") and "error-summary" in response.content.decode()
    reversed_ = client.get(URL, {"date_from": "1404/06/01", "date_to": "1404/01/01"})
    assert reversed_.context["form"].has_error("__all__", "order")
    assert client.get(URL, {"date_from": "nonsense", "format": "xlsx"}).status_code == 404


def test_the_excel_export_has_the_figures(client, scenario, tehran):
    login(client, make_staff(province=tehran, roles=["unit_head"]))
    response = client.get(URL, {**PERIOD_1404, "format": "xlsx"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "accreditation-report-1404-01-01-1404-12-29.xlsx" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    summary, times, distribution = book.worksheets[0], book.worksheets[1], book.worksheets[2]
    assert summary.sheet_view.rightToLeft
    assert [row[1] for row in distribution.iter_rows(min_row=2, values_only=True)] == [0, 0, 1, 0, 1, 0, 0]
    rows = list(times.iter_rows(min_row=2, values_only=True))
    assert rows[0][2:] == (3, 1, 2, 1.3, 2) and rows[-1][2:] == (2, 12.5, 17, 12.5, 17)
    for sheet in book.worksheets:  # the project's one Excel helper: bold frozen filtered header, right to left
        assert sheet.sheet_view.rightToLeft and sheet.freeze_panes == "A2" and sheet.auto_filter.ref
        assert all(cell.font.bold for cell in sheet[1])
    share = distribution.cell(4, 3)
    assert share.number_format == "0.0%" and share.value == 0.5  # percent points shown as %


def test_an_applicant_cannot_reach_it_even_as_a_staff_of_another_role(client, tehran):
    user = make_user(province=tehran)  # a citizen of the province, no staff role
    login(client, user)
    assert client.get(URL).status_code == 404



REPORT_PAGE_BUDGET = 19  # queries of the report page (issue 19: a budget per page, flat in the cases)


def test_the_report_page_is_within_its_query_budget_and_flat(client, scenario, tehran):
    login(client, make_staff(province=tehran, roles=["unit_head"]))
    url = f"{URL}?date_from=1404/01/01&date_to=1404/12/29"
    institute = make_institute(province=tehran, name="موسسه دیگر")

    def more():
        for day in (5, 6, 7, 8):
            case = case_with_events(organization=institute, events=_licensed_flow(1404, 9, day))
            SupervisionRecord.objects.create(case=case, kind="finding", text="نظارت", recorded_at=at(1404, 10, day))
    assert_query_budget(client, url, REPORT_PAGE_BUDGET, more=more)
