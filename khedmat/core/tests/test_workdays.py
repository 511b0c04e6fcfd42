import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from khedmat.core.jalali import TEHRAN
from khedmat.core.workdays import FRIDAY, THURSDAY, CalendarError, WeeklyOffRule, WorkCalendar

THU_FRI = WeeklyOffRule(start=dt.date(2000, 1, 1), end=None, days=frozenset({THURSDAY, FRIDAY}))
# Saturday 1404-01-16 … (2025-04-05 is a Saturday)
SAT = dt.date(2025, 4, 5)


def cal(**kwargs):
    return WorkCalendar(weekly_off=[THU_FRI], **kwargs)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TEHRAN)


def test_weekly_days_off():
    c = cal()
    assert [c.is_working_day(SAT + dt.timedelta(days=i)) for i in range(7)] == [True] * 5 + [False, False]


def test_without_rules_only_friday_is_off():
    c = WorkCalendar()
    assert c.is_working_day(SAT + dt.timedelta(days=5))  # Thursday
    assert not c.is_working_day(SAT + dt.timedelta(days=6))  # Friday


def test_later_rule_overrides_earlier_one_for_its_period():
    summer = WeeklyOffRule(start=dt.date(2025, 5, 10), end=dt.date(2025, 9, 22), days=frozenset({THURSDAY, FRIDAY}))
    base = WeeklyOffRule(start=dt.date(2000, 1, 1), end=None, days=frozenset({FRIDAY}))
    c = WorkCalendar(weekly_off=[base, summer])
    assert c.is_working_day(dt.date(2025, 4, 10))  # a Thursday before the energy-saving period
    assert not c.is_working_day(dt.date(2025, 6, 12))  # a Thursday inside it
    assert c.is_working_day(dt.date(2025, 9, 25))  # a Thursday after it


def test_the_start_day_never_counts():
    c = cal()
    assert c.add_working_days(at(SAT), 1) == SAT + dt.timedelta(days=1)
    assert c.count_working_days(at(SAT, 9), at(SAT, 17)) == 0
    assert c.count_working_days(at(SAT), at(SAT + dt.timedelta(days=1))) == 1


def test_a_wednesday_submission_counts_from_saturday():
    wednesday = SAT + dt.timedelta(days=4)
    assert cal().add_working_days(at(wednesday, 23), 1) == SAT + dt.timedelta(days=7)


def test_a_submission_on_a_friday_counts_from_saturday():
    friday = SAT + dt.timedelta(days=6)
    assert cal().add_working_days(at(friday), 1) == SAT + dt.timedelta(days=7)


def test_holidays_and_closures_are_skipped_with_reasons():
    c = cal(holidays={SAT + dt.timedelta(days=1): "تعطیل"}, closures={SAT + dt.timedelta(days=2): "آلودگی هوا"})
    assert c.add_working_days(at(SAT), 1) == SAT + dt.timedelta(days=3)
    kinds = [off.kind for off in c.days_off_between(SAT, SAT + dt.timedelta(days=6))]
    assert kinds == ["holiday", "closure", "weekly", "weekly"]


def test_deadline_is_the_end_of_the_last_working_day_in_tehran():
    c = cal()
    deadline = c.deadline(at(SAT), 2)
    assert deadline == dt.datetime(2025, 4, 8, 0, 0, tzinfo=TEHRAN)


def test_instants_are_read_as_tehran_dates():
    # 21:00 UTC on a Wednesday is already Thursday 00:30 in Tehran.
    wednesday_utc = dt.datetime(2025, 4, 9, 21, 0, tzinfo=dt.timezone.utc)
    assert cal().add_working_days(wednesday_utc, 1) == dt.date(2025, 4, 12)


def test_explanation_lists_skipped_days():
    c = cal(holidays={SAT + dt.timedelta(days=1): "تعطیل رسمی"})
    explanation = c.explain(at(SAT), 5)
    assert explanation.last_day == SAT + dt.timedelta(days=8)
    assert [off.kind for off in explanation.skipped] == ["holiday", "weekly", "weekly"]


