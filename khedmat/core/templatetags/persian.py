"""Display filters: Jalali dates, Persian digits, rials. Loaded as a template builtin."""
import datetime as dt
import re

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from khedmat.core import jalali
from khedmat.core.bidi import NUMBER_TOKEN, isolate_numbers_html, ltr_html, ltr_text, strip_marks
from khedmat.core.numbers import format_number, format_percent, format_rials, is_number, persian_text
from khedmat.core.text import mask_national_id, to_persian_digits

register = template.Library()


@register.filter
def fa(value):
    """Persian digits: {{ count|fa }}. Numbers go through the one formatter (no «1E+1», «٫» for
    the decimal point, «٬» from five integer digits); text gets Persian digits and «٫»/«٬» between
    digits (see core/numbers.py)."""
    if value is None:
        return ""
    if is_number(value):
        return format_number(value, grouping=None)
    text = persian_text(value)
    return mark_safe(text) if isinstance(value, SafeString) else text


@register.filter
def num(value, decimals=None):
    """A number grouped in thousands: {{ amount|num }}, {{ mean|num:1 }} (at most one decimal)."""
    if value is None or value == "":
        return ""
    return format_number(value, None if decimals in (None, "") else int(decimals), grouping=True)


@register.filter
def percent(value, decimals=1):
    """A share in percent as ۲۰٫۳٪: {{ share|percent }}, {{ share|percent:0 }}; None → ""."""
    if value is None or value == "":
        return ""
    return format_percent(value, None if decimals in (None, "") else int(decimals))


@register.filter
def ltr(value, mode=""):
    """One number-like value (tracking, invoice or certificate number, national ID, date) with
    Persian digits, kept left to right inside a Persian sentence: <bdi dir="ltr">…</bdi>.
    {{ x|ltr:"pdf" }} also puts LRMs inside (PDFs); {{ x|ltr:"text" }} gives LRMs only, for places
    that take no markup (<title>, attributes). See docs/adr/0017-bidi-isolation.md."""
    if value is None or value == "":
        return ""
    text = fa(value)
    if mode == "text":
        return ltr_text(text)
    return mark_safe(ltr_html(text, marks=mode == "pdf"))


@register.filter(is_safe=True)
def bidi(value, mode=""):
    """A Persian text with Persian digits and each number-like token in it kept left to right
    (<bdi dir="ltr">): {{ message.body|bidi }}; {{ paragraph|bidi:"pdf" }} for PDFs."""
    if value is None:
        return ""
    marks = mode == "pdf"
    if isinstance(value, SafeString):  # already HTML: touch the text between tags only
        parts = re.split(r"(<[^>]*>)", strip_marks(value))
        return mark_safe("".join(
            part if part.startswith("<") else NUMBER_TOKEN.sub(lambda m: ltr_html(m.group(), marks=marks),
                                                               persian_text(part))
            for part in parts))
    return mark_safe(isolate_numbers_html(fa(value), marks=marks))


@register.filter
def jdate(value, style="short"):
    """Jalali date with Persian digits: {{ day|jdate }}, {{ day|jdate:"long" }}, {{ day|jdate:"full" }}."""
    if not value:
        return ""
    return jalali.format_date(value, style)


@register.filter
def jdatetime(value, style="short"):
    """Tehran-local Jalali date and time with Persian digits."""
    if not value:
        return ""
    return jalali.format_datetime(value, style)


@register.filter
def rials(value):
    """An integer amount of rials as ۱۲٬۳۴۵٬۰۰۰ ریال."""
    if value is None or value == "":
        return ""
    amount = format_rials(value)
    return gettext("%(amount)s rials") % {"amount": amount}


@register.filter
def mask_id(value, reveal=False):
    """A national ID in Persian digits, masked to its last four digits unless `reveal` (the viewer may read
    the holder's case): {{ person.national_id|mask_id:may_read }}."""
    if not value:
        return ""
    return to_persian_digits(value if reveal is True else mask_national_id(str(value)))


@register.filter
def jiso(value):
    """ISO Jalali date (ASCII digits), for <time datetime> and machine output."""
    if not value:
        return ""
    if isinstance(value, dt.datetime):
        value = jalali.local_date(value)
    return jalali.jalali_iso(value)


@register.simple_tag
def field_errors_id(field):
    return f"{field.auto_id}-error"
