"""The Zarinpal v4 adapter against the local sandbox gateway (a real HTTP server in a thread). No database."""
from __future__ import annotations

import datetime
import re
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest
import requests

from khedmat.payments.gateways import (
    Callback,
    GatewayError,
    GatewayUnavailable,
    InquiryResult,
    ZarinpalGateway,
    get_gateway,
)
from khedmat.payments.tests.sandbox import MERCHANT_ID, load_sandbox_module, sandbox_gateway  # noqa: F401

AMOUNT = 125_000
CALLBACK = "https://khedmat.example/payments/return/?attempt=7"


@pytest.fixture
def gateway(sandbox_gateway):  # noqa: F811
    return ZarinpalGateway(base_url=sandbox_gateway.url, merchant_id=MERCHANT_ID, timeout=5)


def start_payment(gateway, amount=AMOUNT, callback_url=CALLBACK):
    return gateway.request(
        amount=amount, callback_url=callback_url, description="هزینهٔ صدور گواهی", order_id="INV-1405-0001",
        mobile="09121234567",
    )


def callback_params(url: str) -> dict[str, str]:
    return {key: values[-1] for key, values in parse_qs(urlsplit(url).query).items()}


def tehran_today() -> datetime.date:
    return datetime.datetime.now(load_sandbox_module().TEHRAN).date()


def test_happy_path_request_pay_verify_inquiry_settle_reverse(gateway, sandbox_gateway):  # noqa: F811
    started = start_payment(gateway)
    assert re.fullmatch(r"A[0-9A-Za-z]{35}", started.authority)
    assert started.redirect_url == f"{sandbox_gateway.url}/pg/StartPay/{started.authority}"
    assert gateway.inquiry(authority=started.authority) == InquiryResult("IN_BANK")

    returned_to = sandbox_gateway.pay(started.authority)
    assert returned_to.startswith("https://khedmat.example/payments/return/?attempt=7&")
    callback = gateway.parse_callback(callback_params(returned_to))
    assert callback == Callback(authority=started.authority, status_ok=True)
    assert gateway.inquiry(authority=started.authority).status == "PAID"

    first = gateway.verify(authority=callback.authority, amount=AMOUNT)
    assert first.paid and first.code == 100 and not first.already_verified
    assert re.fullmatch(r"\d{10}", first.ref_id)
    assert re.fullmatch(r"6037-99\*\*-\*\*\*\*-\d{4}", first.card_pan)
    assert first.order_id == "INV-1405-0001"

    again = gateway.verify(authority=callback.authority, amount=AMOUNT)
    assert again.paid and again.code == 101 and again.already_verified
    assert (again.ref_id, again.card_pan) == (first.ref_id, first.card_pan)
    assert gateway.inquiry(authority=started.authority).status == "VERIFIED"

    settled = gateway.settlements(day=tehran_today())
    assert {"authority": started.authority, "amount": AMOUNT, "ref_id": first.ref_id, "status": "VERIFIED"} in settled
    assert gateway.settlements(day=tehran_today() - datetime.timedelta(days=1)) == []

    assert gateway.supports_reverse
    gateway.reverse(authority=started.authority)
    assert gateway.inquiry(authority=started.authority).status == "REVERSED"
    assert all(line["authority"] != started.authority for line in gateway.settlements(day=tehran_today()))
    after = gateway.verify(authority=started.authority, amount=AMOUNT)
    assert not after.paid
    with pytest.raises(GatewayError) as refused:
        gateway.reverse(authority=started.authority)
    assert refused.value.code == -61


def test_cancelled_payment_nok_callback_and_verify_not_paid(gateway, sandbox_gateway):  # noqa: F811
    started = start_payment(gateway)
    callback = gateway.parse_callback(callback_params(sandbox_gateway.pay(started.authority, result="cancel")))
    assert callback == Callback(authority=started.authority, status_ok=False)
    result = gateway.verify(authority=started.authority, amount=AMOUNT)
    assert (result.paid, result.code, result.ref_id) == (False, -51, "")
    assert gateway.inquiry(authority=started.authority).status == "FAILED"


def test_forged_ok_callback_does_not_make_a_payment(gateway):
    """The user never paid, but the browser comes back with Status=OK: only verify decides, and it says no."""
    started = start_payment(gateway)
    callback = gateway.parse_callback({"Authority": started.authority, "Status": "OK"})
    assert callback.status_ok
    result = gateway.verify(authority=callback.authority, amount=AMOUNT)
    assert not result.paid and result.code == -51


