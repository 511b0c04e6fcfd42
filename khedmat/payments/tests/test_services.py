import datetime as dt
from urllib.parse import parse_qsl, urlsplit

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.utils import timezone

from khedmat.cases.services import case_submit
from khedmat.core.exceptions import ApplicationError
from khedmat.core.text import to_persian_digits
from khedmat.notifications.models import OutboxMessage
from khedmat.payments import gateways, services
from khedmat.payments.models import AttemptStatus, FeeSchedule, Invoice, InvoiceStatus, PaymentAttempt, RefusedCallback

pytestmark = pytest.mark.django_db


def test_the_amount_comes_from_the_schedule_in_force_on_the_day(paid_service):
    assert services.fee_schedule_in_force(service=paid_service, item_code="application_fee",
                                          on=dt.date(2025, 6, 1)).amount_rials == 2_000_000
    assert services.fee_schedule_in_force(service=paid_service, item_code="application_fee",
                                          on=dt.date(2026, 6, 1)).amount_rials == 2_500_000
    with pytest.raises(ApplicationError) as error:
        services.fee_schedule_in_force(service=paid_service, item_code="application_fee", on=dt.date(2024, 6, 1))
    assert error.value.code == "no_fee_schedule"


def test_the_1399_contractor_table_is_loaded_and_no_other_year(db):
    rows = FeeSchedule.objects.filter(service__code="contractor_qualification")
    assert {r.budget_year for r in rows} == {1399}
    amounts = {r.item_code: r.amount_rials for r in rows}
    assert amounts["contractor_grade_1"] == 10_500_000 and amounts["consultant_grade_3"] == 3_000_000
    assert {r.revenue_row for r in rows} == {"140146"}


def test_a_schedule_change_never_changes_an_issued_invoice(paid_case):
    invoice = services.invoice_for_case(case=paid_case)
    assert invoice.total_rials == 2_500_000
    FeeSchedule.objects.filter(service=paid_case.service).update(amount_rials=9_999_000)
    invoice.refresh_from_db()
    assert invoice.total_rials == 2_500_000 and invoice.lines[0]["amount_rials"] == 2_500_000
    assert services.invoice_for_case(case=paid_case) == invoice


def _pay(sandbox, applicant, invoice, result="ok"):
    attempt = services.payment_start(invoice=invoice, by=applicant, callback_url="http://testserver/payments/callback/")
    callback = sandbox.pay(attempt.authority, result=result)
    return attempt, callback


def _params(url):
    return dict(parse_qsl(urlsplit(url).query))


def test_a_verified_payment_pays_the_invoice_and_opens_the_guard(sandbox, paid_case, applicant):
    with pytest.raises(ApplicationError):
        case_submit(case=paid_case, by=applicant, expected_version=paid_case.version)
    invoice = services.invoice_for_case(case=paid_case)
    attempt, callback = _pay(sandbox, applicant, invoice)
    settled = services.payment_callback(params=_params(callback))
    invoice.refresh_from_db()
    assert settled.status == AttemptStatus.PAID and settled.ref_id and invoice.status == InvoiceStatus.PAID
    assert settled.receipt is not None and settled.receipt.document_type.code == "payment_receipt"
    paid_case.refresh_from_db()
    assert case_submit(case=paid_case, by=applicant, expected_version=paid_case.version).tracking_number


def test_a_callback_twice_makes_one_payment_and_asks_the_bank_once(sandbox, paid_case, applicant):
    invoice = services.invoice_for_case(case=paid_case)
    attempt, callback = _pay(sandbox, applicant, invoice)
    services.payment_callback(params=_params(callback))
    services.payment_callback(params=_params(callback))
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.PAID and attempt.verify_attempts == 1 and attempt.callback_count == 2
    assert PaymentAttempt.objects.filter(status=AttemptStatus.PAID).count() == 1


