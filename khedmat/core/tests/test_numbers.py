"""The one number formatter (core/numbers.py) and the filters that use it."""
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from khedmat.core.numbers import format_number, format_percent, format_rials, persian_text
from khedmat.testing import persian_number_problems


@pytest.mark.parametrize(("value", "kwargs", "expected"), [
    (Decimal("10").normalize(), {}, "۱۰"),  # Decimal('1E+1'): the SLA table's «۱E+۱»
    (Decimal("100").normalize(), {}, "۱۰۰"),
    (Decimal("25.50"), {}, "۲۵٫۵"),
    (Decimal("1E-7"), {}, "۰٫۰۰۰۰۰۰۱"),
    (1e21, {}, "۱٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰٬۰۰۰"),
    (20.25, {"decimals": 1}, "۲۰٫۳"),
    (20.0, {"decimals": 1}, "۲۰"),
    (1234567, {}, "۱٬۲۳۴٬۵۶۷"),
    (1405, {"grouping": None}, "۱۴۰۵"),
    (12345, {"grouping": None}, "۱۲٬۳۴۵"),
    (-3, {}, "\u2212۳"),
    ("12.5", {}, "۱۲٫۵"),
    ("۱۲۳۴", {}, "۱٬۲۳۴"),
])
def test_format_number_never_scientific_persian_separators(value, kwargs, expected):
    text = format_number(value, **kwargs)
    assert text == expected
    assert "E" not in text and not any(c.isascii() and c.isdigit() for c in text)


def test_percent_and_rials():
    assert format_percent(20.2) == "۲۰٫۲٪"
    assert format_percent(Decimal("1E+2"), 0) == "۱۰۰٪"
    assert format_percent(None) == ""
    assert format_rials(12_345_000) == "۱۲٬۳۴۵٬۰۰۰"


def test_persian_text_converts_digits_but_not_urls():
    assert (persian_text("جلسه 9/1405 ساعت 08:00 (1 بند) — 20.2 و 12,345")
            == "جلسه ۹/۱۴۰۵ ساعت ۰۸:۰۰ (۱ بند) — ۲۰٫۲ و ۱۲٬۳۴۵")
    assert (persian_text("ببینید http://127.0.0.1:8000/verify/3/ یا a1@x2.ir")
            == "ببینید http://127.0.0.1:8000/verify/3/ یا a1@x2.ir")


@pytest.mark.parametrize(("source", "context", "expected"), [
    ("{{ v.normalize|fa }}", {"v": Decimal("10.00")}, "۱۰"),
    ("{{ v|num }}", {"v": Decimal("1E+2")}, "۱۰۰"),
    ("{{ v|num:1 }}", {"v": 1234.56}, "۱٬۲۳۴٫۶"),
    ("{{ v|floatformat:'-1'|fa }}", {"v": 20.2}, "۲۰٫۲"),
    ("{{ v|percent }}", {"v": 20.25}, "۲۰٫۳٪"),
    ("{{ v|rials }}", {"v": 1500000}, "۱٬۵۰۰٬۰۰۰ ریال"),
    ("{{ v|fa }}", {"v": 1405}, "۱۴۰۵"),
])
def test_filters_go_through_the_formatter(source, context, expected):
    with translation.override("fa"):
        assert Template(source).render(Context(context)) == expected


# Filters whose output is a number for people; a template that prints a number with one of the
# "raw" filters below must end the expression with one of these.
PERSIAN_FILTERS = ("fa", "num", "percent", "rials", "jdate", "jdatetime", "ltr", "bidi", "tracking", "default")
RAW_NUMBER = ("floatformat", ".normalize", "|add:", "|length", "|intcomma", "|stringformat")


def _expressions(source: str):
    for match in re.finditer(r"{{(.*?)}}", source, re.S):
        before = source[:match.start()]
        if before.rfind("<") > before.rfind(">"):
            continue  # inside a tag: an attribute (SVG coordinates, ids), machine-read
        yield match.group(1).strip()
    for match in re.finditer(r"{%\s*blocktrans(?:late)?\s+(?:with|count)\s+(.*?)%}", source, re.S):
        for part in re.findall(r"\w+=(\S+)", match.group(1)):
            yield part


def test_every_template_prints_numbers_through_a_persian_filter():
    """Every template of the project: a number computed in the template (floatformat, normalize,
    add, length, …) is shown through fa/num/percent/rials, never raw or in scientific notation."""
    roots = [Path(d) for d in settings.TEMPLATES[0]["DIRS"]]
    roots += list(Path(settings.BASE_DIR, "khedmat").glob("**/templates"))
    checked, problems = 0, []
    for root in roots:
        for path in root.rglob("*.html"):
            if "admin" in path.parts or "rest_framework" in path.parts:
                continue
            source = path.read_text(encoding="utf-8")
            checked += 1
            if ".normalize" in source:
                problems.append(f"{path}: .normalize (prints 1E+1)")
            for expr in _expressions(source):
                if any(raw in expr for raw in RAW_NUMBER):
                    last = expr.split("|")[-1].split(":")[0].strip()
                    if last not in PERSIAN_FILTERS:
                        problems.append(f"{path}: {{{{ {expr} }}}}")
    assert checked > 50
    assert problems == []


def test_form_errors_and_help_show_persian_digits():
    """Django's own messages carry ASCII numbers («حداکثر 5 نویسه»): the field and form includes pass
    them through the formatter."""
    class Sample(forms.Form):
        name = forms.CharField(max_length=5, help_text="حداکثر 5 نویسه، مثلاً 12.5")

    with translation.override("fa"):
        form = Sample(data={"name": "abcdefgh"})
        assert not form.is_valid()
        html = render_to_string("includes/form.html", {"form": form}) + render_to_string(
            "includes/field.html", {"field": form["name"]})
    assert "۵" in html and "۱۲٫۵" in html
    assert persian_number_problems(html.replace('value="abcdefgh"', "")) == []
