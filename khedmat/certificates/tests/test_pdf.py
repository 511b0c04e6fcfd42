"""Persian PDFs (certificates, official letters): tested by extracting the text, not by eye.

LESSONS ("Persian PDFs fail everywhere else"): the text must come out of the PDF in logical order with
no tofu, in the embedded Vazirmatn (a wrong @font-face path silently falls back to DejaVu Sans).
Extraction drops the zero-width non-joiner, so comparisons remove it.

Known extractor quirks, which are not defects of the PDF:
- pdftotext wraps runs in bidi embedding controls (U+202A/U+202B … U+202C) and moves a colon that
  precedes a number to the other side of it («تاریخ: ۱۶ …» → «تاریخ ۱۶ :…»); `normalise` removes both.
- pdftotext (and PDFBox, pdfminer, PyMuPDF) reverse the letters of a glyph that stands for two letters
  inside a right-to-left line: the original Vazirmatn's lam-alef ligature extracted as «صالحیت». The PDF
  renderer therefore uses the build of Vazirmatn in static/vendor/vazirmatn/pdf/ (tools/build_pdf_fonts.py,
  ADR 0018), which draws the same ligature with one glyph per letter; the tests below extract every word of
  the document titles and compare the printout with the original font's, pixel for pixel. pypdf reverses
  Persian digits, so it is not used for numbers.
- pdftotext also moves the spaces next to a run of digits («مدت ۱۰ روز» → «مدت  ۱۰روز»): strings
  with digits are compared by `compact`, without whitespace and colons (the order of the letters and
  digits is still checked).

The labels of the PDF templates are English msgids; until the Persian catalogue has them, the module
fixture `persian_labels` supplies them from a catalogue of its own (the project's takes precedence), so
the tests see the documents as they are issued. A Persian line with an English label in it extracts
differently (pdftotext treats it as left-to-right).
"""
import datetime as dt
import importlib.util
import io
import os
import re
import shutil
import struct
import subprocess

import polib
import pytest
import segno
import yaml
from django.conf import settings
from django.test import override_settings
from django.utils import translation
from PIL import Image, ImageChops
from pypdf import PdfReader

from khedmat.certificates import reference_data
from khedmat.certificates.pdf import (
    PdfRenderingError,
    html_to_pdf,
    local_url_fetcher,
    pdf_first_page_png,
    render_html,
    render_pdf,
    static_root,
)
from khedmat.certificates.services import ISSUER
from khedmat.core import jalali

HOLDER = "شرکت ساختمانی البرز کوه"
NUMBER = "4140500012"
NUMBER_FA = "۴۱۴۰۵۰۰۰۱۲"
ISSUED = dt.date(2025, 5, 6)  # ۱۶ اردیبهشت ۱۴۰۴
VALID_UNTIL = dt.date(2028, 5, 5)
LETTERHEAD = (
    "ریاست جمهوری",
    "سازمان برنامه و بودجه کشور",
    "سازمان مدیریت و برنامه ریزی استان تهران",
)
VERIFY_URL = "https://khedmat.tehran-mpo.ir/verify/4f1c2a9e8b7d4c3fa0e1b2c3d4e5f607"
KEYWORDS = "گواهینامه صلاحیت پیمانکاری,4140500012, KHD-4140-7Q2M"  # odd comma spacing on purpose
A4_POINTS = (595.28, 841.89)

