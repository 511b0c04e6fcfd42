"""The PDF a holder prints, read back as text: the labels come from the document's type and holder."""
import re
import shutil
import subprocess

import pytest

from khedmat.certificates import services
from khedmat.certificates.models import DocumentType, HolderKind, holder_kind_label
from khedmat.certificates.rendering import document_pdf, pdf_context
from khedmat.certificates.tests.test_pdf import normalise, pypdf_text
from khedmat.certificates.tests.test_services import issue

pytestmark = pytest.mark.django_db

ZWNJ_AND_BIDI = dict.fromkeys(map(ord, "\u200c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def pdf_text(pdf: bytes, tmp_path) -> str:
    """pdftotext's text without ZWNJ, bidi controls, colons and whitespace (see test_pdf.py for why)."""
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext is not installed (poppler-utils)")
    source = tmp_path / "doc.pdf"
    source.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(source), "-"], check=True, capture_output=True,
                          timeout=60).stdout.decode()
    return re.sub(r"[\s:]", "", text.translate(ZWNJ_AND_BIDI))


def fa(value: str) -> str:
    return value.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))


def test_a_licence_is_numbered_as_a_licence_and_prints_the_company_id_in_full(administrator, tmp_path):
    licence = services.document_issue(document_type=DocumentType.objects.get(code="training_licence"),
                                      holder_name="موسسه آموزشی پارس", holder_national_id="10380284790",
                                      by=administrator)
    text = pdf_text(document_pdf(licence), tmp_path)
    assert "شمارهپروانه" + fa(licence.number) in text
    assert "شمارهگواهینامه" not in text and "اینگواهینامه" not in text
    assert "شناسهملی" + fa("10380284790") in text  # a company's national ID is public


def test_a_certificate_masks_a_persons_national_code(administrator, tmp_path):
    document = services.document_issue(document_type=DocumentType.objects.get(code="instructor_certificate"),
                                       holder_name="مریم احمدی", holder_national_id="0012345679", by=administrator)
    text = pdf_text(document_pdf(document), tmp_path)
    assert "شمارهگواهینامه" + fa(document.number) in text
    assert "کدملی******" + fa("5679") in text and fa("0012345679") not in text


def test_a_replacement_names_what_it_replaces_in_its_own_words(administrator):
    licence = services.document_issue(document_type=DocumentType.objects.get(code="training_licence"),
                                      holder_name="موسسه آموزشی پارس", holder_national_id="10380284790",
                                      by=administrator)
    renewed = services.document_reissue(document=licence, by=administrator)
    assert pdf_context(renewed)["replaces_label"] == f"جایگزین پروانه شماره {fa(licence.number)}"


def test_a_holder_kind_code_prints_as_its_persian_label(administrator):
    """Services store "legal"/"natural" (SAJAR's person types); the certificate says «شخص حقوقی»."""
    document = issue(administrator, holder_kind=HolderKind.LEGAL)
    text = normalise(pypdf_text(document_pdf(document)))
    assert "شخص حقوقی" in text and "legal" not in text.lower()
    assert holder_kind_label("natural") == "شخص حقیقی"
    assert holder_kind_label("مؤسسه آموزشی") == "مؤسسه آموزشی"  # a label stored by a service stays as it is


def test_a_natural_persons_certificate_prints_the_kind_in_persian_and_no_english_word(administrator, tmp_path):
    """`natural`, like `legal`, is a code: pdftotext of the printed certificate reads «شخص حقیقی» (issue 17 point 5)."""
    document = issue(administrator, holder_kind=HolderKind.NATURAL, holder_name="امیر کاظمی",
                     holder_national_id="0012345679")
    text = pdf_text(document_pdf(document), tmp_path)
    assert "شخصحقیقی" in text
    words = re.findall(r"[A-Za-z]{3,}", re.sub(r"https?/+[\w.-]+/verify/[0-9a-f-]+/", "", text))  # but the QR's address
    assert "natural" not in text.lower() and not words, words
