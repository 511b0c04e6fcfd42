"""Someone checks a certificate: the public page in a phone browser, and the PDF's first page as an
image (kept under var/test-artifacts/ for people to look at), whose QR code leads to that page."""
import os
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

from khedmat.certificates import services
from khedmat.certificates.models import DocumentType
from khedmat.certificates.pdf import pdf_first_page_png
from khedmat.certificates.rendering import document_pdf
from khedmat.core.browser import serious_accessibility_violations
from khedmat.core.models import Province
from khedmat.testing import make_staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(settings.BASE_DIR) / "var" / "test-artifacts"


def test_verification_page_and_pdf_image(browser_page, live_server, settings):
    settings.KHEDMAT_SITE_URL = live_server.url
    staff = make_staff(province=Province.objects.get(code="tehran"), roles=["head"])
    document = services.document_issue(
        document_type=DocumentType.objects.get(code="grade_certificate"), holder_name="شرکت ساختمانی البرز کوه",
        holder_national_id="10380284790",
        scope=[{"label": "رشته", "value": "ساختمان"}, {"label": "پایه", "value": "۳"}], by=staff,
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf = document_pdf(document)
    (ARTIFACTS / "certificate.pdf").write_bytes(pdf)
    png = pdf_first_page_png(pdf, ARTIFACTS / "certificate-page1.png")


    with Image.open(png) as image:
        assert image.width < image.height  # A4 portrait
        gray = image.convert("L")
        top = gray.crop((0, 0, image.width, image.height // 5))
        assert top.getextrema()[0] < 100, "the letterhead should put dark text at the top of the page"

    zbarimg = shutil.which("zbarimg")
    if zbarimg:
        # Read the QR the way a phone camera would: from a sharper rendering of the same page.
        sharp = ARTIFACTS / "certificate-page1-200dpi"
        subprocess.run(["pdftoppm", "-png", "-r", "200", "-f", "1", "-l", "1", "-singlefile",
                        str(ARTIFACTS / "certificate.pdf"), str(sharp)], check=True)
        decoded = subprocess.run([zbarimg, "--quiet", "--raw", f"{sharp}.png"], capture_output=True,
                                 text=True).stdout.strip()
        assert decoded == services.qr_url(document)  # the compact address, in capitals (ADR 0018)
    elif os.environ.get("CI"):
        pytest.fail("zbarimg (Debian zbar-tools) is needed in CI to read the QR code")

    page = browser_page
    for address in (services.qr_url(document), services.verify_url(document)):  # the QR's, and the former QR's
        page.goto(address)
        assert "شرکت ساختمانی البرز کوه" in page.content()
        assert page.locator(".notice.ok").count() == 1 and page.locator(".notice.bad").count() == 0
    assert serious_accessibility_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    # Typing the verification code printed beside the QR leads to the same page.
    page.goto("/verify/")
    page.fill("#id_code", document.verification_code)
    page.click("main button[type=submit]")
    page.wait_for_url(f"**/verify/{document.public_id}/")
    assert page.log.csp_violations == []
