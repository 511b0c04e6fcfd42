"""The one number formatter for people: Persian digits, «٬» between thousands, «٫» before decimals,
«٪» for percentages, never scientific notation. Framework-free.

Every number a person reads goes through here: the template filters `fa`, `num`, `percent` and
`rials` (core/templatetags/persian.py), and Python code composing messages (`format_number`,
`format_percent`, `format_rials`, `persian_text`). Machine output (ISO dates, URLs, ids in
attributes, Excel cells) keeps ASCII digits and does not use this module.
"""
from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from numbers import Number

from khedmat.core.text import to_ascii_digits, to_persian_digits

THOUSANDS = "\u066c"  # ٬ ARABIC THOUSANDS SEPARATOR
DECIMAL = "\u066b"  # ٫ ARABIC DECIMAL SEPARATOR
PERCENT = "\u066a"  # ٪ ARABIC PERCENT SIGN
MINUS = "\u2212"  # − (a hyphen-minus would read as a dash in Persian text)

# Integers of fewer digits than this are not grouped unless asked (years, versions, grades).
GROUP_FROM_DIGITS = 5

_NUMBER_TEXT = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
# URLs, e-mail addresses and "host:port" keep their ASCII digits inside a Persian sentence.
_MACHINE = re.compile(r"(?:[a-z][a-z0-9+.-]*://|www\.)\S+|[\w.+-]+@[\w-]+\.[\w.-]+", re.IGNORECASE)
MACHINE_TOKEN = _MACHINE  # public: what other text helpers leave alone (khedmat.core.bidi.mark_numbers)
_DECIMAL_POINT = re.compile(r"(?<=\d)\.(?=\d)")
_GROUP_COMMA = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")


def to_decimal(value) -> Decimal | None:
    """`value` (int, float, Decimal or numeric text in any digits) as a finite Decimal, else None."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, Decimal):
        number = value
    elif isinstance(value, int):
        number = Decimal(value)
    elif isinstance(value, float):
        number = Decimal(repr(value))
    elif isinstance(value, Number):
        number = Decimal(str(value))
    else:
        text = to_ascii_digits(str(value)).strip().replace(THOUSANDS, "").replace(DECIMAL, ".").replace(",", "")
        if not _NUMBER_TEXT.fullmatch(text):
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            return None
    return number if number.is_finite() else None


def is_number(value) -> bool:
    return not isinstance(value, (bool, str)) and isinstance(value, (Number, Decimal))


def format_number(value, decimals: int | None = None, *, grouping: bool | None = True) -> str:
    """A number for people: ۱۲٬۳۴۵٫۶.

    `decimals`: None keeps the significant decimals (trailing zeros dropped: 10.50 → ۱۰٫۵, 1E+1 →
    ۱۰); an int rounds half up to at most that many decimals, trailing zeros dropped. `grouping`:
    True groups thousands, False never, None only from 5 integer digits (so a year stays ۱۴۰۵).
    Anything that is not a number comes back as text with Persian digits.
    """
    number = to_decimal(value)
    if number is None:
        return "" if value is None else persian_text(str(value))
    if decimals is not None:
        number = number.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{abs(number):f}"  # fixed point: never «1E+1»
    whole, _, fraction = text.partition(".")
    fraction = fraction.rstrip("0")
    if grouping or (grouping is None and len(whole) >= GROUP_FROM_DIGITS):
        whole = f"{int(whole):,}".replace(",", THOUSANDS)
    out = whole + (DECIMAL + fraction if fraction else "")
    if number < 0 and (int(text.replace(".", "")) != 0):
        out = MINUS + out
    return to_persian_digits(out)


def format_percent(value, decimals: int | None = 1) -> str:
    """A share already in percent (20.25) as ۲۰٫۳٪; None → ""."""
    if to_decimal(value) is None:
        return ""
    return format_number(value, decimals, grouping=None) + PERCENT


def format_rials(value) -> str:
    """The digits of an amount of rials, grouped: ۱۲٬۳۴۵٬۰۰۰ (the caller adds the word «ریال»)."""
    number = to_decimal(value)
    if number is None:
        return ""
    return format_number(int(number), grouping=True)


def persian_text(value) -> str:
    """Text for a Persian sentence: ASCII digits to Persian, «.» between digits to «٫», «,» between
    thousands to «٬»; URLs and e-mail addresses are left as they are."""
    text = "" if value is None else str(value)
    if not text:
        return text
    out, last = [], 0
    for match in _MACHINE.finditer(text):
        out.append(_persian_run(text[last:match.start()]))
        out.append(match.group())
        last = match.end()
    out.append(_persian_run(text[last:]))
    return "".join(out)


def _persian_run(text: str) -> str:
    text = _GROUP_COMMA.sub(THOUSANDS, _DECIMAL_POINT.sub(DECIMAL, text))
    return to_persian_digits(text)
