"""Human-friendly tracking numbers: service number, Jalali year, sequence and a check digit.

Stored as 12 ASCII digits (4 1405 000123 7) — 13 once a service passes 999,999 cases in a year; shown
grouped as ۴-۱۴۰۵-۰۰۰۱۲۳-۷; typed in any digits, with or without dashes. The check digit lets the
form tell a mistyped number from an unknown one.
"""
from khedmat.core.text import digits_only, to_persian_digits
from khedmat.core.validators import luhn_check_digit, luhn_valid


def tracking_compose(*, service_number: int, year: int, sequence: int) -> str:
    body = f"{service_number:01d}{year:04d}{sequence:06d}"
    return body + luhn_check_digit(body)


def tracking_parse(raw: str) -> str | None:
    """The canonical tracking number in `raw`, or None if it cannot be one."""
    digits = digits_only(raw or "")
    if len(digits) not in (12, 13) or not luhn_valid(digits):
        return None
    return digits


def tracking_display(number: str | None) -> str:
    if not number:
        return ""
    return to_persian_digits(f"{number[0]}-{number[1:5]}-{number[5:-1]}-{number[-1]}")