ZWNJ_AND_BIDI_CONTROLS = dict.fromkeys(map(ord,
                                           "\u200c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


# The msgids introduced by the templates of certificates/pdf/ (with context where there is one).
PDF_LABELS = {
    "Page": "صفحه",
    ("page 1 of 2", "of"): "از",
    "Number:": "شماره:",
    "Date:": "تاریخ:",
    "Certificate number": "شماره گواهینامه",
    "Replaces certificate number %(number)s": "جایگزین گواهینامه شماره %(number)s",
    "This is to certify that": "بدین‌وسیله گواهی می‌شود",
    "ID:": "شناسه:",
    "holds the qualification set out below.": "دارای صلاحیت به شرح زیر است.",
    "Date of issue:": "تاریخ صدور:",
    "Valid until:": "معتبر تا:",
    "No expiry date": "بدون تاریخ انقضا",
    "Verification code:": "کد استعلام:",
    "This certificate is valid only if the details shown when its code is checked on the verification page "
    "match this printout.": "این گواهینامه تنها در صورتی معتبر است که مشخصات نمایش‌داده‌شده در صفحه استعلام، "
    "با وارد کردن کد آن، با این نسخه چاپی یکسان باشد.",
    "Attachment:": "پیوست:",
    "To:": "به:",
    "Subject:": "موضوع:",
    "Document:": "مدرک:",
}


@pytest.fixture(scope="module", autouse=True)
def persian_labels(tmp_path_factory):
    """A fallback catalogue for the labels above, after the project's own in LOCALE_PATHS."""
    directory = tmp_path_factory.mktemp("locale")
    (directory / "fa" / "LC_MESSAGES").mkdir(parents=True)
    catalogue = polib.POFile()
    catalogue.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": "fa"}
    for key, msgstr in PDF_LABELS.items():
        msgctxt, msgid = key if isinstance(key, tuple) else (None, key)
        catalogue.append(polib.POEntry(msgid=msgid, msgstr=msgstr, msgctxt=msgctxt))
    catalogue.save_as_mofile(str(directory / "fa" / "LC_MESSAGES" / "django.mo"))
    with override_settings(LOCALE_PATHS=[*settings.LOCALE_PATHS, str(directory)]):  # resets the caches
        yield


def normalise(text: str) -> str:
    """Drop ZWNJ and bidi controls, treat colons as spaces, collapse whitespace (see the docstring)."""
    return re.sub(r"\s+", " ", text.translate(ZWNJ_AND_BIDI_CONTROLS).replace(":", " ")).strip()


def compact(text: str) -> str:
    """For strings with digits: drop ZWNJ, bidi controls, colons and all whitespace."""
    return re.sub(r"[\s:]", "", text.translate(ZWNJ_AND_BIDI_CONTROLS))


def require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is required in CI (Debian package poppler-utils)")
        pytest.skip(f"{name} is not installed (Debian package poppler-utils)")
    return path


def pdftotext(pdf: bytes, tmp_path, *, layout: bool) -> str:
    source = tmp_path / ("layout.pdf" if layout else "plain.pdf")
    source.write_bytes(pdf)
    args = [require_tool("pdftotext"), *(["-layout"] if layout else []), "-enc", "UTF-8", str(source), "-"]
    return subprocess.run(args, check=True, capture_output=True, timeout=60).stdout.decode()


def pdffonts(pdf: bytes, tmp_path) -> list[dict]:
    """pdffonts' table as rows {"name", "emb"}."""
    source = tmp_path / "fonts.pdf"
    source.write_bytes(pdf)
    output = subprocess.run(
        [require_tool("pdffonts"), str(source)], check=True, capture_output=True, timeout=60
    ).stdout.decode()
    rows = []
    for line in output.splitlines()[2:]:  # header and dashes
        fields = line.split()
        # name type… encoding emb sub uni object-id generation: emb is the 5th field from the end.
        rows.append({"name": fields[0], "emb": fields[-5]})
    return rows


def pdf_reader(pdf: bytes) -> PdfReader:
    return PdfReader(io.BytesIO(pdf))


def pypdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pdf_reader(pdf).pages)


def qr_svg(url: str) -> str:
    return segno.make(url, error="m").svg_inline(scale=4, border=0)


def certificate_context(**overrides):
    context = {
        "title": "گواهینامه صلاحیت پیمانکاری",
        "number": NUMBER,
        "verification_code": "KHD-4140-7Q2M",
        "holder_name": HOLDER,
        "holder_id_masked": "****1234",
        "holder_kind_label": "شخص حقوقی",
        "scope": [
            {"label": "رشته", "value": "ساختمان و ابنیه"},
            {"label": "پایه", "value": "پایه ۳"},
            {"label": "ظرفیت کاری", "value": "۴ کار همزمان"},
        ],
        "issued_on": ISSUED,
        "valid_until": VALID_UNTIL,
        "signer_name": "مهندس علی‌رضا محمدی",
        "signer_title": "معاون توسعه مدیریت و سرمایه انسانی",
        "qr_svg": qr_svg(VERIFY_URL),
        "verify_url": VERIFY_URL,
        "replaces_number": "4140300007",
        # Decided by `certificates.rendering.pdf_context` from the type and the ID (tested there).
        "number_label": "شماره گواهینامه",
        "replaces_label": "جایگزین گواهینامه شماره ۴۱۴۰۳۰۰۰۰۷",
        "holder_id_public": "****1234",
        "holder_id_label": "شناسه:",
        "validity_notice": PDF_LABELS["This certificate is valid only if the details shown when its code is checked on "
                                      "the verification page match this printout."],
    }
    return {**context, **overrides}


def letter_context(**overrides):
    context = {
        "number": "1404/2310/5512",
        "date": ISSUED,
        "attachment": "2 برگ",
        "recipient": HOLDER,
        "subject": "نقص مدارک پرونده 1404-00123",
        "greeting": "با سلام و احترام،",
        "body": [
            "بازگشت به درخواست شما در خصوص تمدید گواهینامه، پس از بررسی مدارک، موارد زیر نیازمند اصلاح یا تکمیل است.",
            "خواهشمند است ظرف مدت 10 روز کاری نسبت به رفع نواقص اقدام فرمایید.",
        ],
        "items": [
            {
                "text": "تصویر آگهی آخرین تغییرات روزنامه رسمی ارائه نشده است.",
                "guidance": "تصویر خوانای آگهی روزنامه رسمی را که آخرین تغییرات مدیران را نشان می‌دهد بارگذاری کنید.",
                "document": "آگهی روزنامه رسمی",
            },
            {
                "text": "مدرک تحصیلی مدیرعامل فاقد تأییدیه است.",
                "guidance": "تأییدیه تحصیلی صادرشده از دانشگاه را همراه مدرک بارگذاری کنید.",
                "document": "",
            },
        ],
        "closing": "در صورت عدم رفع نواقص در مهلت مقرر، پرونده مختومه خواهد شد.",
        "signer_name": "مهندس علی‌رضا محمدی",
        "signer_title": "معاون توسعه مدیریت و سرمایه انسانی",
        "qr_svg": qr_svg(VERIFY_URL),
        "verify_url": VERIFY_URL,
        "verification_code": "KHD-4140-7Q2M",
    }
    return {**context, **overrides}


METADATA = {
    "title": "گواهینامه صلاحیت پیمانکاری شماره ۴۱۴۰۵۰۰۰۱۲",
    "author": "سازمان مدیریت و برنامه ریزی استان تهران",
    "subject": "گواهینامه صلاحیت پیمانکاری",
    "keywords": KEYWORDS,
}


@pytest.fixture(scope="module")
def certificate_pdf():
    return render_pdf(template_name="certificates/pdf/certificate.html", context=certificate_context(),
                      metadata=METADATA)


@pytest.fixture(scope="module")
def letter_pdf():
    return render_pdf(
        template_name="certificates/pdf/letter.html",
        context=letter_context(),
        metadata={"title": "اعلام نواقص", "keywords": "نامه, نواقص"},
    )


@pytest.mark.parametrize("layout", [True, False], ids=["layout", "raw-order"])
def test_certificate_text_is_extracted_in_logical_order(certificate_pdf, tmp_path, layout):
    extracted = pdftotext(certificate_pdf, tmp_path, layout=layout)
    text, digits = normalise(extracted), compact(extracted)

    assert normalise(HOLDER) in text
    assert normalise(HOLDER)[::-1] not in text  # not in visual (reversed) order
    for line in LETTERHEAD:
        assert line in text
    assert NUMBER_FA in digits
    assert NUMBER not in digits  # Persian digits only
    assert jalali.format_date(ISSUED, "long") == "۱۶ اردیبهشت ۱۴۰۴"
    assert compact("تاریخ صدور: ۱۶ اردیبهشت ۱۴۰۴") in digits
    assert compact("معتبر تا: " + jalali.format_date(VALID_UNTIL, "long")) in digits
    assert compact("شماره گواهینامه " + NUMBER_FA) in digits
    assert compact("جایگزین گواهینامه شماره ۴۱۴۰۳۰۰۰۰۷") in digits
    assert "بدین وسیله گواهی می شود".replace(" ", "") in digits  # ZWNJ dropped by the extraction
    for row in certificate_context()["scope"]:  # the table (layout mode orders cells left to right)
        assert compact(row["label"]) in digits and compact(row["value"]) in digits
    assert compact("شناسه: ****۱۲۳۴") in digits  # the masked ID, left to right
    assert "KHD-4140-7Q2M" in digits
    assert "کد استعلام" in text  # lam-alef (ADR 0018)
    assert "گواهینامه صلاحیت پیمانکاری" in text
    assert "دارای صلاحیت به شرح زیر است." in text
    for part in VERIFY_URL.removeprefix("https:").split("/verify/"):  # wrapped after /verify/
        assert part in digits
    assert "\ufffd" not in text  # no undecodable glyphs


@pytest.mark.parametrize("layout", [True, False], ids=["layout", "raw-order"])
def test_letter_text_is_extracted_in_logical_order(letter_pdf, tmp_path, layout):
    extracted = pdftotext(letter_pdf, tmp_path, layout=layout)
    text, digits = normalise(extracted), compact(extracted)

    for line in LETTERHEAD:
        assert line in text
    assert compact("شماره: ۱۴۰۴/۲۳۱۰/۵۵۱۲") in digits
    assert compact("تاریخ: ۱۴۰۴/۰۲/۱۶") in digits  # Jalali, Persian digits
    assert compact("پیوست: ۲ برگ") in digits
    assert "به " + normalise(HOLDER) in text
    assert compact("موضوع: نقص مدارک پرونده") in digits
    assert "با سلام و احترام،" in text  # lam-alef (ADR 0018)
    assert normalise("موارد زیر نیازمند اصلاح یا تکمیل است.") in text
    assert compact("ظرف مدت ۱۰ روز کاری") in digits  # digits of the paragraphs become Persian
    assert normalise("تصویر آگهی آخرین تغییرات روزنامه رسمی ارائه نشده است.") in text
    assert compact("۱. تصویر آگهی") in digits or compact(".۱ تصویر آگهی") in digits  # numbered ۱.
    assert compact("۲. مدرک تحصیلی") in digits or compact(".۲ مدرک تحصیلی") in digits
    assert normalise("راهنمایی: تأییدیه تحصیلی صادرشده از دانشگاه را همراه مدرک بارگذاری کنید.") in text
    assert normalise("مدرک تحصیلی مدیرعامل فاقد تأییدیه است.") in text
    assert normalise("مدرک: آگهی روزنامه رسمی") in text
    assert "\ufffd" not in text


def test_lam_alef_words_extract_correctly_with_pypdf(certificate_pdf, letter_pdf):
    certificate = normalise(pypdf_text(certificate_pdf))
    assert "گواهینامه صلاحیت پیمانکاری" in certificate
    assert normalise(HOLDER) in certificate
    letter = normalise(pypdf_text(letter_pdf))
    assert "با سلام و احترام،" in letter
    assert "اصلاح یا تکمیل" in letter


@pytest.mark.parametrize("which", ["certificate", "letter"])
def test_vazirmatn_is_embedded_and_nothing_falls_back(which, certificate_pdf, letter_pdf, tmp_path):
    pdf = {"certificate": certificate_pdf, "letter": letter_pdf}[which]
    fonts = pdffonts(pdf, tmp_path)

    assert fonts, "no fonts at all"
    names = [font["name"] for font in fonts]
    assert any("Vazirmatn" in name and font["emb"] == "yes" for name, font in zip(names, fonts, strict=True)), names
    assert any("Vazirmatn-Bold" in name for name in names), names  # the bold face loaded too
    assert not [name for name in names if "dejavu" in name.lower()], names
    assert all("Vazirmatn" in name for name in names), names  # no other fallback either
    assert all(font["emb"] == "yes" for font in fonts), fonts


def test_metadata_is_written_verbatim(certificate_pdf):
    reader = pdf_reader(certificate_pdf)
    info = reader.metadata

    assert info["/Keywords"] == KEYWORDS
    assert info["/Title"] == METADATA["title"]
    assert info["/Author"] == METADATA["author"]
    assert info["/Subject"] == METADATA["subject"]
    assert reader.trailer["/Root"]["/Lang"] == "fa"


def test_metadata_rejects_unknown_keys():
    with pytest.raises(ValueError, match="creator"):
        render_pdf(template_name="certificates/pdf/letter.html", context=letter_context(), metadata={"creator": "x"})


def test_metadata_goes_into_the_html_head():
    html = render_html(
        template_name="certificates/pdf/certificate.html", context=certificate_context(), metadata=METADATA
    )
    assert f"<title>{METADATA['title']}</title>" in html
    assert f'<meta name="author" content="{METADATA["author"]}">' in html
    assert f'<meta name="description" content="{METADATA["subject"]}">' in html
    assert f'<meta name="keywords" content="{KEYWORDS}">' in html
    assert '<html lang="fa" dir="rtl">' in html


@pytest.mark.parametrize("which", ["certificate", "letter"])
def test_a4_portrait_single_page(which, certificate_pdf, letter_pdf):
    reader = pdf_reader({"certificate": certificate_pdf, "letter": letter_pdf}[which])

    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert float(box.width) == pytest.approx(A4_POINTS[0], abs=1)
    assert float(box.height) == pytest.approx(A4_POINTS[1], abs=1)


def test_page_number_footer_is_in_persian_digits(certificate_pdf, tmp_path):
    text = compact(pdftotext(certificate_pdf, tmp_path, layout=False))
    assert text.endswith("صفحه۱از۱"), text[-40:]  # «صفحه ۱ از ۱», counter(page, persian)


def test_certificate_without_expiry_or_replacement(tmp_path):
    pdf = render_pdf(
        template_name="certificates/pdf/certificate.html",
        context=certificate_context(valid_until=None, replaces_number=None, replaces_label="", qr_svg="",
                                    verify_url=""),
    )
    text = normalise(pdftotext(pdf, tmp_path, layout=False))
    with translation.override("fa"):
        no_expiry = translation.gettext("No expiry date")  # «بدون تاریخ انقضا» once the catalogue has it

    assert normalise(no_expiry) in text
    assert "۴۱۴۰۳۰۰۰۰۷" not in text
    assert len(pdf_reader(pdf).pages) == 1


def test_long_scope_flows_onto_a_second_page_without_losing_rows(tmp_path):
    scope = [{"label": f"رشته {i}", "value": "ساختمان و ابنیه، پایه ۳، ظرفیت ۴ کار همزمان"} for i in range(1, 16)]
    pdf = render_pdf(template_name="certificates/pdf/certificate.html", context=certificate_context(scope=scope))
    text = normalise(pdftotext(pdf, tmp_path, layout=False))

    assert text.count("ساختمان و ابنیه") == 15
    assert "KHD-4140-7Q2M" in text and normalise(HOLDER) in text


def test_first_page_png(certificate_pdf, tmp_path):
    require_tool("pdftoppm")
    path = pdf_first_page_png(certificate_pdf, tmp_path / "certificate.png")

    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])  # IHDR
    assert (width, height) == (pytest.approx(661, abs=2), pytest.approx(935, abs=2))  # A4 at 80 dpi
    assert 20_000 < len(data) < 3_000_000


