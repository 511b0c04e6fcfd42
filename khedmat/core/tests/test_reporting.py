import datetime as dt

import pytest
from django.http import Http404
from django.template.loader import render_to_string

from khedmat.core import reporting
from khedmat.testing import make_staff


def test_a_period_holds_its_tehran_days_inclusive():
    period = reporting.Period(dt.date(2025, 3, 21), dt.date(2026, 3, 20))
    assert period.start.isoformat().startswith("2025-03-21T00:00:00+03:30")
    assert dt.datetime(2026, 3, 20, 23, 59, tzinfo=reporting.TEHRAN) in period
    assert dt.datetime(2026, 3, 21, 0, 0, tzinfo=reporting.TEHRAN) not in period


def test_the_default_period_is_the_jalali_year():
    period = reporting.default_period(dt.date(2025, 6, 1))  # 1404/03/11
    assert (period.first, period.last) == (dt.date(2025, 3, 21), dt.date(2026, 3, 20))


def test_shares_percentiles_and_bins():
    assert reporting.share(1, 3) == 33.3 and reporting.share(1, 0) is None
    assert reporting.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90) == 9 and reporting.percentile([], 50) is None
    bins = reporting.histogram([0, 3, 5, 6, 40], ((0, 5), (6, 10), (11, None)))
    assert [(b.count, b.share) for b in bins] == [(3, 60.0), (1, 20.0), (1, 20.0)]


def test_the_chart_reads_right_to_left_and_marks_the_target():
    bins = reporting.histogram([1, 2, 12], ((0, 5), (6, 10), (11, None)))
    chart = reporting.histogram_chart(bins, target=10)
    first, second, third = chart.bars
    assert first.x > second.x > third.x  # the first bin on the right
    assert not first.beyond_target and third.beyond_target and chart.target_x is not None
    assert [value for _y, _label, value in chart.ticks][-1] >= 2


@pytest.mark.django_db
def test_the_report_province_is_the_home_province_for_its_own_staff(tehran, isfahan):
    assert reporting.report_province(make_staff(province=tehran, roles=["unit_head"])) == tehran
    with pytest.raises(Http404):
        reporting.report_province(make_staff(province=isfahan, roles=["unit_head"]))


def test_the_deficiency_rounds_table_every_service_report_includes():
    html = render_to_string("includes/rounds_table.html", {"caption": "پرونده‌ها", "rows": [(0, 2, 66.7), (1, 1, 33.3)]})
    assert '<caption id="rounds-caption">پرونده‌ها</caption>' in html
    assert '<th scope="row">۰</th><td>۲</td><td>۶۶٫۷</td>' in html and '<th scope="row">۱</th><td>۱</td>' in html
    empty = render_to_string("includes/rounds_table.html", {"caption": "پرونده‌ها", "rows": []})
    assert '<td colspan="3">—</td>' in empty
