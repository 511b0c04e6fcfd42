"""The demo timeline every service's demo data dates its steps with (cases/demo.py)."""
import datetime as dt

import pytest
import time_machine

from khedmat.cases.demo import DemoTimeline
from khedmat.cases.models import Case, CaseEvent, DocumentVersion
from khedmat.core.jalali import TEHRAN

pytestmark = pytest.mark.django_db


def test_working_days_ago_skip_the_weekend_and_nowruz_on_the_province_calendar(tehran):
    with time_machine.travel(dt.datetime(2025, 3, 25, 10, tzinfo=TEHRAN), tick=False):  # Tuesday 1404-01-05
        timeline = DemoTimeline(tehran)
    assert timeline.day(0) == dt.date(2025, 3, 25)
    # Nowruz 1–4 (21–24 March), Thursday 30 Esfand (weekend), Wednesday 29 Esfand (oil nationalization day):
    assert timeline.day(1) == dt.date(2025, 3, 18)
    assert timeline.instant(1, 2) == dt.datetime(2025, 3, 18, 9, 40, tzinfo=TEHRAN)
    first = next(timeline.future_slots())
    assert first == dt.datetime(2025, 3, 26, 8, tzinfo=TEHRAN)


def test_redate_moves_what_the_step_wrote_engine_rows_and_the_service_own(submitted):
    since = submitted.created_at - dt.timedelta(seconds=1)
    when = dt.datetime(2025, 3, 19, 9, 40, tzinfo=TEHRAN)
    timeline = DemoTimeline(submitted.province, columns=[(CaseEvent, "case", ())])
    assert len(timeline.columns) == 4
    timeline.redate(submitted, since, when)
    case = Case.objects.get(pk=submitted.pk)
    assert (case.created_at, case.submitted_at) == (when, when)
    assert set(DocumentVersion.objects.filter(document__case=case).values_list("uploaded_at", flat=True)) == {when}
    assert set(CaseEvent.objects.filter(case=case).values_list("created_at", flat=True)) == {when}