def test_negative_days_are_refused():
    with pytest.raises(CalendarError):
        cal().add_working_days(SAT, -1)


def test_a_calendar_without_working_days_fails_loudly():
    closed = WorkCalendar(weekly_off=[WeeklyOffRule(start=dt.date(2000, 1, 1), end=None, days=frozenset(range(7)))])
    with pytest.raises(CalendarError):
        closed.add_working_days(SAT, 1)


# -- properties ------------------------------------------------------------------------------

days = st.dates(min_value=dt.date(2024, 3, 20), max_value=dt.date(2028, 3, 19))
holiday_sets = st.sets(days, max_size=40)


@settings(max_examples=150, deadline=None)
@given(start=days, n=st.integers(min_value=1, max_value=120), holidays=holiday_sets)
def test_counting_back_gives_n(start, n, holidays):
    c = cal(holidays={d: "h" for d in holidays})
    end = c.add_working_days(start, n)
    assert c.is_working_day(end)
    assert c.count_working_days(start, end) == n


@settings(max_examples=150, deadline=None)
@given(start=days, n=st.integers(min_value=1, max_value=120), holidays=holiday_sets)
def test_deadlines_are_monotonic_in_n(start, n, holidays):
    c = cal(holidays={d: "h" for d in holidays})
    assert c.add_working_days(start, n) < c.add_working_days(start, n + 1)


@settings(max_examples=150, deadline=None)
@given(a=days, b=days, c_=days, holidays=holiday_sets)
def test_counts_add_up_over_consecutive_intervals(a, b, c_, holidays):
    first, middle, last = sorted([a, b, c_])
    c = cal(holidays={d: "h" for d in holidays})
    assert c.count_working_days(first, middle) + c.count_working_days(middle, last) == c.count_working_days(first, last)


@settings(max_examples=100, deadline=None)
@given(start=days, n=st.integers(min_value=1, max_value=60), extra=days)
def test_adding_a_holiday_never_brings_a_deadline_earlier(start, n, extra):
    before = cal().add_working_days(start, n)
    after = cal(holidays={extra: "h"}).add_working_days(start, n)
    assert after >= before


@settings(max_examples=150, deadline=None)
@given(
    start=st.dates(min_value=dt.date(2014, 6, 1), max_value=dt.date(2046, 6, 1)),
    n=st.integers(min_value=1, max_value=300),
    holidays=st.sets(st.dates(min_value=dt.date(2014, 6, 1), max_value=dt.date(2047, 6, 1)), max_size=60),
)
def test_the_index_agrees_with_walking_day_by_day(start, n, holidays):
    """Inside and across the edges of the prefix-sum window, results equal the naive walk."""
    c = cal(holidays={d: "h" for d in holidays})
    walked = None
    for count, day in enumerate(c.working_days_after(start), start=1):
        if count == n:
            walked = day
            break
    assert c.add_working_days(start, n) == walked
    end = start + dt.timedelta(days=n * 2)
    naive = sum(1 for i in range(1, (end - start).days + 1) if c.is_working_day(start + dt.timedelta(days=i)))
    assert c.count_working_days(start, end) == naive


def test_previous_working_day_skips_the_weekend_and_holidays():
    saturday_holiday = cal(holidays={SAT: "تعطیل"})
    sunday = SAT + dt.timedelta(days=1)
    assert cal().previous_working_day(SAT) == SAT - dt.timedelta(days=3)  # Wednesday, before Thu–Fri
    assert saturday_holiday.previous_working_day(sunday) == SAT - dt.timedelta(days=3)
    assert cal().previous_working_day(sunday) == SAT


@given(st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 1, 1)))
@settings(max_examples=50, deadline=None)
def test_previous_working_day_is_the_inverse_of_next(day):
    calendar = cal()
    before = calendar.previous_working_day(day)
    assert calendar.is_working_day(before) and before < day
    assert calendar.next_working_day(before) >= day
