"""Ids from requests are bounded positive integers, checked before they reach the database."""
import pathlib

import pytest
from django import forms
from django.http import Http404
from django.urls import Resolver404, resolve, reverse

from khedmat.core.ids import MAX_ID, IdField, SafeModelChoiceField, SafeModelMultipleChoiceField, id_or_404, parse_id
from khedmat.core.models import Province

HUGE = "99999999999999999999999999"


@pytest.mark.parametrize("raw, expected", [
    ("1", 1), ("42", 42), (" 42 ", 42), ("۴۲", 42), ("٤٢", 42), (7, 7), (str(MAX_ID), MAX_ID),
    (str(MAX_ID + 1), None), (HUGE, None), ("0", None), ("-5", None), ("+5", None), ("1e5", None), ("4 2", None),
    ("abc", None), ("", None), (None, None), (True, None), (0, None), (-1, None), (MAX_ID + 1, None),
    ("9" * 5000, None), ("²", None),
])
def test_parse_id_accepts_only_ids_the_database_can_hold(raw, expected):
    assert parse_id(raw) == expected


def test_id_or_404():
    assert id_or_404("12") == 12
    with pytest.raises(Http404):
        id_or_404(HUGE)


def test_the_id_converter_matches_only_ids_in_range():
    assert resolve("/organizations/12/").kwargs == {"organization_id": 12}
    for path in (f"/organizations/{HUGE}/", f"/organizations/{MAX_ID + 1}/", "/organizations/0/"):
        with pytest.raises(Resolver404):
            resolve(path)
    assert reverse("organizations:detail", args=[12]) == "/organizations/12/"


def test_no_url_conf_uses_the_unbounded_int_converter():
    root = pathlib.Path(__file__).resolve().parents[2]
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if "tests" not in path.parts and path.name != "ids.py" and "<int:" in path.read_text(encoding="utf-8")]
    assert offenders == []


class Choose(forms.Form):
    one = IdField(required=False)
    province = SafeModelChoiceField(queryset=Province.objects.all(), required=False)
    provinces = SafeModelMultipleChoiceField(queryset=Province.objects.all(), required=False)


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["one", "province", "provinces"])
def test_form_fields_refuse_out_of_range_ids_in_persian(field):
    value = [HUGE] if field == "provinces" else HUGE
    form = Choose({field: value})
    assert not form.is_valid()
    message = form.errors[field][0]
    assert message == "یکی از موارد فهرست را انتخاب کنید."


@pytest.mark.django_db
def test_form_fields_accept_ids_in_range(tehran):
    form = Choose({"one": "۱۲", "province": str(tehran.pk), "provinces": [str(tehran.pk)]})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["one"] == 12 and form.cleaned_data["province"] == tehran
    assert list(form.cleaned_data["provinces"]) == [tehran]
