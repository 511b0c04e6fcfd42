"""Jalali (Solar Hijri) conversion, parsing and formatting. Framework-free.

Instants are stored as aware UTC datetimes and dates as Gregorian `date`s; Jalali exists only at
the display and input edges. Office dates are Asia/Tehran dates.
"""
import datetime as dt
import re
from zoneinfo import ZoneInfo

import jdatetime

from khedmat.core.text import to_ascii_digits, to_persian_digits

TEHRAN = ZoneInfo("Asia/Tehran")

MONTHS = (
    "فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور",
    "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند",
)
# Python weekday(): Monday=0 … Sunday=6.
WEEKDAYS = ("دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه", "شنبه", "یکشنبه")


class InvalidJalaliDate(ValueError):
    pass


def to_jalali(value: dt.date) -> jdatetime.date:
    if isinstance(value, dt.datetime):
        value = value.date()
    return jdatetime.date.fromgregorian(date=value)


def from_jalali(year: int, month: int, day: int) -> dt.date:
    """Return the Gregorian date of a Jalali date; raise InvalidJalaliDate if it does not exist."""
    try:
        return jdatetime.date(year, month, day).togregorian()
    except ValueError as exc:
        raise InvalidJalaliDate(str(exc)) from exc


_DATE_RE = re.compile(r"^\s*(\d{2,4})\s*[/\-.]\s*(\d{1,2})\s*[/\-.]\s*(\d{1,2})\s*$")


def parse_jalali_date(raw: str) -> dt.date:
    """Parse 'YYYY/MM/DD' (also '-' or '.', any digits) as a Jalali date; return the Gregorian date.

    Two-digit years are read as 13YY, the way official letters write them (۹۷/۸/۲۹ = 1397-08-29).
    """
    match = _DATE_RE.match(to_ascii_digits(raw or ""))
    if not match:
        raise InvalidJalaliDate("format")
    year, month, day = (int(part) for part in match.groups())
    if year < 100:
        year += 1300
    if not (1200 <= year <= 1600):
        raise InvalidJalaliDate("year")
    return from_jalali(year, month, day)


def jalali_iso(value: dt.date) -> str:
    """'1404-01-15' with ASCII digits (for data files and machine output)."""
    j = to_jalali(value)
    return f"{j.year:04d}-{j.month:02d}-{j.day:02d}"


def format_date(value: dt.date | dt.datetime | None, style: str = "short") -> str:
    """Format a date in Jalali with Persian digits.

    style 'short' → ۱۴۰۴/۰۱/۱۵; 'long' → ۱۵ فروردین ۱۴۰۴; 'full' → شنبه ۱۵ فروردین ۱۴۰۴.
    Datetimes are converted to Tehran time first.
    """
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = local_date(value)
    j = to_jalali(value)
    if style == "short":
        text = f"{j.year:04d}/{j.month:02d}/{j.day:02d}"
    elif style == "long":
        text = f"{j.day} {MONTHS[j.month - 1]} {j.year}"
    elif style == "full":
        text = f"{WEEKDAYS[value.weekday()]} {j.day} {MONTHS[j.month - 1]} {j.year}"
    else:
        raise ValueError(f"unknown style {style!r}")
    return to_persian_digits(text)


def format_datetime(value: dt.datetime | None, style: str = "short") -> str:
    """Format an instant as Tehran-local Jalali date and time, Persian digits: ۱۴۰۴/۰۱/۱۵ ۱۰:۳۰."""
    if value is None:
        return ""
    local = value.astimezone(TEHRAN) if value.tzinfo else value
    return f"{format_date(local.date(), style)} {to_persian_digits(local.strftime('%H:%M'))}"


def local_date(instant: dt.datetime) -> dt.date:
    """The Tehran calendar date of an instant (naive datetimes are taken as Tehran time)."""
    if instant.tzinfo is None:
        return instant.date()
    return instant.astimezone(TEHRAN).date()


def jalali_year_bounds(year: int) -> tuple[dt.date, dt.date]:
    """First and last Gregorian dates of Jalali `year`."""
    first = from_jalali(year, 1, 1)
    last = from_jalali(year + 1, 1, 1) - dt.timedelta(days=1)
    return first, last


def add_months(day: dt.date, months: int) -> dt.date:
    """The same Jalali day `months` later (a licence 'valid for 2 years' ends on the same Jalali day); the last
    day of the month where the target month is shorter (31 Shahrivar + 1 month = 30 Mehr)."""
    j = to_jalali(day)
    index = j.month - 1 + months
    year, month = j.year + index // 12, index % 12 + 1
    for candidate in (j.day, 30, 29):
        try:
            return from_jalali(year, month, candidate)
        except InvalidJalaliDate:
            continue
    raise AssertionError("unreachable")


def month_name(month: int) -> str:
    return MONTHS[month - 1]