def test_qr_code_survives_printing(certificate_pdf, tmp_path):
    require_tool("pdftoppm")
    zbarimg = shutil.which("zbarimg")
    if zbarimg is None:
        pytest.skip("zbarimg is not installed (Debian package zbar-tools)")
    path = pdf_first_page_png(certificate_pdf, tmp_path / "qr.png")
    result = subprocess.run([zbarimg, "-q", "--raw", str(path)], capture_output=True, timeout=60)

    assert result.stdout.decode().strip() == VERIFY_URL


def test_fetcher_serves_static_files_only():
    fetcher = local_url_fetcher()
    font = static_root() / "vendor" / "vazirmatn" / "Vazirmatn-Regular.ttf"

    response = fetcher.fetch(font.as_uri())
    assert response.read(4) == b"\x00\x01\x00\x00"  # a TrueType font
    for url in (
        "https://fonts.example.com/Vazirmatn-Regular.ttf",
        "http://127.0.0.1/x.css",
        "data:text/css,body{}",
        "file:///etc/passwd",
        (static_root().parent / "pyproject.toml").as_uri(),
        "file://example.com/share/x.ttf",
    ):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(url)


@pytest.mark.parametrize(
    "html",
    [
        '<img src="https://example.com/logo.png">',
        '<link rel="stylesheet" href="http://example.com/x.css">',
        "<style>@font-face { font-family: X; src: url(vendor/vazirmatn/missing.ttf) } body { font-family: X }</style>",
    ],
    ids=["remote-image", "remote-stylesheet", "missing-font"],
)
def test_rendering_stops_instead_of_fetching_or_falling_back(html):
    with pytest.raises(PdfRenderingError):
        html_to_pdf(f"<!doctype html><html lang=fa dir=rtl><head>{html}</head><body>سلام</body></html>")


