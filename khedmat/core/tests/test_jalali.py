import datetime as dt

import pytest

from khedmat.core import jalali


@pytest.mark.parametrize(
    "gregorian, jalali_iso",
    [
        (dt.date(2025, 3, 21), "1404-01-01"),  # Nowruz 1404
        (dt.date(2026, 3, 21), "1405-01-01"),  # Nowruz 1405
        (dt.date(2020, 3, 20), "1399-01-01"),
        (dt.date(2018, 11, 20), "1397-08-29"),  # circular 464185
        (dt.date(2003, 3, 2), "1381-12-11"),  # regulation 48013
        (dt.date(2025, 3, 20), "1403-12-30"),  # 1403 is a leap year
    ],
)
def test_conversion_both_ways(gregorian, jalali_iso):
    assert jalali.jalali_iso(gregorian) == jalali_iso
    year, month, day = (int(p) for p in jalali_iso.split("-"))
    assert jalali.from_jalali(year, month, day) == gregorian


def test_esfand_30_exists_only_in_leap_years():
    assert jalali.from_jalali(1403, 12, 30) == dt.date(2025, 3, 20)
    with pytest.raises(jalali.InvalidJalaliDate):
        jalali.from_jalali(1404, 12, 30)


@pytest.mark.parametrize(
    "raw", ["1404/01/15", "۱۴۰۴/۰۱/۱۵", "١٤٠٤-١-١٥", "1404.1.15", " 1404 / 1 / 15 "],
)
def test_parse_accepts_any_digits_and_separators(raw):
    assert jalali.parse_jalali_date(raw) == dt.date(2025, 4, 4)


def test_two_digit_years_are_13xx_as_in_official_letters():
    assert jalali.parse_jalali_date("۹۷/۸/۲۹") == dt.date(2018, 11, 20)


@pytest.mark.parametrize("raw", ["", "1404", "1404/13/01", "1404/07/31", "2025-03-21", "abc"])
def test_parse_rejects_bad_dates(raw):
    with pytest.raises(jalali.InvalidJalaliDate):
        jalali.parse_jalali_date(raw)


def test_format_in_persian_digits_and_names():
    day = dt.date(2025, 3, 21)
    assert jalali.format_date(day) == "۱۴۰۴/۰۱/۰۱"
    assert jalali.format_date(day, "long") == "۱ فروردین ۱۴۰۴"
    assert jalali.format_date(day, "full") == "جمعه ۱ فروردین ۱۴۰۴"


def test_instants_are_shown_in_tehran_time():
    # 21:00 UTC on 20 March 2025 is 00:30 on 1 Farvardin 1404 in Tehran.
    instant = dt.datetime(2025, 3, 20, 21, 0, tzinfo=dt.timezone.utc)
    assert jalali.format_datetime(instant) == "۱۴۰۴/۰۱/۰۱ ۰۰:۳۰"
    assert jalali.local_date(instant) == dt.date(2025, 3, 21)


def test_year_bounds():
    assert jalali.jalali_year_bounds(1404) == (dt.date(2025, 3, 21), dt.date(2026, 3, 20))


@pytest.mark.parametrize(("start", "months", "expected"), [
    ((1404, 1, 15), 24, (1406, 1, 15)),     # a licence valid for two years ends on the same Jalali day
    ((1404, 6, 31), 1, (1404, 7, 30)),      # Mehr has 30 days: the last day of the shorter month
    ((1403, 11, 30), 1, (1403, 12, 30)),    # 1403 is a leap year: Esfand has 30 days
    ((1404, 11, 30), 1, (1404, 12, 29)),    # 1404 is not: the 29th
    ((1404, 10, 10), 3, (1405, 1, 10)),     # across the year end
])
def test_add_months_keeps_the_jalali_day(start, months, expected):
    assert jalali.add_months(jalali.from_jalali(*start), months) == jalali.from_jalali(*expected)
