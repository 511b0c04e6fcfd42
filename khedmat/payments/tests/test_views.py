import datetime as dt
from io import BytesIO
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from khedmat.certificates.rendering import document_pdf
from khedmat.certificates.tests.test_rendering import pdf_text
from khedmat.core import jalali
from khedmat.payments import services
from khedmat.payments.models import AttemptStatus, FeeSchedule, Invoice, InvoiceStatus, RefusedCallback
from khedmat.testing import login, make_staff

pytestmark = pytest.mark.django_db


def test_pay_through_the_pages(client, sandbox, paid_case, applicant):
    login(client, applicant)
    response = client.post(f"/payments/cases/{paid_case.public_id}/invoice/")
    invoice = paid_case.invoices.get()
    assert response["Location"] == f"/payments/invoices/{invoice.public_id}/"
    html = client.get(response["Location"]).content.decode()
    assert "۲٬۵۰۰٬۰۰۰" in html
    response = client.post(f"/payments/invoices/{invoice.public_id}/pay/")
    assert response.status_code == 302 and response["Location"].startswith(sandbox.url)
    authority = response["Location"].rstrip("/").split("/")[-1]
    callback = urlsplit(sandbox.pay(authority))
    back = client.get(f"{callback.path}?{callback.query}", follow=True)
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID
    assert invoice.attempts.get().ref_id in back.content.decode().translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))


def test_a_forged_callback_page_shows_a_persian_error(client, db):
    response = client.get("/payments/callback/", {"Authority": "A" + "1" * 35, "Status": "OK"})
    assert response.status_code == 400 and 'dir="rtl"' in response.content.decode()


def test_others_cannot_see_or_pay_an_invoice(client, sandbox, paid_case, other_applicant, isfahan):
    invoice = services.invoice_for_case(case=paid_case)
    for person in (other_applicant, make_staff(province=isfahan, roles=["finance"])):
        login(client, person)
        assert client.get(f"/payments/invoices/{invoice.public_id}/").status_code == 404
        assert client.post(f"/payments/invoices/{invoice.public_id}/pay/").status_code == 404
        client.logout()
    assert not invoice.attempts.exists()


def test_finance_pages_and_excel(client, sandbox, paid_case, applicant, tehran):
    invoice = services.invoice_for_case(case=paid_case)
    attempt = services.payment_start(invoice=invoice, by=applicant, callback_url="http://testserver/payments/callback/")
    services.payment_callback(params=dict(parse_qsl(urlsplit(sandbox.pay(attempt.authority)).query)))
    finance = make_staff(province=tehran, roles=["finance"])
    login(client, finance)
    assert invoice.number.translate(str.maketrans("0123456789",
                                                  "۰۱۲۳۴۵۶۷۸۹")) in client.get("/staff/payments/").content.decode()
    assert client.get("/staff/payments/", {"status": AttemptStatus.FAILED}).status_code == 200
    report = client.get("/staff/payments/reconciliation/").content.decode()
    assert "۱" in report
    export = client.get("/staff/payments/export.xlsx")
    assert export.status_code == 200 and export.content[:2] == b"PK"
    sheet = load_workbook(BytesIO(export.content)).active
    assert sheet.sheet_view.rightToLeft and sheet.max_row == 2
    assert sheet.cell(2, 5).value == 2_500_000 and sheet.cell(2, 5).number_format == "#,##0"  # time takes two columns
    assert sheet.cell(2, 2).is_date and sheet.freeze_panes == "A2" and sheet.cell(1, 1).font.bold


def _paid_today(sandbox, paid_case, applicant):
    invoice = services.invoice_for_case(case=paid_case)
    attempt = services.payment_start(invoice=invoice, by=applicant, callback_url="http://testserver/payments/callback/")
    services.payment_callback(params=dict(parse_qsl(urlsplit(sandbox.pay(attempt.authority)).query)))
    return attempt


def test_the_payments_export_takes_a_period(client, sandbox, paid_case, applicant, tehran):
    attempt = _paid_today(sandbox, paid_case, applicant)
    today = timezone.localdate()
    login(client, make_staff(province=tehran, roles=["finance"]))
    assert 'name="date_from"' in client.get("/staff/payments/").content.decode()

    def rows(**dates):
        response = client.get("/staff/payments/export.xlsx", dates)
        assert response.status_code == 200, response.content.decode()
        return response, list(load_workbook(BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True))

    month_ago, yesterday = today - dt.timedelta(days=30), today - dt.timedelta(days=1)
    response, found = rows(date_from=jalali.format_date(month_ago), date_to=jalali.format_date(today))
    assert [row[-1] for row in found] == [attempt.authority]
    assert f"payments-{jalali.jalali_iso(month_ago)}-{jalali.jalali_iso(today)}.xlsx" in response["Content-Disposition"]
    assert rows(date_from=jalali.format_date(month_ago), date_to=jalali.format_date(yesterday))[1] == []
    assert rows(date_from=jalali.jalali_iso(today).replace("-", "/"))[1] != []  # Latin digits, one bound