# --- lam-alef and other multi-letter glyphs (ADR 0018) ----------------------------------------------------------

def document_titles() -> list[str]:
    """The titles of every document type the seed creates, and the issuer's name printed on each."""
    return [entry["title"] for entry in yaml.safe_load(reference_data.FILE.read_text(encoding="utf-8"))] + [
        ISSUER, *LETTERHEAD]


# Words with lam-alef in its two forms (ﻻ after a non-joining letter, ﻼ after a joining one), with the other
# alefs (آ أ إ), and «الله», whose ligature the PDF font drops.
LAM_ALEF_WORDS = ["صلاحیت", "اصلاحیه", "استعلام", "اعلام", "اطلاعات", "سلام", "لازم", "کلاس", "بلامانع",
                  "علائم", "الآن", "لأن", "لإ", "الله", "تلاش", "ملاحظات", "بلافاصله"]


def _lines_html(lines: list[str], font_css: str = "") -> str:
    # One page (A3) holds every title: the image comparison reads the first page only.
    rows = "".join(f"<h1>{line}</h1><p>{line}</p>" for line in lines)
    return (f'<html lang="fa" dir="rtl"><head><link rel="stylesheet" href="certificates/pdf.css">'
            f"<style>@page {{ size: A3 }} h1 {{ font-size: 16pt; margin: 0 }} "
            f"{font_css}</style></head><body>{rows}</body></html>")