def test_a_forged_callback_never_pays(sandbox, paid_case, applicant):
    invoice = services.invoice_for_case(case=paid_case)
    attempt = services.payment_start(invoice=invoice, by=applicant, callback_url="http://testserver/payments/callback/")
    # Status=OK typed by hand, without paying at the bank:
    forged = services.payment_callback(params={"Authority": attempt.authority, "Status": "OK"})
    invoice.refresh_from_db()
    assert forged.status == AttemptStatus.FAILED and invoice.status == InvoiceStatus.OPEN
    with pytest.raises(ApplicationError):
        services.payment_callback(params={"Authority": "A" + "0" * 35, "Status": "OK"})
    with pytest.raises(ApplicationError):
        services.payment_callback(params={"Status": "OK"})


def test_a_wrong_amount_at_the_bank_is_refused(sandbox, paid_case, applicant):
    sandbox.control("pay_less")
    invoice = services.invoice_for_case(case=paid_case)
    attempt, callback = _pay(sandbox, applicant, invoice)
    settled = services.payment_callback(params=_params(callback))
    invoice.refresh_from_db()
    assert settled.status == AttemptStatus.FAILED and invoice.status == InvoiceStatus.OPEN


def test_a_timeout_is_unknown_and_reconciliation_settles_it(sandbox, paid_case, applicant, settings):
    settings.PAYMENT_GATEWAY_TIMEOUT = 1
    sandbox.control("timeout_verify", delay=3)
    invoice = services.invoice_for_case(case=paid_case)
    attempt, callback = _pay(sandbox, applicant, invoice)
    assert services.payment_callback(params=_params(callback)).status == AttemptStatus.UNKNOWN
    sandbox.control("normal")
    assert services.payments_reconcile()["paid"] == 1
    invoice.refresh_from_db()
    assert invoice.status == InvoiceStatus.PAID


def test_a_browser_that_never_came_back_is_settled_by_reconciliation(sandbox, paid_case, applicant, settings):
    invoice = services.invoice_for_case(case=paid_case)
    attempt, _callback = _pay(sandbox, applicant, invoice)  # paid at the bank; the browser closed
    assert services.payments_reconcile()["paid"] == 0  # too early: the person may still come back
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=settings.PAYMENT_RECONCILE_AFTER_SECONDS + 60)):
        assert services.payments_reconcile()["paid"] == 1
    attempt.refresh_from_db()
    assert attempt.status == AttemptStatus.PAID


def test_a_double_click_reuses_the_open_bank_session(sandbox, paid_case, applicant):
    invoice = services.invoice_for_case(case=paid_case)
    first = services.payment_start(invoice=invoice, by=applicant, callback_url="http://testserver/payments/callback/")
    second = services.payment_start(invoice=invoice, by=applicant, callback_url="http://testserver/payments/callback/")
    assert first == second and PaymentAttempt.objects.count() == 1


def test_a_payment_can_be_returned_where_the_bank_allows(sandbox, paid_case, applicant, administrator):
    invoice = services.invoice_for_case(case=paid_case)
    attempt, callback = _pay(sandbox, applicant, invoice)
    services.payment_callback(params=_params(callback))
    services.payment_reverse(attempt=attempt, by=administrator)
    attempt.refresh_from_db()
    invoice.refresh_from_db()
    assert attempt.status == AttemptStatus.REVERSED and invoice.status == InvoiceStatus.REFUNDED
    with pytest.raises(ApplicationError):
        services.payment_reverse(attempt=attempt, by=administrator)


def test_a_second_session_paid_after_the_first_is_given_back(sandbox, paid_case, applicant):
    invoice = services.invoice_for_case(case=paid_case)
    first = services.payment_start(invoice=invoice, by=applicant, callback_url="http://testserver/payments/callback/")
    PaymentAttempt.objects.filter(pk=first.pk).update(created_at=first.created_at - dt.timedelta(hours=1))
    second = services.payment_start(invoice=invoice, by=applicant, callback_url="http://testserver/payments/callback/")
    assert first != second
    services.payment_callback(params=_params(sandbox.pay(first.authority)))
    services.payment_callback(params=_params(sandbox.pay(second.authority)))
    second.refresh_from_db()
    assert second.status == AttemptStatus.REVERSED
    assert PaymentAttempt.objects.filter(status=AttemptStatus.PAID).count() == 1


