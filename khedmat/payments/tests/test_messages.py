"""Every bank code has a Persian meaning; the raw code stays beside it for staff (issue 15, point 4)."""
import re
from urllib.parse import parse_qsl, urlsplit

import pytest

from khedmat.payments import gateways, services
from khedmat.payments.messages import BANK_CODES, PROBLEMS, attempt_problem, bank_code_message
from khedmat.payments.models import PaymentAttempt
from khedmat.payments.tests.sandbox import load_sandbox_module
from khedmat.testing import login, make_staff

PERSIAN = re.compile(r"[\u0600-\u06FF]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")


def _persian(text):
    return bool(PERSIAN.search(text)) and not LATIN_WORD.search(text)


def test_every_code_of_the_adapter_and_the_sandbox_has_a_persian_message(settings):
    settings.LANGUAGE_CODE = "fa"
    sandbox_codes = set(load_sandbox_module().MESSAGES)
    adapter_codes = {gateways.ZP_OK,
                     gateways.ZP_ALREADY_VERIFIED} | gateways.ZP_NOT_PAID_CODES | gateways.ZP_TRANSIENT_CODES
    assert sandbox_codes | adapter_codes <= set(BANK_CODES)
    for code in sandbox_codes | adapter_codes | set(BANK_CODES):
        assert _persian(bank_code_message(code)), code
    assert _persian(bank_code_message(-999)) and _persian(bank_code_message(None))
    assert all(_persian(str(text)) for text in PROBLEMS.values())


def test_an_attempt_shows_persian_with_the_raw_code_even_for_old_rows(settings):
    settings.LANGUAGE_CODE = "fa"
    old = PaymentAttempt(last_error="bank code -50: Session is not valid, amounts values is not the same.")
    text, code = attempt_problem(old)
    assert code == -50 and _persian(text) and "Session" not in text
    assert attempt_problem(PaymentAttempt(problem="verify_unavailable",
                                          last_error="verify unavailable: timeout"))[1] is None
    assert attempt_problem(PaymentAttempt()) == ("", None)


@pytest.mark.django_db
def test_the_finance_list_shows_the_bank_refusal_in_persian_with_its_code(client, sandbox, paid_case, applicant,
                                                                          tehran):
    sandbox.control("pay_less")  # the bank records another amount: verify answers -50
    invoice = services.invoice_for_case(case=paid_case)
    attempt = services.payment_start(invoice=invoice, by=applicant, callback_url="http://testserver/payments/callback/")
    services.payment_callback(params=dict(parse_qsl(urlsplit(sandbox.pay(attempt.authority)).query)))
    attempt.refresh_from_db()
    assert attempt.bank_code == -50 and attempt.problem == "not_paid"
    login(client, make_staff(province=tehran, roles=["finance"]))
    html = client.get("/staff/payments/").content.decode()
    assert "Session is not valid" not in html and "bank code" not in html
    assert "مبلغ پرداخت‌شده در بانک با صورت‌حساب فرق دارد" in html and '<bdi dir="ltr">-50</bdi>' in html
