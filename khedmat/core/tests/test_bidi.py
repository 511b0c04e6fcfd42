"""Number-like tokens kept left to right (core/bidi.py, the ltr/bidi filters; docs/adr/0017)."""
import pytest
from django.template import Context, Template
from django.utils.safestring import mark_safe

from khedmat.core.bidi import LRM, ltr_text, mark_numbers, strip_marks

TRACKING = "۴-۱۴۰۵-۰۰۰۰۰۹-۳"


@pytest.mark.parametrize(("text", "expected"), [
    (f"پرونده {TRACKING} دریافت شد.", f"پرونده {LRM}{TRACKING}{LRM} دریافت شد."),
    ("جلسه ۹/۱۴۰۵ ساعت ۰۸:۰۰ (۱ بند)", f"جلسه {LRM}۹/۱۴۰۵{LRM} ساعت {LRM}۰۸:۰۰{LRM} (۱ بند)"),
    ("شناسه ******۱۲۳۴ و مبلغ ۱۲٬۳۴۵ ریال", f"شناسه {LRM}******۱۲۳۴{LRM} و مبلغ {LRM}۱۲٬۳۴۵{LRM} ریال"),
    ("۳ روز", "۳ روز"),  # one run of digits cannot be reordered: no marks (an SMS part is 70 characters)
    ("۱. بند اول", "۱. بند اول"),
])
def test_plain_text_marks_each_number_like_token(text, expected):
    assert mark_numbers(text) == expected
    assert mark_numbers(mark_numbers(text)) == expected  # idempotent
    assert strip_marks(mark_numbers(text)) == text


def test_ltr_text():
    assert ltr_text(TRACKING) == f"{LRM}{TRACKING}{LRM}" and ltr_text("") == ""


@pytest.mark.parametrize(("source", "context", "expected"), [
    ("{{ n|ltr }}", {"n": "90-1405-000012"}, '<bdi dir="ltr">۹۰-۱۴۰۵-۰۰۰۰۱۲</bdi>'),
    ("{{ n|ltr:'text' }}", {"n": "90-1405-000012"}, f"{LRM}۹۰-۱۴۰۵-۰۰۰۰۱۲{LRM}"),
    ("{{ n|ltr|default:'—' }}", {"n": ""}, "—"),
    ("{{ t|bidi }}", {"t": f"پرونده {LRM}4-1405-000009-3{LRM} <b>"},
     f'پرونده <bdi dir="ltr">{TRACKING}</bdi> &lt;b&gt;'),
    ("{{ t|bidi }}", {"t": mark_safe('<a href="/c/1-2/">پرونده 4-1405-000009-3</a>')},
     f'<a href="/c/1-2/">پرونده <bdi dir="ltr">{TRACKING}</bdi></a>'),
])
def test_filters(source, context, expected):
    assert Template(source).render(Context(context)) == expected


def test_tracking_filter_is_isolated_by_default():
    html = Template("{% load cases %}{{ n|tracking }} {{ n|tracking:'text' }}").render(Context({"n": "414050000093"}))
    assert html == f'<bdi dir="ltr">{TRACKING}</bdi> {LRM}{TRACKING}{LRM}'


def test_mark_numbers_leaves_a_link_whole():
    """Issue 17 point 3: the case page link in an SMS got marks inside its host and its UUID."""
    from khedmat.core.bidi import LRM, mark_numbers

    url = "http://127.0.0.1:8000/cases/fc809d2f-b7fb-4259-8163-2db096aed5bb/"
    text = mark_numbers(f"نامه 96-1405-000001 در صفحه پرونده: {url}")
    assert url in text and f"{LRM}96-1405-000001{LRM}" in text
