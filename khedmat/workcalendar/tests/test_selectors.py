"""Working-day arithmetic on the real Tehran calendar loaded from the reference data."""
import datetime as dt

import pytest

from khedmat.core.jalali import TEHRAN
from khedmat.core.models import Office
from khedmat.workcalendar.models import Closure, ClosureKind, Holiday, HolidayKind
from khedmat.workcalendar.selectors import OfficeCalendars, calendar_for
from khedmat.workcalendar.signals import calendar_changed

pytestmark = pytest.mark.django_db


def at(y, m, d, hour=10):
    return dt.datetime(y, m, d, hour, tzinfo=TEHRAN)


def test_tehran_week_is_saturday_to_wednesday(tehran):
    c = calendar_for(province=tehran)
    week = [dt.date(2025, 4, 26) + dt.timedelta(days=i) for i in range(7)]  # Sat 1404-02-06 …
    assert [c.is_working_day(d) for d in week] == [True, True, True, True, True, False, False]


def test_other_provinces_default_to_friday_only(isfahan):
    c = calendar_for(province=isfahan)
    assert c.is_working_day(dt.date(2025, 5, 1))  # a Thursday
    assert not c.is_working_day(dt.date(2025, 5, 2))  # a Friday


def test_around_nowruz_and_eid_al_fitr_1404(tehran):
    c = calendar_for(province=tehran)
    start = at(2025, 3, 18)  # Tuesday 1403-12-28
    # 29 and 30 Esfand, Nowruz 1–4 Farvardin and the weekend are skipped.
    assert c.add_working_days(start, 1) == dt.date(2025, 3, 25)
    assert c.add_working_days(start, 3) == dt.date(2025, 3, 29)
    # Eid al-Fitr (11–12 Farvardin 1404), Republic Day and Nature Day follow the weekend.
    assert c.add_working_days(start, 5) == dt.date(2025, 4, 5)
    assert c.count_working_days(start, at(2025, 4, 5)) == 5
    titles = {off.title for off in c.days_off_between(dt.date(2025, 3, 31), dt.date(2025, 4, 1))}
    assert any("فطر" in t for t in titles)


def test_around_tasua_and_ashura_1404(tehran):
    c = calendar_for(province=tehran)
    assert not c.is_working_day(dt.date(2025, 7, 5))  # Tasua, 1404-04-14, a Saturday
    assert not c.is_working_day(dt.date(2025, 7, 6))  # Ashura
    # A Wednesday submission: Thursday, Friday, Tasua and Ashura pass before the first working day.
    assert c.add_working_days(at(2025, 7, 2), 1) == dt.date(2025, 7, 7)


def test_eid_al_fitr_1405_falls_on_nowruz(tehran):
    c = calendar_for(province=tehran)
    nowruz = dt.date(2026, 3, 21)  # 1405-01-01
    assert "فطر" in c.day_off(nowruz).title and "نوروز" in c.day_off(nowruz).title
    start = at(2026, 3, 17)  # Tuesday 1404-12-26
    assert c.add_working_days(start, 1) == dt.date(2026, 3, 18)
    assert c.add_working_days(start, 2) == dt.date(2026, 3, 25)
    assert c.add_working_days(start, 7) == dt.date(2026, 4, 4)


def test_a_closure_takes_effect_immediately_and_only_where_it_applies(tehran, isfahan):
    sunday = dt.date(2026, 12, 13)
    assert calendar_for(province=tehran).is_working_day(sunday)
    Closure.objects.create(province=tehran, start_date=sunday, end_date=sunday, kind=ClosureKind.POLLUTION,
                           description="آلودگی هوا")
    tehran_calendar = calendar_for(province=tehran)
    assert tehran_calendar.day_off(sunday).kind == "closure"
    assert calendar_for(province=isfahan).is_working_day(sunday)


def test_an_office_closure_applies_to_that_office_only(tehran):
    monday = dt.date(2026, 12, 14)
    center = Office.objects.get(province=tehran, code="training-center")
    hq = Office.objects.get(province=tehran, code="hq")
    Closure.objects.create(province=tehran, office=center, start_date=monday, end_date=monday,
                           kind=ClosureKind.HEAT, description="قطع برق ساختمان")
    assert not calendar_for(province=tehran, office=center).is_working_day(monday)
    assert calendar_for(province=tehran, office=hq).is_working_day(monday)
    assert calendar_for(province=tehran).is_working_day(monday)


def test_an_added_or_moved_holiday_changes_the_calendar_at_once(tehran):
    day = dt.date(2026, 12, 15)
    assert calendar_for(province=tehran).is_working_day(day)
    holiday = Holiday.objects.create(date=day, title="تعطیل آزمایشی", kind=HolidayKind.LUNAR)
    assert not calendar_for(province=tehran).is_working_day(day)
    holiday.date = day + dt.timedelta(days=1)
    holiday.save()
    assert calendar_for(province=tehran).is_working_day(day)
    assert not calendar_for(province=tehran).is_working_day(day + dt.timedelta(days=1))


def test_calendar_changes_are_announced_to_other_apps(tehran):
    received = []

    def listener(sender, **kwargs):
        received.append(kwargs)

    calendar_changed.connect(listener)
    try:
        Closure.objects.create(province=tehran, start_date=dt.date(2026, 12, 20), end_date=dt.date(2026, 12, 21),
                               kind=ClosureKind.ENERGY, description="صرفه‌جویی انرژی")
    finally:
        calendar_changed.disconnect(listener)
    assert received == [{"signal": calendar_changed, "province_id": tehran.pk,
                         "first_date": dt.date(2026, 12, 20), "last_date": dt.date(2026, 12, 21)}]


def test_office_calendars_compile_each_office_once_per_report(tehran, django_assert_num_queries):
    """The reports of every service share this cache: one calendar per office, then no more queries."""
    monday = dt.date(2026, 12, 14)
    center = Office.objects.get(province=tehran, code="training-center")
    Closure.objects.create(province=tehran, office=center, start_date=monday, end_date=monday,
                           kind=ClosureKind.HEAT, description="قطع برق ساختمان")
    calendars = OfficeCalendars(tehran.pk)
    assert not calendars(center.pk).is_working_day(monday)
    assert calendars(None).is_working_day(monday)
    with django_assert_num_queries(0):
        assert calendars(center.pk) is calendars(center.pk)
        assert not calendars(center.pk).is_working_day(monday)
