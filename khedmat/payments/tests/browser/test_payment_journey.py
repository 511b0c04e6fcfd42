"""An applicant pays a case's fee through the sandbox bank, end to end, in a phone browser."""
import pytest

from khedmat.core.browser import serious_accessibility_violations
from khedmat.payments.models import InvoiceStatus
from khedmat.testing import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pay_an_invoice_through_the_bank(browser_page, sandbox, paid_case, applicant):
    page = browser_page
    page.goto("/accounts/login/")
    page.fill("#id_national_id", applicant.national_id)
    page.fill("#id_password", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url("**/accounts/")
    page.goto(f"/cases/{paid_case.public_id}/")
    page.click("form[action$='/invoice/'] button")
    page.wait_for_url("**/payments/invoices/*/")
    assert "۲٬۵۰۰٬۰۰۰" in page.content()
    assert serious_accessibility_violations(page) == []
    page.click("form[action$='/pay/'] button")
    page.wait_for_url(f"{sandbox.url}/**")  # the bank's page
    page.get_by_role("button", name="پرداخت").click()
    page.wait_for_url("**/payments/invoices/*/")  # back from the bank, verified server to server
    invoice = paid_case.invoices.get()
    assert invoice.status == InvoiceStatus.PAID
    assert invoice.attempts.get().ref_id.translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")) in page.content()
    assert serious_accessibility_violations(page) == []
    page.click("a[href$='/pdf/']")  # the receipt downloads as a PDF
