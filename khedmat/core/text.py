"""Normalisation of Persian input: digits and the Arabic forms of ی and ک.

Users type with Persian, Arabic and Latin keyboards. Stored text uses Persian letters and ASCII
digits, so that search, uniqueness and checksums see one spelling; display converts digits to
Persian at the edge (see `to_persian_digits`). Framework-free.
"""
import re

_DIGITS_TO_ASCII = str.maketrans(
    "۰۱۲۳۴۵۶۷۸۹" "٠١٢٣٤٥٦٧٨٩",
    "0123456789" "0123456789",
)
_ASCII_TO_PERSIAN = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_LETTERS = str.maketrans(
    {
        "\u064a": "\u06cc",  # ARABIC LETTER YEH → FARSI YEH
        "\u0649": "\u06cc",  # ARABIC LETTER ALEF MAKSURA → FARSI YEH
        "\u0643": "\u06a9",  # ARABIC LETTER KAF → KEHEH
        "\u0629": "\u0647",  # TEH MARBUTA → HEH (as Persian keyboards type it)
    }
)
# Invisible marks that only get in the way of matching: tatweel, bidi controls, BOM.
_INVISIBLE = re.compile("[\u0640\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]")
_SPACES = re.compile(r"[ \t\u00a0\u2007\u202f]+")


def to_ascii_digits(value: str) -> str:
    """Return `value` with Persian and Arabic-Indic digits replaced by ASCII digits."""
    return value.translate(_DIGITS_TO_ASCII)


def to_persian_digits(value: object) -> str:
    """Return str(value) with ASCII digits replaced by Persian digits (for display only)."""
    return str(value).translate(_ASCII_TO_PERSIAN)


def normalize_letters(value: str) -> str:
    """Return `value` with Arabic forms of ی and ک (and ة) replaced by the Persian forms."""
    return value.translate(_LETTERS)


def normalize_text(value: str) -> str:
    """Normalise free text for storage: Persian letters, ASCII digits, single spaces, trimmed.

    Line breaks and the zero-width non-joiner (U+200C), which Persian spelling needs, are kept.
    """
    value = normalize_letters(to_ascii_digits(value))
    value = _INVISIBLE.sub("", value)
    lines = [_SPACES.sub(" ", line).strip() for line in value.replace("\r\n", "\n").split("\n")]
    return "\n".join(lines).strip()


def digits_only(value: str) -> str:
    """Return the digits of `value` (any script) as ASCII, dropping spaces, dashes and dots."""
    return re.sub(r"\D", "", to_ascii_digits(value))


def search_key(value: str) -> str:
    """Return a key under which letter and digit variants of the same text compare equal."""
    return normalize_text(value).replace("\u200c", " ").casefold()


def mask_national_id(national_id: str) -> str:
    """A national ID as shown to someone who may not read its holder's case: only the last four digits.

    The one masking rule of the project (public pages, signed public content, staff without a role on the case).
    """
    value = str(national_id or "")
    return ("*" * max(0, len(value) - 4) + value[-4:]) if value else ""


def public_national_id(national_id: str) -> str:
    """A national ID as a public page prints it: a company's 11-digit national ID (شناسه ملی) is public
    and shown in full; a person's 10-digit national code (کد ملی) keeps only its last four digits.
    Staff pages show the stored value."""
    value = digits_only(national_id or "")
    return value if len(value) == 11 else mask_national_id(value)


def is_company_national_id(national_id: str) -> bool:
    """Iranian legal persons have an 11-digit national ID; natural persons a 10-digit national code."""
    return len(digits_only(national_id or "")) == 11