def test_pay_less_verify_with_invoice_amount_is_amount_mismatch(gateway, sandbox_gateway):  # noqa: F811
    sandbox_gateway.control("pay_less")
    started = start_payment(gateway)
    sandbox_gateway.pay(started.authority)
    result = gateway.verify(authority=started.authority, amount=AMOUNT)
    assert (result.paid, result.code, result.already_verified) == (False, -50, False)
    assert gateway.inquiry(authority=started.authority).status == "PAID"


def test_fail_verify_answers_not_paid_even_when_paid(gateway, sandbox_gateway):  # noqa: F811
    started = start_payment(gateway)
    sandbox_gateway.pay(started.authority)
    sandbox_gateway.control("fail_verify")
    result = gateway.verify(authority=started.authority, amount=AMOUNT)
    assert (result.paid, result.code) == (False, -51)


def test_verify_timeout_is_unavailable_and_a_later_verify_succeeds(sandbox_gateway):  # noqa: F811
    gateway = ZarinpalGateway(base_url=sandbox_gateway.url, merchant_id=MERCHANT_ID, timeout=1)
    started = start_payment(gateway)
    sandbox_gateway.pay(started.authority)
    sandbox_gateway.control("timeout_verify", delay=3)
    began = time.monotonic()
    with pytest.raises(GatewayUnavailable):
        gateway.verify(authority=started.authority, amount=AMOUNT)
    assert time.monotonic() - began < 2.5
    assert gateway.inquiry(authority=started.authority).status == "PAID"  # outcome unknown, money still there

    sandbox_gateway.control("normal")
    result = gateway.verify(authority=started.authority, amount=AMOUNT)
    assert result.paid and result.code == 100


def test_unknown_authority_is_not_paid(gateway):
    result = gateway.verify(authority="A" + "0" * 35, amount=AMOUNT)
    assert (result.paid, result.code) == (False, -54)
    with pytest.raises(GatewayError) as refused:
        gateway.inquiry(authority="A" + "0" * 35)
    assert refused.value.code == -54


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"Status": "OK"},
        {"Authority": "", "Status": "OK"},
        {"Authority": "A" + "0" * 35},
        {"Authority": "A" + "0" * 35, "Status": "ok"},
        {"Authority": "A" + "0" * 35, "Status": "PAID"},
        {"Authority": "A" + "0" * 34, "Status": "OK"},
        {"Authority": "A" + "0" * 34 + "'", "Status": "OK"},
        {"Authority": "../../admin" + "0" * 25, "Status": "OK"},
    ],
)
def test_parse_callback_rejects_malformed_params(params):
    gateway = ZarinpalGateway(base_url="http://127.0.0.1:9", merchant_id=MERCHANT_ID)
    with pytest.raises(GatewayError):
        gateway.parse_callback(params)


def test_request_refusals(gateway, sandbox_gateway):  # noqa: F811
    with pytest.raises(GatewayError) as too_small:
        start_payment(gateway, amount=999)
    assert too_small.value.code == -9
    stranger = ZarinpalGateway(base_url=sandbox_gateway.url, merchant_id="someone-else", timeout=5)
    with pytest.raises(GatewayError) as unknown_merchant:
        start_payment(stranger)
    assert unknown_merchant.value.code == -11
    with pytest.raises(ValueError):
        start_payment(gateway, amount=0)


def test_reverse_only_within_thirty_minutes(gateway, sandbox_gateway):  # noqa: F811
    started = start_payment(gateway)
    sandbox_gateway.pay(started.authority)
    with pytest.raises(GatewayError) as not_verified:
        gateway.reverse(authority=started.authority)
    assert not_verified.value.code == -61
    assert gateway.verify(authority=started.authority, amount=AMOUNT).paid
    payment = sandbox_gateway.state.payments[started.authority]
    payment.verified_at -= datetime.timedelta(minutes=31)
    with pytest.raises(GatewayError) as too_late:
        gateway.reverse(authority=started.authority)
    assert too_late.value.code == -63


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_connection_refused_is_unavailable():
    gateway = ZarinpalGateway(base_url=f"http://127.0.0.1:{closed_port()}", merchant_id=MERCHANT_ID, timeout=2)
    with pytest.raises(GatewayUnavailable):
        gateway.verify(authority="A" + "0" * 35, amount=AMOUNT)
    with pytest.raises(GatewayUnavailable):
        start_payment(gateway)
    with pytest.raises(GatewayUnavailable):
        gateway.settlements(day=datetime.date(2026, 3, 21))


