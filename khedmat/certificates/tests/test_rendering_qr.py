"""The QR code of a printed document (ADR 0018): small enough for a phone photo of a print, still verifiable
offline. Read back with zbarimg (Debian zbar-tools) from the PDF rasterised at 300 dpi, as printed."""
import io
import json
import os
import shutil
import subprocess

import pytest
import segno
from PIL import Image, ImageFilter

from khedmat.certificates import rendering, services, signing
from khedmat.certificates.keys import keyring, public_keys
from khedmat.certificates.models import DocumentType
from khedmat.certificates.pdf import render_pdf
from tools import verify_certificate

pytestmark = pytest.mark.django_db

SCOPE = [{"label": "رشته", "value": "ساختمان و ابنیه، راه و ترابری، آب، تأسیسات و تجهیزات، صنعت و معدن"},
         {"label": "پایه", "value": "پایه ۳"}, {"label": "ظرفیت کاری", "value": "۴ کار همزمان"}]


@pytest.fixture
def certificate(administrator, settings):
    settings.KHEDMAT_SITE_URL = "https://khedmat.tehran-mpo.ir"
    return services.document_issue(
        document_type=DocumentType.objects.get(code="grade_certificate"),
        holder_name="شرکت ساختمانی و تأسیساتی البرز کوه سازان شمال (سهامی خاص)", holder_national_id="10380284790",
        holder_kind="شخص حقوقی", scope=SCOPE, by=administrator)


def tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is required in CI (Debian packages poppler-utils, zbar-tools)")
        pytest.skip(f"{name} is not installed")
    return path


def decode(image: Image.Image, tmp_path, name: str) -> list[str]:
    path = tmp_path / f"{name}.png"
    image.save(path)
    result = subprocess.run([tool("zbarimg"), "-q", "--raw", str(path)], capture_output=True, timeout=60)
    return result.stdout.decode().split()


def printed_page(pdf: bytes, tmp_path, dpi: int = 300) -> Image.Image:
    source = tmp_path / "document.pdf"
    source.write_bytes(pdf)
    subprocess.run([tool("pdftoppm"), "-png", "-r", str(dpi), "-gray", "-singlefile", str(source),
                    str(tmp_path / "page")],
                   check=True, capture_output=True, timeout=120)
    return Image.open(tmp_path / "page.png").convert("L")


def phone_photo(page: Image.Image) -> Image.Image:
    """A hand-held photo of the print's lower half: tilted, out of focus, a little coarser than the print (a 12 MP
    phone framing the whole A4 page gets about 340 dpi), grey paper and ink, JPEG-compressed."""
    photo = page.crop((0, page.height // 2, page.width, page.height))
    photo = photo.rotate(4, resample=Image.BICUBIC, expand=True, fillcolor=235)
    photo = photo.resize((photo.width * 9 // 10, photo.height * 9 // 10), Image.BILINEAR)  # 270 dpi
    photo = photo.filter(ImageFilter.GaussianBlur(1.5)).point(lambda v: 40 + v * 180 // 255)
    buffer = io.BytesIO()
    photo.save(buffer, "JPEG", quality=55)
    return Image.open(io.BytesIO(buffer.getvalue())).convert("L")


def test_the_qr_code_is_small_alphanumeric_and_level_m(certificate):
    url = services.qr_url(certificate)
    code = rendering.qr_code(url)

    assert code.version <= rendering.QR_MAX_VERSION and code.error == "M" and code.mode == "alphanumeric"
    assert len(url) < 230
    # What it replaces: the address with the whole token, in byte mode at level L.
    old = segno.make(services.verify_url(certificate), error="l")
    assert old.version >= 20 and code.version <= old.version - 10


def test_a_photo_of_the_300_dpi_print_reads_back_to_an_address_that_verifies(certificate, tmp_path, client):
    pdf = rendering.document_pdf(certificate)
    page = printed_page(pdf, tmp_path)
    url = services.qr_url(certificate)

    assert decode(page.crop((0, page.height // 2, page.width, page.height)), tmp_path, "print") == [url]
    assert decode(phone_photo(page), tmp_path, "photo") == [url]

    # Offline: the published keys alone prove the number and code, and tie them to the PDF's full content.
    checked = signing.compact_verify(url, signing.public_keys_from_document(signing.public_keys_document(keyring())))
    assert checked.valid and checked.number == certificate.number and checked.code == certificate.verification_code
    full = signing.verify_token(certificate.token, public_keys())
    assert signing.compact_matches(checked, full.payload)

    # Online: the address opens the verification page, without a warning.
    path = url.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    html = response.content.decode()
    assert response.status_code == 200 and "البرز کوه سازان" in html and 'role="alert"' not in html


def test_the_photo_is_one_the_former_qr_code_did_not_survive(certificate, tmp_path):
    """The same photo of a print with the former QR code (the whole KH1 token, level L) does not read back."""
    former = segno.make(services.verify_url(certificate), error="l").svg_inline(scale=2, border=2, dark="#000")
    pdf = render_pdf(template_name=certificate.document_type.template,
                     context={**rendering.pdf_context(certificate), "qr_svg": former})
    page = printed_page(pdf, tmp_path)
    assert decode(page.crop((0, page.height // 2, page.width, page.height)), tmp_path, "print")  # sharp: reads
    assert decode(phone_photo(page), tmp_path, "photo") == []


def test_the_offline_verifier_reads_the_qr_address_and_matches_it_with_the_pdf(certificate, tmp_path):
    keys = tmp_path / "keys.json"
    keys.write_text(json.dumps(signing.public_keys_document(keyring())), encoding="utf-8")
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(rendering.document_pdf(certificate))
    url = services.qr_url(certificate)

    assert verify_certificate.main(["--keys", str(keys), url]) == verify_certificate.EXIT_VALID
    assert verify_certificate.main(["--keys", str(keys), url, "--pdf", str(pdf)]) == verify_certificate.EXIT_VALID
    other = tmp_path / "other.pdf"
    other.write_bytes(rendering.document_pdf(services.document_issue(
        document_type=certificate.document_type, holder_name="شرکت دیگر", by=certificate.issued_by)))
    assert verify_certificate.main(["--keys", str(keys), url, "--pdf", str(other)]) == verify_certificate.EXIT_INVALID


def test_an_altered_qr_address_is_flagged_on_the_page(certificate, client):
    url = services.qr_url(certificate)
    code = url.rsplit("/", 1)[1]
    data = bytearray(signing._b32_decode_strict(code))
    data[20] ^= 0x01  # one bit of the content digest
    forged = signing._b32(bytes(data))
    assert signing.compact_verify(forged, public_keys()).reason == signing.REASON_BAD_SIGNATURE

    html = client.get(f"/V/{forged}").content.decode()
    assert 'role="alert"' in html  # the document is shown, with the warning that the QR does not match
    assert client.get("/V/NOTACODE").status_code == 404


def test_old_prints_keep_verifying(certificate, client):
    """QR codes printed before ADR 0018 carry the KH1 token in /verify/<id>/?t=…: still accepted."""
    data = client.get(f"/verify/{certificate.public_id}/json/", {"t": certificate.token}).json()
    assert data["presented_token_valid"] is True and data["signature_valid"] is True
