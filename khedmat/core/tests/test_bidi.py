"""Number-like tokens kept left to right (core/bidi.py, the ltr/bidi filters; docs/adr/0017)."""
import pytest
from django.template import Context, Template
from django.utils.safestring import mark_safe

from khedmat.core.bidi import LRM, has_rtl_letters, isolate_numbers_html, ltr_html, ltr_text, mark_numbers, strip_marks
from khedmat.core.numbers import persian_text
from khedmat.core.text import normalize_text, to_persian_digits

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


# Issue 17 point 11: a reference of letters and digits is read right to left; forcing it left to right
# draws «۲۰۶۳۷/ت۲۸۴۳۷ه» as «ت۲۸۴۳۷ه/۲۰۶۳۷» to a reader. Every helper keeps its characters in logical
# order and never marks it left to right as a whole.
CONSULTANT_REGULATION = "۲۰۶۳۷/ت۲۸۴۳۷ه"


@pytest.mark.parametrize("value", [CONSULTANT_REGULATION, "20637/ت28437ه", "۲۰۶۳۷/ت۲۸۴۳۷هـ"])
def test_a_mixed_letter_and_digit_reference_stays_in_logical_order(value):
    assert to_persian_digits(normalize_text(value)) == CONSULTANT_REGULATION  # stored without tatweel
    shown = persian_text(value)
    assert shown.replace("ـ", "") == CONSULTANT_REGULATION
    assert has_rtl_letters(shown) and not has_rtl_letters("۲۰۶۳۷/۲۸۴۳۷") and not has_rtl_letters("******۱۲۳۴")
    assert mark_numbers(shown) == shown  # no mark inside it
    assert isolate_numbers_html(shown) == shown
    assert ltr_html(shown) == f'<bdi dir="rtl">{shown}</bdi>'
    assert ltr_text(shown) == shown
    for source, expected in [
        ("{{ v|fa }}", shown), ("{{ v|bidi }}", shown), ("{{ v|ltr }}", f'<bdi dir="rtl">{shown}</bdi>'),
        ("{{ v|ltr:'text' }}", shown), ("{{ v|ltr:'pdf' }}", f'<bdi dir="rtl">{shown}</bdi>'),
    ]:
        assert Template(source).render(Context({"v": value})) == expected, source


def test_a_mixed_reference_keeps_its_dates_and_numbers_marked_inside():
    html = Template("{{ v|ltr }}").render(Context({"v": "نامه ۱۲۳/ص مورخ 1405/01/15"}))
    assert html == '<bdi dir="rtl">نامه ۱۲۳/ص مورخ <bdi dir="ltr">۱۴۰۵/۰۱/۱۵</bdi></bdi>'
    assert ltr_text("نامه ۱۲۳/ص مورخ ۱۴۰۵/۰۱/۱۵") == f"نامه ۱۲۳/ص مورخ {LRM}۱۴۰۵/۰۱/۱۵{LRM}"


def test_mark_numbers_leaves_a_link_whole():
    """Issue 17 point 3: the case page link in an SMS got marks inside its host and its UUID."""
    url = "http://127.0.0.1:8000/cases/fc809d2f-b7fb-4259-8163-2db096aed5bb/"
    text = mark_numbers(f"نامه 96-1405-000001 در صفحه پرونده: {url}")
    assert url in text and f"{LRM}96-1405-000001{LRM}" in text


def test_an_address_in_a_message_is_one_left_to_right_link_with_its_digits_as_written():
    html = isolate_numbers_html("نامه در صفحه پرونده شما است: http://127.0.0.1:8000/cases/9e11af81-4419-5757/. شماره "
                                "96-1405-1")
    assert ('<a href="http://127.0.0.1:8000/cases/9e11af81-4419-5757/" dir="ltr">'
            'http://127.0.0.1:8000/cases/9e11af81-4419-5757/</a>.') in html
    assert '<bdi dir="ltr">96-1405-1</bdi>' in html