def test_refused_export_dates_are_explained_in_persian(client, tehran):
    login(client, make_staff(province=tehran, roles=["finance"]))
    response = client.get("/staff/payments/export.xlsx", {"date_from": "1404/13/01"})
    assert response.status_code == 400 and "این تاریخ در تقویم شمسی وجود ندارد." in response.content.decode()
    reversed_ = client.get("/staff/payments/export.xlsx", {"date_from": "1404/06/01", "date_to": "1404/01/01"})
    assert reversed_.status_code == 400 and "تاریخ آغاز دوره پس از تاریخ پایان آن است." in reversed_.content.decode()
    too_long = client.get("/staff/payments/export.xlsx", {"date_from": "1402/01/01", "date_to": "1404/01/01"})
    assert too_long.status_code == 400 and "حداکثر پرداخت‌های یک سال" in too_long.content.decode()


def test_finance_sees_the_refused_returns_of_its_province_only(client, sandbox, paid_case, applicant, tehran, isfahan):
    invoice = services.invoice_for_case(case=paid_case)
    attempt = services.payment_start(invoice=invoice, by=applicant, callback_url="http://testserver/payments/callback/")
    client.get("/payments/callback/", {"Authority": attempt.authority, "Status": "OK"})  # forged: not paid at the bank
    client.get("/payments/callback/", {"Authority": "A" + "1" * 35, "Status": "OK"})
    assert RefusedCallback.objects.count() == 2
    login(client, make_staff(province=tehran, roles=["finance"]))
    html = client.get("/staff/payments/callbacks/").content.decode()
    assert attempt.authority in html and "A" + "1" * 35 in html
    assert "نشست پرداخت ناشناخته" in html and "127.0.0.1" in html
    client.logout()
    login(client, make_staff(province=isfahan, roles=["finance"]))
    html = client.get("/staff/payments/callbacks/").content.decode()
    assert attempt.authority not in html and "A" + "1" * 35 not in html
    client.logout()
    login(client, applicant)
    assert client.get("/staff/payments/callbacks/").status_code in (302, 403, 404)



def test_the_reconciliation_page_shows_the_staff_members_province_only(client, sandbox, paid_case, applicant, tehran,
                                                                       isfahan):
    invoice = services.invoice_for_case(case=paid_case)
    attempt = services.payment_start(invoice=invoice, by=applicant, callback_url="http://testserver/payments/callback/")
    services.payment_callback(params=dict(parse_qsl(urlsplit(sandbox.pay(attempt.authority)).query)))
    login(client, make_staff(province=isfahan, roles=["finance"]))
    page = client.get("/staff/payments/reconciliation/")
    assert page.status_code == 200
    assert page.context["report"]["ours"] == [] and page.context["report"]["bank_only"] == []
    assert attempt.authority not in page.content.decode()
    client.logout()
    login(client, make_staff(province=tehran, roles=["finance"]))
    page = client.get("/staff/payments/reconciliation/")
    assert [a.pk for a in page.context["report"]["ours"]] == [attempt.pk]


def test_the_invoice_and_its_receipt_name_the_budget_law_of_the_fee_table(client, sandbox, paid_case, applicant,
                                                                          tmp_path):
    FeeSchedule.objects.filter(service=paid_case.service).update(source="قانون بودجه سال ۱۴۰۴")
    invoice = services.invoice_for_case(case=paid_case)
    assert invoice.lines[0]["source"] == "قانون بودجه سال ۱۴۰۴"  # frozen with the line
    FeeSchedule.objects.filter(service=paid_case.service).update(source="بعداً ویرایش شد")
    login(client, applicant)
    html = client.get(f"/payments/invoices/{invoice.public_id}/").content.decode()
    assert "جدول تعرفه: قانون بودجه سال ۱۴۰۴" in html and "بعداً" not in html
    attempt = services.payment_start(invoice=invoice, by=applicant, callback_url="http://testserver/payments/callback/")
    services.payment_callback(params=dict(parse_qsl(urlsplit(sandbox.pay(attempt.authority)).query)))
    attempt.refresh_from_db()
    assert "جدولتعرفهقانونبودجهسال۱۴۰۴" in pdf_text(document_pdf(attempt.receipt), tmp_path)


def test_an_invoice_issued_before_lines_carried_the_law_reads_it_from_its_schedule(paid_case):
    invoice = services.invoice_for_case(case=paid_case)
    Invoice.objects.filter(pk=invoice.pk).update(lines=[{k: v for k, v in line.items() if k != "source"}
                                                        for line in invoice.lines])
    FeeSchedule.objects.filter(service=paid_case.service).update(source="قانون بودجه سال ۱۴۰۴")
    assert Invoice.objects.get(pk=invoice.pk).fee_sources == ["قانون بودجه سال ۱۴۰۴"]


def test_reconciliation_page_says_when_the_bank_does_not_answer(client, settings, tehran):
    """The finance desk links the page: an unreachable bank is a notice, not a server error."""
    settings.PAYMENT_GATEWAY_URL = "http://127.0.0.1:9"
    login(client, make_staff(province=tehran, roles=["finance"]))
    response = client.get("/staff/payments/reconciliation/")
    assert response.status_code == 200
    assert "در حال حاضر" in response.content.decode()
