"""The Persian messages for refused uploads name the limit and what was found."""
import pytest
from django.utils import translation

from khedmat.core.upload_messages import FINDING_LABELS, format_file_size, rejection_message
from khedmat.core.uploads import FINDINGS, Finding, UploadRejected

MESSAGES = {"unknown_type": "نوع ناشناخته", "too_large": "بزرگ", "executable": "برنامه", "active_content": "فعال"}


@pytest.fixture(autouse=True)
def persian():
    with translation.override("fa"):
        yield


@pytest.mark.parametrize(
    "size, text",
    [(10 * 1024 * 1024, "۱۰ مگابایت"), (int(2.5 * 1024 * 1024), "۲٫۵ مگابایت"), (500 * 1024, "۵۰۰ کیلوبایت"),
     (900, "۹۰۰ بایت")],
)
def test_file_sizes_are_persian(size, text):
    assert format_file_size(size) == text


def test_too_large_names_the_limit_in_persian_digits():
    message = rejection_message(UploadRejected("too_large", limit=10 * 1024 * 1024), MESSAGES)
    assert "۱۰ مگابایت" in message and "10" not in message


def test_active_content_names_every_finding():
    rejected = UploadRejected("active_content", "application/pdf", findings=(
        Finding("pdf_open_action", "/OpenAction"), Finding("pdf_javascript", "/JavaScript"),
        Finding("html", "<script"), Finding("trailing_data", "1234")))
    message = rejection_message(rejected, MESSAGES)
    assert "/OpenAction" in message and "/JavaScript" in message and "<script" in message
    assert "جاوااسکریپت" in message and "باز شدن" in message and "HTML" in message
    assert "۱٬۲۳۴ بایت" in message
    assert not any(word in message for word in ("The file", "active content", "bytes"))


def test_every_finding_has_a_persian_label():
    assert set(FINDING_LABELS) == FINDINGS
    for code in FINDINGS:
        text = rejection_message(UploadRejected("active_content", findings=(Finding(code, "7"),)), MESSAGES)
        assert any("\u0600" <= char <= "\u06ff" for char in text) and "active" not in text


def test_svg_is_named():
    message = rejection_message(UploadRejected("executable", "image/svg+xml"), MESSAGES)
    assert "SVG" in message and message != MESSAGES["executable"]


def test_other_reasons_use_the_apps_wording():
    assert rejection_message(UploadRejected("unknown_type"), MESSAGES) == "نوع ناشناخته"
    assert rejection_message(UploadRejected("corrupt"), MESSAGES) == "نوع ناشناخته"