def test_reconciliation_report_against_the_bank_settlements(sandbox, paid_case, applicant):
    invoice = services.invoice_for_case(case=paid_case)
    attempt, callback = _pay(sandbox, applicant, invoice)
    services.payment_callback(params=_params(callback))
    report = services.reconciliation_report(day=timezone.localdate(), province_id=paid_case.province_id)
    assert report["available"] and [a.pk for a in report["matched"]] == [attempt.pk]
    assert report["bank_only"] == [] and report["ours_only"] == []


# -- one open invoice per case and fee item; nothing kept for an invoice no longer open (issue 15, point 3) --

def test_the_database_refuses_a_second_open_invoice_for_the_same_items(paid_case):
    invoice = services.invoice_for_case(case=paid_case)
    assert invoice.items_key == "application_fee"
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.create(number="1405-9999999-1", case=paid_case, lines=[], total_rials=1,
                               items_key=invoice.items_key)
    # A cancelled or paid one does not count: a new open invoice may follow it.
    Invoice.objects.filter(pk=invoice.pk).update(status=InvoiceStatus.CANCELLED)
    again = services.invoice_for_case(case=paid_case)
    assert again != invoice and again.status == InvoiceStatus.OPEN
    assert int(again.number.split("-")[1]) == int(invoice.number.split("-")[1]) + 1


def test_a_payment_of_an_invoice_cancelled_meanwhile_is_given_back(sandbox, paid_case, applicant):
    invoice = services.invoice_for_case(case=paid_case)
    attempt, callback = _pay(sandbox, applicant, invoice)
    type(invoice).objects.filter(pk=invoice.pk).update(status=InvoiceStatus.CANCELLED)
    settled = services.payment_callback(params=_params(callback))
    invoice.refresh_from_db()
    assert settled.status == AttemptStatus.REVERSED and settled.problem == "invoice_not_open"
    assert invoice.status == InvoiceStatus.CANCELLED and settled.receipt is None


# -- refused returns kept for finance; the payer told of a verified payment (issue 15, point 5) ----------

def test_refused_callbacks_are_kept_with_their_reason_and_province(sandbox, paid_case, applicant):
    invoice = services.invoice_for_case(case=paid_case)
    attempt = services.payment_start(invoice=invoice, by=applicant, callback_url="http://testserver/payments/callback/")
    services.payment_callback(params={"Authority": attempt.authority, "Status": "OK"}, remote_addr="203.0.113.9")
    with pytest.raises(ApplicationError):
        services.payment_callback(params={"Authority": "A" + "0" * 35, "Status": "OK"}, remote_addr="203.0.113.9")
    with pytest.raises(ApplicationError):
        services.payment_callback(params={"Status": "OK", "x": "<script>"})
    rows = {row.reason: row for row in RefusedCallback.objects.all()}
    assert set(rows) == {"not_paid", "unknown_session", "unreadable"}
    assert rows["not_paid"].attempt == attempt and rows["not_paid"].remote_addr == "203.0.113.9"
    assert rows["not_paid"].bank_code == -51
    assert {row.province_id for row in rows.values()} == {paid_case.province_id}
    assert rows["unreadable"].params == {"Status": "OK", "x": "<script>"}


def test_a_return_for_another_amount_is_kept_as_a_mismatch(sandbox, paid_case, applicant):
    sandbox.control("pay_less")
    invoice = services.invoice_for_case(case=paid_case)
    _attempt, callback = _pay(sandbox, applicant, invoice)
    services.payment_callback(params=_params(callback))
    assert RefusedCallback.objects.get().reason == "amount_mismatch"