class CountingCallback:
    """A tiny merchant site that counts the GETs on its callback URL."""

    def __init__(self):
        self.hits: list[str] = []
        self.lock = threading.Lock()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                with outer.lock:
                    outer.hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/payments/return/"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def wait_for(self, count: int, timeout: float = 5) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.hits) >= count:
                    return list(self.hits)
            time.sleep(0.05)
        return list(self.hits)

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)


def test_double_callback_calls_the_callback_url_twice(gateway, sandbox_gateway):  # noqa: F811
    site = CountingCallback()
    try:
        sandbox_gateway.control("double_callback")
        started = start_payment(gateway, callback_url=site.url)
        returned_to = sandbox_gateway.pay(started.authority)
        requests.get(returned_to, timeout=5)  # the browser follows the redirect
        hits = site.wait_for(2)
        assert len(hits) == 2
        for hit in hits:
            assert callback_params(hit) == {"Authority": started.authority, "Status": "OK"}
        time.sleep(0.3)
        assert len(site.hits) == 2  # once more, not forever
    finally:
        site.stop()
    # both callbacks verify the same single payment: the second one sees "already verified"
    assert gateway.verify(authority=started.authority, amount=AMOUNT).code == 100
    assert gateway.verify(authority=started.authority, amount=AMOUNT).already_verified


def test_start_pay_page_is_persian_rtl_with_the_amount(gateway, sandbox_gateway):  # noqa: F811
    started = start_payment(gateway)
    page = requests.get(started.redirect_url, timeout=5)
    assert page.status_code == 200
    assert page.headers["Content-Type"].startswith("text/html")
    text = page.text
    assert '<html lang="fa" dir="rtl">' in text
    assert re.search(r"<h1>[^<]+</h1>", text)
    assert "۱۲۵٬۰۰۰ ریال" in text
    assert 'data-rials="125000"' in text
    assert "هزینهٔ صدور گواهی" in text
    forms = re.findall(r'<form method="get" action="([^"]+)">.*?value="(\w+)".*?<button[^>]*>([^<]+)</button>', text,
                       re.S)
    action = f"/pg/sandbox/pay/{started.authority}"
    assert forms == [(action, "ok", "پرداخت"), (action, "cancel", "انصراف")]
    assert not re.search(r"\b(src|href)=|@import|url\(", text)  # no external assets

    sandbox_gateway.pay(started.authority)
    assert requests.get(started.redirect_url, timeout=5).status_code == 409  # no second payment on the same page
    assert requests.get(f"{sandbox_gateway.url}/pg/StartPay/{'A' + '0' * 35}", timeout=5).status_code == 404


def test_sandbox_health_reset_and_control_validation(sandbox_gateway):  # noqa: F811
    health = requests.get(f"{sandbox_gateway.url}/_sandbox/health", timeout=5)
    assert health.status_code == 200 and health.json()["mode"] == "normal"
    bad = requests.post(f"{sandbox_gateway.url}/_sandbox/control", json={"mode": "explode"}, timeout=5)
    assert bad.status_code == 400
    sandbox_gateway.control("fail_verify")
    gateway = ZarinpalGateway(base_url=sandbox_gateway.url, merchant_id=MERCHANT_ID, timeout=5)
    authority = start_payment(gateway).authority
    sandbox_gateway.reset()
    assert sandbox_gateway.state.mode == "normal"
    assert gateway.verify(authority=authority, amount=AMOUNT).code == -54


# -- the adapter's reading of odd answers, without a server -----------------------------------------------------


class FakeResponse:
    def __init__(self, status_code, body=None, text=None):
        self.status_code = status_code
        self._body = body
        self._text = text

    def json(self):
        if self._text is not None:
            raise ValueError("not JSON")
        return self._body


class FakeSession:
    def __init__(self, response):
        self.response = response
        self.calls = []

    def request(self, method, url, **kwargs):
        self.calls.append((method, url, kwargs))
        if isinstance(self.response, Exception):
            raise self.response
        return self.response