def test_every_word_of_the_document_titles_extracts_as_written(tmp_path):
    words = sorted({word for title in document_titles() for word in title.split()} | set(LAM_ALEF_WORDS))
    assert "صلاحیت" in words and "اعلام" in words  # the seed's titles do carry lam-alef
    pdf = html_to_pdf(_lines_html([*document_titles(), " ".join(LAM_ALEF_WORDS)]))

    for layout in (False, True):
        extracted = set(normalise(pdftotext(pdf, tmp_path, layout=layout)).split())
        missing = [word for word in words if normalise(word) not in extracted]
        assert not missing, f"pdftotext (layout={layout}) does not give back: {missing}"
    by_pypdf = set(normalise(pypdf_text(pdf)).split())
    assert not [word for word in words if normalise(word) not in by_pypdf]
    assert "صالحیت" not in extracted and "اعالم" not in extracted  # the reversal of the original font


def _page_png(pdf: bytes, tmp_path, name: str) -> bytes:
    source = tmp_path / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run([require_tool("pdftoppm"), "-png", "-r", "110", "-singlefile", str(source), str(tmp_path / name)],
                   check=True, capture_output=True, timeout=60)
    return (tmp_path / f"{name}.png").read_bytes()


def _pixels(png: bytes):
    return Image.open(io.BytesIO(png)).convert("L")


