"""Display filters: Jalali dates, Persian digits, rials. Loaded as a template builtin."""
import datetime as dt

from django import template
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext

from khedmat.core import jalali
from khedmat.core.text import mask_national_id, to_persian_digits

register = template.Library()


@register.filter
def fa(value):
    """Persian digits: {{ count|fa }}."""
    if value is None:
        return ""
    text = to_persian_digits(value)
    return mark_safe(text) if isinstance(value, SafeString) else text


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
    amount = to_persian_digits(f"{int(value):,}".replace(",", "\u066c"))
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