def fake_gateway(response):
    session = FakeSession(response)
    return ZarinpalGateway(base_url="https://payment.example/", merchant_id="m-1", timeout=3, session=session), session


@pytest.mark.parametrize(
    "response",
    [
        FakeResponse(500, {"data": {"code": 100}}),
        FakeResponse(502, text="<html>Bad gateway</html>"),
        FakeResponse(200, text="<html>maintenance</html>"),
        FakeResponse(200, ["unexpected"]),
        FakeResponse(200, {"data": [], "errors": []}),
        FakeResponse(200, {"data": {"code": 100, "ref_id": None}, "errors": []}),
        FakeResponse(200, {"data": [], "errors": {"code": -12, "message": "Too many attempts"}}),
        FakeResponse(200, {"data": [], "errors": {"code": -52, "message": "Oops"}}),
        requests.Timeout("read timed out"),
        requests.ConnectionError("reset by peer"),
    ],
)
def test_unknown_outcomes_are_unavailable_never_not_paid(response):
    gateway, _session = fake_gateway(response)
    with pytest.raises(GatewayUnavailable):
        gateway.verify(authority="A" + "1" * 35, amount=AMOUNT)


def test_verify_reads_zarinpal_answers_and_sends_the_documented_fields():
    gateway, session = fake_gateway(
        FakeResponse(200, {"data": {"code": 100, "ref_id": 201, "card_pan": "502229******5995"}, "errors": []})
    )
    result = gateway.verify(authority="A" + "1" * 35, amount=AMOUNT)
    assert (result.paid, result.ref_id, result.card_pan) == (True, "201", "502229******5995")
    method, url, kwargs = session.calls[0]
    assert (method, url) == ("POST", "https://payment.example/pg/v4/payment/verify.json")
    assert kwargs["json"] == {"merchant_id": "m-1", "amount": AMOUNT, "authority": "A" + "1" * 35}
    assert kwargs["timeout"] == 3.0

    refused, _ = fake_gateway(FakeResponse(422, {"data": [], "errors": {"code": -9, "message": "Validation error"}}))
    with pytest.raises(GatewayError) as error:  # a refusal of the request, not a verdict "not paid"
        refused.verify(authority="A" + "1" * 35, amount=AMOUNT)
    assert error.value.code == -9


def test_request_sends_the_documented_fields():
    gateway, session = fake_gateway(FakeResponse(200,
                                                 {"data": {"code": 100, "authority": "A" + "2" * 35}, "errors": []}))
    started = gateway.request(amount=AMOUNT, callback_url=CALLBACK, description="d", order_id="INV-1")
    assert started.redirect_url == "https://payment.example/pg/StartPay/" + "A" + "2" * 35
    _method, url, kwargs = session.calls[0]
    assert url == "https://payment.example/pg/v4/payment/request.json"
    assert kwargs["json"] == {
        "merchant_id": "m-1",
        "amount": AMOUNT,
        "currency": "IRR",
        "callback_url": CALLBACK,
        "description": "d",
        "metadata": {"order_id": "INV-1"},
    }


def test_settlements_absent_on_real_zarinpal_is_none():
    gateway, _ = fake_gateway(FakeResponse(404, text="<html>Not found</html>"))
    assert gateway.settlements(day=datetime.date(2026, 3, 21)) is None


def test_get_gateway_reads_settings(settings):
    settings.PAYMENT_GATEWAY_URL = "http://127.0.0.1:8999/"
    settings.PAYMENT_MERCHANT_ID = "merchant-x"
    settings.PAYMENT_GATEWAY_TIMEOUT = 4
    gateway = get_gateway()
    assert isinstance(gateway, ZarinpalGateway)
    assert (gateway.base_url, gateway.merchant_id, gateway.timeout) == ("http://127.0.0.1:8999", "merchant-x", 4.0)
    assert "merchant-x" not in repr(gateway)
    del settings.PAYMENT_GATEWAY_URL, settings.PAYMENT_MERCHANT_ID, settings.PAYMENT_GATEWAY_TIMEOUT
    defaults = get_gateway()
    assert (defaults.base_url, defaults.merchant_id, defaults.timeout) == (
        "http://127.0.0.1:8010",
        "khedmat-sandbox-merchant",
        10.0,
    )