def test_a_verified_payment_is_confirmed_by_sms_and_in_app_with_the_bank_reference(
        sandbox, paid_case, applicant, django_capture_on_commit_callbacks):
    invoice = services.invoice_for_case(case=paid_case)
    _attempt, callback = _pay(sandbox, applicant, invoice)
    with django_capture_on_commit_callbacks(execute=True):
        settled = services.payment_callback(params=_params(callback))
    messages = OutboxMessage.objects.filter(recipient=applicant, template="payment_paid")
    assert {m.channel for m in messages} == {"sms", "inapp"}
    for message in messages:
        assert to_persian_digits(settled.ref_id) in message.body and "۲٬۵۰۰٬۰۰۰" in message.body
        assert "ریال" in message.body
    services.payment_callback(params=_params(callback))  # a second return sends nothing more
    assert OutboxMessage.objects.filter(recipient=applicant, template="payment_paid").count() == 2



def test_reconciliation_is_scoped_to_the_province(sandbox, paid_case, applicant, isfahan):
    """Isfahan's finance officer sees none of Tehran's payments, nor the bank's lines for them (issue 15, point 6)."""
    invoice = services.invoice_for_case(case=paid_case)
    attempt, callback = _pay(sandbox, applicant, invoice)
    services.payment_callback(params=_params(callback))
    other = services.reconciliation_report(day=timezone.localdate(), province_id=isfahan.pk)
    assert other["ours"] == [] and other["matched"] == [] and other["bank_only"] == [] and other["ours_only"] == []
    home = services.reconciliation_report(day=timezone.localdate(), province_id=paid_case.province_id)
    assert [a.pk for a in home["ours"]] == [attempt.pk] and [a.pk for a in home["matched"]] == [attempt.pk]


def test_a_refused_return_is_explained_in_persian(sandbox, paid_case, applicant, administrator):
    invoice = services.invoice_for_case(case=paid_case)
    attempt, callback = _pay(sandbox, applicant, invoice)
    services.payment_callback(params=_params(callback))
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=31)), pytest.raises(ApplicationError) as error:
        services.payment_reverse(attempt=attempt, by=administrator)
    assert error.value.extra["bank_code"] == -63 and "مهلت بانک" in error.value.message
    assert "Maximum" not in error.value.message


def test_a_flood_of_unmatched_returns_from_one_address_is_kept_only_up_to_the_hourly_allowance(settings):
    settings.PAYMENT_REFUSED_CALLBACKS_KEPT_PER_HOUR = 3
    for _ in range(6):
        with pytest.raises(ApplicationError):
            services.payment_callback(params={"Authority": "A" + "0" * 35, "Status": "OK"}, remote_addr="203.0.113.7")
    with pytest.raises(ApplicationError):
        services.payment_callback(params={"Authority": "A" + "0" * 35, "Status": "OK"}, remote_addr="203.0.113.8")
    assert RefusedCallback.objects.filter(remote_addr="203.0.113.7").count() == 3
    assert RefusedCallback.objects.filter(remote_addr="203.0.113.8").count() == 1


@pytest.mark.parametrize(("failure", "problem", "error"), [
    (gateways.GatewayUnavailable("timeout", code=-9), "verify_unavailable", "verify unavailable: timeout"),
    (gateways.GatewayError("merchant not active", code=-11), "bank_refused", "verify refused: merchant not active"),
])
def test_a_verify_the_bank_does_not_answer_or_refuses_leaves_the_payment_unknown(
        sandbox, paid_case, applicant, monkeypatch, failure, problem, error):
    attempt, _callback = _pay(sandbox, applicant, services.invoice_for_case(case=paid_case))

    class Failing:
        def verify(self, **kwargs):
            raise failure

    monkeypatch.setattr(gateways, "get_gateway", Failing)
    attempt = services.payment_verify(attempt=attempt)
    attempt.refresh_from_db()
    assert (attempt.status, attempt.problem, attempt.bank_code, attempt.last_error, attempt.verify_attempts) == (
        AttemptStatus.UNKNOWN, problem, failure.code, error, 1)
