import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from khedmat.core.validators import (
    InvalidIdentifier,
    find_markup,
    national_id_complete,
    organization_id_complete,
    parse_mobile,
    parse_national_id,
    parse_organization_id,
    validate_no_markup,
)


@pytest.mark.parametrize("raw", ["0010000011", "۰۰۱۰۰۰۰۰۱۱", "٠٠١٠٠٠٠٠١١", "001-000001-1", "0499370899", "0790419904"])
def test_valid_national_ids_in_any_digits(raw):
    assert len(parse_national_id(raw)) == 10


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("0010000012", "checksum"),
        ("1234567890", "checksum"),
        ("1111111111", "checksum"),
        ("0000000000", "checksum"),
        ("001000001", "length"),
        ("00100000111", "length"),
        ("", "length"),
        ("abc", "length"),
    ],
)
def test_invalid_national_ids(raw, reason):
    with pytest.raises(InvalidIdentifier) as exc:
        parse_national_id(raw)
    assert exc.value.reason == reason


def test_national_id_completion_produces_valid_ids():
    for nine in ("000000001", "123456789", "987654321", "001000009"):
        assert parse_national_id(national_id_complete(nine))


@pytest.mark.parametrize("raw", ["10380284790", "۱۰۳۸۰۲۸۴۷۹۰", "14007650912"])
def test_valid_organization_ids(raw):
    assert parse_organization_id(raw) == "".join(c for c in raw if c.isdigit()).translate(
        str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789")
    )


@pytest.mark.parametrize(
    "raw, reason",
    [("10380284791", "checksum"), ("00000000000", "checksum"), ("10300000000", "checksum"), ("1038028479", "length")],
)
def test_invalid_organization_ids(raw, reason):
    with pytest.raises(InvalidIdentifier) as exc:
        parse_organization_id(raw)
    assert exc.value.reason == reason


def test_organization_id_completion_produces_valid_ids():
    for ten in ("1032000001", "1400120003", "1010101010"):
        assert parse_organization_id(organization_id_complete(ten))


@pytest.mark.parametrize(
    "raw",
    ["09121234567", "۰۹۱۲۱۲۳۴۵۶۷", "+989121234567", "00989121234567", "989121234567", "9121234567", "0912 123 4567",
     "0912-123-4567"],
)
def test_mobile_numbers_are_normalised(raw):
    assert parse_mobile(raw) == "09121234567"


@pytest.mark.parametrize(
    "raw, reason",
    [
        ("0912123456", "format"),
        ("091212345678", "format"),
        ("02112345678", "format"),
        ("+19121234567", "country"),
        ("0912abc4567", "format"),
        ("", "format"),
    ],
)
def test_invalid_mobile_numbers(raw, reason):
    with pytest.raises(InvalidIdentifier) as exc:
        parse_mobile(raw)
    assert exc.value.reason == reason


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "شرکت <b>نمونه</b>", "<img src=x onerror=alert(1)>",
                                  "</title>", "<!-- x", "&lt;script&gt;", "&#60;script"])
def test_markup_is_found(text):
    assert find_markup(text) is not None


@pytest.mark.parametrize("text", ["شرکت ساختمانی البرز کوه", "a < b", "۳<۴", "AT&T", "موسسه «آینده‌سازان»", ""])
def test_plain_text_is_not_markup(text):
    assert find_markup(text) is None


def test_validate_no_markup_refuses_in_persian():
    with translation.override("fa"), pytest.raises(ValidationError) as caught:
        validate_no_markup("<script>alert(1)</script>")
    assert "نشانه‌گذاری" in caught.value.messages[0] and "<script>" in caught.value.messages[0]
