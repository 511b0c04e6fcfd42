"""Checksums and formats of Iranian identifiers, and the markup check for text. Framework-free (messages are
in forms), except `validate_no_markup`, the Django validator built on `find_markup`.

Each `parse_*` takes raw user input (any digits, spaces, dashes), returns the canonical ASCII form,
and raises `InvalidIdentifier` with a reason code when the value cannot be right.
"""
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from khedmat.core.text import digits_only, to_ascii_digits


class InvalidIdentifier(ValueError):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def parse_national_id(raw: str) -> str:
    """Validate a person's national ID (کد ملی): 10 digits, mod-11 check digit."""
    code = digits_only(raw)
    if len(code) != 10:
        raise InvalidIdentifier("length")
    if len(set(code)) == 1:
        # 0000000000 … 9999999999 pass the checksum but are never issued.
        raise InvalidIdentifier("checksum")
    check = int(code[9])
    total = sum(int(code[i]) * (10 - i) for i in range(9)) % 11
    expected = total if total < 2 else 11 - total
    if check != expected:
        raise InvalidIdentifier("checksum")
    return code


_LEGAL_ID_COEFFICIENTS = (29, 27, 23, 19, 17)


def parse_organization_id(raw: str) -> str:
    """Validate a legal person's national ID (شناسه ملی): 11 digits with its weighted check digit."""
    code = digits_only(raw)
    if len(code) != 11:
        raise InvalidIdentifier("length")
    if int(code) == 0 or int(code[3:9]) == 0:
        raise InvalidIdentifier("checksum")
    shift = int(code[9]) + 2
    total = sum((shift + int(code[i])) * _LEGAL_ID_COEFFICIENTS[i % 5] for i in range(10)) % 11
    if total == 10:
        total = 0
    if total != int(code[10]):
        raise InvalidIdentifier("checksum")
    return code


_MOBILE = re.compile(r"^09\d{9}$")


def parse_mobile(raw: str) -> str:
    """Validate an Iranian mobile number and return it as 09XXXXXXXXX.

    Accepts +98, 0098 and 98 prefixes, spaces and dashes; a bare 10-digit 9XXXXXXXXX is also taken,
    since that is how many people type it after a printed +98.
    """
    value = to_ascii_digits(raw).strip()
    if re.search(r"[^\d\s\-+()]", value):
        raise InvalidIdentifier("format")
    plus = value.startswith("+")
    digits = digits_only(value)
    if plus and not digits.startswith("98"):
        raise InvalidIdentifier("country")
    if digits.startswith("0098"):
        digits = "0" + digits[4:]
    elif digits.startswith("98") and len(digits) == 12:
        digits = "0" + digits[2:]
    elif digits.startswith("9") and len(digits) == 10:
        digits = "0" + digits
    if not _MOBILE.match(digits):
        raise InvalidIdentifier("format")
    return digits


def national_id_complete(first_nine: str) -> str:
    """Append the check digit to nine digits (for demo data, tests and benchmarks)."""
    total = sum(int(first_nine[i]) * (10 - i) for i in range(9)) % 11
    return first_nine + str(total if total < 2 else 11 - total)


def organization_id_complete(first_ten: str) -> str:
    """Append the check digit to ten digits of an organization national ID."""
    shift = int(first_ten[9]) + 2
    total = sum((shift + int(first_ten[i])) * _LEGAL_ID_COEFFICIENTS[i % 5] for i in range(10)) % 11
    return first_ten + str(0 if total == 10 else total)


def luhn_check_digit(digits: str) -> str:
    """The Luhn check digit of a string of digits (catches every single-digit slip and most swaps)."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char)
        if position % 2 == 0:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return str((10 - total % 10) % 10)


def luhn_valid(digits: str) -> bool:
    return len(digits) > 1 and digits.isdigit() and luhn_check_digit(digits[:-1]) == digits[-1]


# Markup: a tag (<script>, </b>, <img …>, <!-- …), or a character reference (&lt; &#60;) that could become one.
_MARKUP = re.compile(r"<[/!?]?[A-Za-z][^>]*>?|<!--|&(#\d+|#x[0-9a-fA-F]+|[A-Za-z]+);")


def find_markup(value: str) -> str | None:
    """The first piece of HTML markup in `value` (as written, shortened), or None for plain text.
    Names, addresses and other one-line text are text: "<" followed by a tag name is never a name."""
    match = _MARKUP.search(value or "")
    return match.group(0)[:30] if match else None


def validate_no_markup(value: str) -> None:
    """Django validator (forms and model fields) refusing markup in text, with a Persian message.
    The only part of this module that needs Django, imported when called."""
    found = find_markup(value)
    if found is not None:
        raise ValidationError(
            _("Names are text: markup such as %(markup)s is not accepted. Write the name as it is registered."),
            code="markup", params={"markup": found},
        )
