import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from khedmat.core.forms import (
    CachedSelect,
    ClockTimeField,
    JalaliDateField,
    MobileField,
    NationalIdField,
    OrganizationIdField,
    PersianCharField,
)


def test_identifier_fields_accept_any_digits_and_return_ascii():
    assert NationalIdField().clean("۰۰۱۰۰۰۰۰۱۱") == "0010000011"
    assert OrganizationIdField().clean("۱۰۳۸۰۲۸۴۷۹۰") == "10380284790"
    assert MobileField().clean("+98 912 123 4567") == "09121234567"


def test_identifier_fields_explain_errors():
    field = NationalIdField()
    for raw, code in (("123", "invalid_length"), ("1234567890", "invalid_checksum")):
        try:
            field.clean(raw)
        except Exception as error:  # noqa: BLE001
            assert error.code == code
        else:
            raise AssertionError("accepted a bad national ID")


def test_persian_char_field_normalises():
    assert PersianCharField().clean(" علي  ۱۲ ") == "علی 12"


def test_jalali_date_field():
    field = JalaliDateField()
    assert field.clean("۱۴۰۴/۱/۱") == dt.date(2025, 3, 21)
    for raw in ("1404/12/30", "31/12/1404", "x"):
        try:
            field.clean(raw)
        except Exception as error:  # noqa: BLE001
            assert error.code in {"invalid", "nonexistent"}
        else:
            raise AssertionError(f"accepted {raw}")


def test_clock_time_field_takes_persian_or_latin_digits_and_refuses_nonsense():
    field = ClockTimeField()
    assert field.clean("۱۴:۳۰") == dt.time(14, 30)
    assert field.clean(" 9.05 ") == dt.time(9, 5)
    assert field.prepare_value(dt.time(9, 0)) == "۰۹:۰۰"
    for bad in ("25:00", "12:60", "ساعت ده", "1230"):
        with pytest.raises(ValidationError):
            field.clean(bad)


def test_a_value_outside_the_choices_is_rendered_but_not_kept():
    widget = CachedSelect(choices=[("a", "الف"), ("b", "ب")])
    CachedSelect._rendered.clear()
    assert 'value="a" selected' in widget.render("f", "a")
    kept = len(CachedSelect._rendered)
    assert widget.render("f", "a") == widget.render("f", "a") and len(CachedSelect._rendered) == kept == 1
    for made_up in ("zz", "zzz", "<x>"):
        assert "selected" not in widget.render("f", made_up)
    assert len(CachedSelect._rendered) == 1


def test_option_groups_are_kept_and_their_options_selected():
    widget = CachedSelect(choices=[("گروه", [("a", "الف")]), ("b", "ب")])
    CachedSelect._rendered.clear()
    assert 'value="a" selected' in widget.render("f", "a") and "<optgroup" in widget.render("f", "")
    assert len(CachedSelect._rendered) == 2  # one per selected value
    assert 'value="a" selected' in widget.render("f", "a") and 'selected' not in widget.render("f", "")
    widget.render("f", "x")
    assert len(CachedSelect._rendered) == 2  # a value that is not an option is rendered, not kept