ORIGINAL_FONT_CSS = (
    '@font-face { font-family: "Original"; src: url("vendor/vazirmatn/Vazirmatn-Regular.ttf"); font-weight: 400 }'
    '@font-face { font-family: "Original"; src: url("vendor/vazirmatn/Vazirmatn-Bold.ttf"); font-weight: 700 }'
    'body, h1, p { font-family: "Original" }'
)


def _pixels_apart(a, b) -> int:
    """How many pixels differ clearly (by more than half the grey scale) between two renderings."""
    return sum(ImageChops.difference(a, b).point(lambda v: 1 if v > 128 else 0).histogram()[1:])


def test_the_pdf_font_prints_lam_alef_as_the_original_ligature(tmp_path):
    """Shaping checked by image: the split glyphs draw the pixels of Vazirmatn's ligatures.

    Glyph positions are rounded differently when one glyph becomes two, so a few anti-aliasing pixels at glyph
    edges differ (about a hundred on this page); printing lam and alef unjoined moves thousands.
    """
    # The lam-alef words first: only the first page is compared, and the titles grow with the document types.
    lines = [" ".join(w for w in LAM_ALEF_WORDS if w != "الله"), *document_titles()]
    ours = _pixels(_page_png(html_to_pdf(_lines_html(lines)), tmp_path, "ours"))
    original = _pixels(_page_png(html_to_pdf(_lines_html(lines, ORIGINAL_FONT_CSS)), tmp_path, "original"))
    unjoined = _pixels(_page_png(html_to_pdf(_lines_html(
        lines,
        ORIGINAL_FONT_CSS + ' body, h1, p { font-feature-settings: "rlig" 0, "liga" 0 }')), tmp_path, "unjoined"))

    assert ours.size == original.size
    ours_apart, unjoined_apart = _pixels_apart(ours, original), _pixels_apart(unjoined, original)
    assert unjoined_apart > 3000, (unjoined_apart, ours_apart)  # the comparison does see unjoined letters
    assert ours_apart < unjoined_apart / 20, (ours_apart, unjoined_apart)


def test_the_pdf_fonts_are_the_build_of_the_vendored_vazirmatn():
    """pdf.css uses static/vendor/vazirmatn/pdf/, exactly what tools/build_pdf_fonts.py makes of the vendored files."""
    css = (static_root() / "certificates" / "pdf.css").read_text(encoding="utf-8")
    faces = re.findall(r'url\("([^"]+)"\)', css)
    assert faces == ["../vendor/vazirmatn/pdf/VazirmatnKhedmatPDF-Regular.ttf",
                     "../vendor/vazirmatn/pdf/VazirmatnKhedmatPDF-Bold.ttf"]

    spec = importlib.util.spec_from_file_location("build_pdf_fonts", settings.BASE_DIR / "tools" / "build_pdf_fonts.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["--check"]) == 0
