"""Number-like tokens kept left to right inside Persian text (docs/adr/0017-bidi-isolation.md).

In a right-to-left sentence the Unicode bidi algorithm turns digits after a Persian letter into
"Arabic numbers", and a hyphen between two of them does not join them: ۴-۱۴۰۵-۰۰۰۰۰۹-۳ is drawn as
۳-۰۰۰۰۰۹-۱۴۰۵-۴. Masked IDs (******1234) break the same way. So every number-like token of more than
one part (tracking, invoice and certificate numbers, dates with slashes, times, amounts, masked IDs)
is marked left to right:

* HTML (pages and the PDFs WeasyPrint draws from HTML): `<bdi dir="ltr">…</bdi>` (filters `ltr`
  for one value, `bidi` for the tokens inside a text; core/templatetags/persian.py). WeasyPrint
  honours the element; `|ltr:"pdf"` also puts LRMs inside for a renderer that would not.
* Plain text (SMS, e-mail subjects, in-app text, PDF strings): a LEFT-TO-RIGHT MARK on each side
  (`mark_numbers`, `ltr_text`). Not the U+2066/U+2069 isolates: SMS apps on older Android and iOS
  text engines draw them as boxes or drop the isolation, while the LRM has been understood since
  Unicode 1.1 everywhere, and for a token made of digits and separators it gives the same result.

A value with right-to-left letters in it is no such token: a legal reference «۲۰۶۳۷/ت۲۸۴۳۷ه» or a
letter number «۱۲۳/ص/۱۴۰۵» is read right to left, and forcing it left to right swaps its parts
(«ت۲۸۴۳۷ه/۲۰۶۳۷» to a reader). `ltr_html`/`ltr_text` keep such a value right to left and mark
only the number-like tokens inside it (issue 17 point 11).

Framework-free.
"""
from __future__ import annotations

import re
import unicodedata
from html import escape

from khedmat.core.numbers import MACHINE_TOKEN

LRM = "\u200e"
_MARKS = re.compile("[\u200e\u200f\u2066-\u2069]")
# Digits (any script) or the stars of a masked ID, in two or more parts joined by one separator:
# - / : . ٫ ٬ , (a comma only between groups of three: 12,345). Single numbers cannot be reordered
# inside and stay unmarked (an SMS in Persian has 70 characters a part; marks are not free).
_PART = r"[\d*]+"
_SEP = r"(?:[-/:.\u066b\u066c]|,(?=\d{3}(?!\d)))"
NUMBER_TOKEN = re.compile(rf"(?<![\w*]){_PART}(?:{_SEP}{_PART})+(?![\w*])|(?<![\w*])\*+\d+(?![\w*])")


def strip_marks(text: str) -> str:
    return _MARKS.sub("", text)


def has_rtl_letters(text: str) -> bool:
    """Whether `text` has a right-to-left letter (Persian, Arabic, Hebrew); digits do not count."""
    return any(unicodedata.bidirectional(ch) in ("R", "AL") for ch in str(text or ""))


def ltr_text(value) -> str:
    """One token for plain text, marked left to right: LRM + token + LRM ("" stays "")."""
    text = strip_marks("" if value is None else str(value))
    if has_rtl_letters(text):
        return mark_numbers(text)
    return f"{LRM}{text}{LRM}" if text else ""


def mark_numbers(text) -> str:
    """Plain text with every number-like token between two LRMs (idempotent)."""
    text = strip_marks("" if text is None else str(text))
    # A URL or an e-mail address is left whole: a mark inside it would break the link (issue 17 point 3).
    out, last = [], 0
    for match in MACHINE_TOKEN.finditer(text):
        out.append(NUMBER_TOKEN.sub(lambda m: f"{LRM}{m.group()}{LRM}", text[last:match.start()]))
        out.append(match.group())
        last = match.end()
    out.append(NUMBER_TOKEN.sub(lambda m: f"{LRM}{m.group()}{LRM}", text[last:]))
    return "".join(out)


def ltr_html(value, *, marks: bool = False) -> str:
    """One token as escaped HTML in `<bdi dir="ltr">`; `marks` also puts LRMs inside (for PDFs)."""
    text = strip_marks("" if value is None else str(value))
    if has_rtl_letters(text):
        return f'<bdi dir="rtl">{isolate_numbers_html(text, marks=marks)}</bdi>'
    text = escape(text)
    if not text:
        return ""
    if marks:
        text = f"{LRM}{text}{LRM}"
    return f'<bdi dir="ltr">{text}</bdi>'


def isolate_numbers_html(text, *, marks: bool = False) -> str:
    """Escaped HTML of `text` with every number-like token in `<bdi dir="ltr">` (already-safe HTML
    is the caller's business: pass plain text only)."""
    text = strip_marks("" if text is None else str(text))
    out, last = [], 0
    # A URL or an e-mail address stays whole, left to right; a web address becomes its link (an SMS text shown
    # in the inbox names the case page).
    for match in MACHINE_TOKEN.finditer(text):
        out.append(_isolate_numbers_only(text[last:match.start()], marks=marks))
        token = match.group().rstrip(".,،؛:)»")  # the sentence's punctuation is not part of the address
        if token.startswith(("http://", "https://")):
            out.append(f'<a href="{escape(token)}" dir="ltr">{escape(token)}</a>')
        else:
            out.append(f'<bdi dir="ltr">{escape(token)}</bdi>')
        last = match.start() + len(token)
    out.append(_isolate_numbers_only(text[last:], marks=marks))
    return "".join(out)


def _isolate_numbers_only(text: str, *, marks: bool) -> str:
    out, last = [], 0
    for match in NUMBER_TOKEN.finditer(text):
        out.append(escape(text[last:match.start()]))
        out.append(ltr_html(match.group(), marks=marks))
        last = match.end()
    out.append(escape(text[last:]))
    return "".join(out)
