"""A local sandbox of the Zarinpal v4 payment gateway, so the whole payment flow runs with no outside network.

    python tools/sandbox_gateway.py --port 8010 [--host 127.0.0.1] [--merchant khedmat-sandbox-merchant]

Standard library only (no Django). State is in memory, per authority: amount, callback URL, status.

Protocol (JSON in and out, as Zarinpal v4; success {"data": {"code": 100, ...}, "errors": []}, refusal
{"data": [], "errors": {"code": -5x, "message": ...}} with HTTP 400):

    POST /pg/v4/payment/request.json   {merchant_id, amount, currency, callback_url, description, metadata}
    GET  /pg/StartPay/<authority>      the bank page (Persian, two buttons: پرداخت / انصراف)
    GET  /pg/sandbox/pay/<authority>?result=ok|cancel
                                       what the buttons do: mark PAID / FAILED, 302 to callback_url?Authority=&Status=
    POST /pg/v4/payment/verify.json    {merchant_id, amount, authority} -> 100, then 101; -50, -51, -54
    POST /pg/v4/payment/inquiry.json   {merchant_id, authority} -> data.status
    POST /pg/v4/payment/reverse.json   {merchant_id, authority} -> 100 for VERIFIED payments within 30 minutes
    GET  /pg/v4/payment/settlements.json?merchant_id=&date=YYYY-MM-DD
                                       payments VERIFIED (and not reversed) that Tehran day

Test controls (not part of Zarinpal):

    POST /_sandbox/control  {"mode": "normal"|"fail_verify"|"timeout_verify"|"double_callback"|"pay_less",
                             "delay": seconds}
        fail_verify      verify answers -51 even when paid
        timeout_verify   verify sleeps `delay` seconds (default 30), then answers HTTP 504 without verifying
                         (the payment stays PAID; a later verify succeeds once the mode is normal)
        double_callback  after redirecting the browser, the server itself calls the callback URL once more
        pay_less         the bank records a paid amount 1000 rials lower than requested (verify then gives -50)
    POST /_sandbox/reset    forget every payment, mode back to normal
    GET  /_sandbox/health   200
"""
from __future__ import annotations

import argparse
import datetime
import html
import secrets
import string
import sys
import threading
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import parse_qs, quote, urlencode, urlsplit, urlunsplit

from _simserver import JsonHandler, StandInServer, serve

try:
    from zoneinfo import ZoneInfo

    TEHRAN = ZoneInfo("Asia/Tehran")
except Exception:  # pragma: no cover - no tz database: Iran has no DST since 2022
    TEHRAN = datetime.timezone(datetime.timedelta(hours=3, minutes=30), "IRST")

DEFAULT_MERCHANT = "khedmat-sandbox-merchant"
MODES = ("normal", "fail_verify", "timeout_verify", "double_callback", "pay_less")
MIN_AMOUNT = 1000
REVERSE_WINDOW = datetime.timedelta(minutes=30)
PAY_LESS_BY = 1000
ALPHANUMERIC = string.ascii_letters + string.digits

MESSAGES = {
    100: "Success",
    101: "Verified",
    -9: "Validation error",
    -11: "Merchant is not active, please contact our support team.",
    -50: "Session is not valid, amounts values is not the same.",
    -51: "Session is not valid, session is not active paid try.",
    -52: "Oops!! please contact our support team",
    -54: "Invalid authority.",
    -61: "Session is not in success status.",
    -63: "Maximum time for reverse this session is expired.",
}

PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")


def persian_amount(amount: int) -> str:
    """12000 -> ۱۲٬۰۰۰ (Persian digits, Arabic thousands separator)."""
    return f"{amount:,}".replace(",", "٬").translate(PERSIAN_DIGITS)


def new_authority() -> str:
    return "A" + "".join(secrets.choice(ALPHANUMERIC) for _ in range(35))


@dataclass
class Payment:
    authority: str
    merchant_id: str
    amount: int
    callback_url: str
    description: str
    order_id: str
    mobile: str
    status: str = "IN_BANK"  # IN_BANK -> PAID | FAILED; PAID -> VERIFIED -> REVERSED
    paid_amount: int | None = None
    card_pan: str = ""
    ref_id: str = ""
    created_at: datetime.datetime = field(default_factory=lambda: datetime.datetime.now(datetime.UTC))
    verified_at: datetime.datetime | None = None


class SandboxState:
    def __init__(self, merchants: set[str]):
        self.merchants = set(merchants)
        self.lock = threading.Lock()
        self.payments: dict[str, Payment] = {}
        self.mode = "normal"
        self.delay = 30.0

    def reset(self) -> None:
        with self.lock:
            self.payments.clear()
            self.mode = "normal"
            self.delay = 30.0


class SandboxServer(StandInServer):
    """The sandbox gateway. ``SandboxServer(("127.0.0.1", 0))`` picks a free port (see ``.url``); ``closing``
    wakes handlers sleeping in timeout_verify when the server stops."""

    log_name = "sandbox-gateway"

    def __init__(self, server_address, *, merchants=(DEFAULT_MERCHANT,), quiet: bool = False):
        self.state = SandboxState(set(merchants))
        super().__init__(server_address, SandboxHandler, quiet=quiet)


class SandboxHandler(JsonHandler):
    server: SandboxServer
    server_version = "KhedmatSandboxGateway/1.0"

    # -- plumbing ----------------------------------------------------------------------------------------------

    def log_message(self, format, *args):  # one line per request, on stderr
        self.server.write_log(
            f"sandbox-gateway {self.address_string()} [{self.log_date_time_string()}] "
            f"mode={self.server.state.mode} {format % args}"
        )

    def _ok(self, **data) -> None:
        code = data.pop("code", 100)
        self._json({"data": {"code": code, "message": MESSAGES.get(code, "Success"), **data}, "errors": []})

    def _error(self, code: int, status: int = 400, message: str = "") -> None:
        errors = {"code": code, "message": message or MESSAGES.get(code, "Error"), "validations": []}
        self._json({"data": [], "errors": errors}, status)

    def _html(self, status: int, title: str, body: str) -> None:
        page = PAGE.format(title=html.escape(title), body=body)
        self._send(status, page.encode(), "text/html; charset=utf-8")

    # -- routing -----------------------------------------------------------------------------------------------

    def do_GET(self):
        parts = urlsplit(self.path)
        path, query = parts.path, parse_qs(parts.query)
        if path == "/_sandbox/health":
            return self._json({"status": "ok", "mode": self.server.state.mode})
        if path.startswith("/pg/StartPay/"):
            return self.start_pay(path.removeprefix("/pg/StartPay/"))
        if path.startswith("/pg/sandbox/pay/"):
            return self.pay(path.removeprefix("/pg/sandbox/pay/"), (query.get("result") or [""])[0])
        if path == "/pg/v4/payment/settlements.json":
            return self.settlements(query)
        return self._json({"data": [], "errors": {"code": -404, "message": "Not found"}}, 404)

    def do_POST(self):
        path = urlsplit(self.path).path
        body = self._read_json()
        if body is None:
            return self._error(-9, 400, "Body is not a JSON object")
        if path == "/_sandbox/control":
            return self.control(body)
        if path == "/_sandbox/reset":
            self.server.state.reset()
            return self._json({"status": "ok"})
        handlers = {
            "/pg/v4/payment/request.json": self.request_payment,
            "/pg/v4/payment/verify.json": self.verify,
            "/pg/v4/payment/inquiry.json": self.inquiry,
            "/pg/v4/payment/reverse.json": self.reverse,
        }
        handler = handlers.get(path)
        if handler is None:
            return self._json({"data": [], "errors": {"code": -404, "message": "Not found"}}, 404)
        if body.get("merchant_id") not in self.server.state.merchants:
            return self._error(-11)
        return handler(body)

    # -- Zarinpal v4 -------------------------------------------------------------------------------------------

    def request_payment(self, body: dict) -> None:
        amount, callback_url = body.get("amount"), body.get("callback_url")
        currency = body.get("currency") or "IRR"
        metadata = body.get("metadata") if isinstance(body.get("metadata"), dict) else {}
        if isinstance(amount, str) and amount.isdigit():
            amount = int(amount)
        if not isinstance(amount, int) or isinstance(amount, bool):
            return self._error(-9, message="The amount must be an integer.")
        if currency not in ("IRR", "IRT"):
            return self._error(-9, message="The currency must be IRR or IRT.")
        if currency == "IRT":
            amount *= 10
        if amount < MIN_AMOUNT:
            return self._error(-9, message=f"The amount must be at least {MIN_AMOUNT} rials.")
        if not isinstance(callback_url, str) or urlsplit(callback_url).scheme not in ("http", "https"):
            return self._error(-9, message="The callback url must be an http(s) URL.")
        if not isinstance(body.get("description"), str) or not body["description"].strip():
            return self._error(-9, message="The description field is required.")
        payment = Payment(
            authority=new_authority(),
            merchant_id=body["merchant_id"],
            amount=amount,
            callback_url=callback_url,
            description=body["description"],
            order_id=str(metadata.get("order_id") or ""),
            mobile=str(metadata.get("mobile") or ""),
        )
        with self.server.state.lock:
            self.server.state.payments[payment.authority] = payment
        return self._ok(authority=payment.authority, fee_type="Merchant", fee=0)

    def _payment(self, body: dict) -> Payment | None:
        payment = self.server.state.payments.get(str(body.get("authority") or ""))
        if payment is None or payment.merchant_id != body.get("merchant_id"):
            return None
        return payment

    def verify(self, body: dict) -> None:
        state = self.server.state
        with state.lock:
            mode, delay = state.mode, state.delay
        if mode == "timeout_verify":
            if self.server.closing.wait(delay):
                self.close_connection = True  # the server is stopping: no answer at all
                return None
            return self._error(-52, 504, "Gateway timeout (sandbox timeout_verify)")
        amount = body.get("amount")
        if isinstance(amount, str) and amount.isdigit():
            amount = int(amount)
        with state.lock:
            payment = self._payment(body)
            if payment is None:
                return self._error(-54)
            if mode == "fail_verify" or payment.status not in ("PAID", "VERIFIED"):
                return self._error(-51)
            if amount != payment.paid_amount:
                return self._error(-50)
            if payment.status == "VERIFIED":
                code = 101
            else:
                code = 100
                payment.status = "VERIFIED"
                payment.verified_at = datetime.datetime.now(datetime.UTC)
                payment.ref_id = str(secrets.randbelow(9 * 10**9) + 10**9)
            ref_id, card_pan, order_id = int(payment.ref_id), payment.card_pan, payment.order_id
        return self._ok(
            code=code,
            ref_id=ref_id,
            card_pan=card_pan,
            card_hash=secrets.token_hex(32) if code == 100 else "",
            order_id=order_id,
            fee_type="Merchant",
            fee=0,
        )

    def inquiry(self, body: dict) -> None:
        with self.server.state.lock:
            payment = self._payment(body)
            status = payment.status if payment else None
        if status is None:
            return self._error(-54)
        return self._ok(status=status)

    def reverse(self, body: dict) -> None:
        now = datetime.datetime.now(datetime.UTC)
        with self.server.state.lock:
            payment = self._payment(body)
            if payment is None:
                return self._error(-54)
            if payment.status != "VERIFIED":
                return self._error(-61)
            if now - payment.verified_at > REVERSE_WINDOW:
                return self._error(-63)
            payment.status = "REVERSED"
        return self._ok()

    def settlements(self, query: dict) -> None:
        merchant = (query.get("merchant_id") or [""])[0]
        if merchant not in self.server.state.merchants:
            return self._error(-11)
        try:
            day = datetime.date.fromisoformat((query.get("date") or [""])[0])
        except ValueError:
            return self._error(-9, message="date must be YYYY-MM-DD")
        with self.server.state.lock:
            items = [
                {
                    "authority": p.authority,
                    "amount": p.paid_amount,
                    "ref_id": p.ref_id,
                    "status": p.status,
                    "order_id": p.order_id,
                    "verified_at": p.verified_at.astimezone(TEHRAN).isoformat(),
                }
                for p in self.server.state.payments.values()
                if p.merchant_id == merchant
                and p.status == "VERIFIED"
                and p.verified_at.astimezone(TEHRAN).date() == day
            ]
        return self._ok(date=day.isoformat(), settlements=items)

    # -- the bank's pages --------------------------------------------------------------------------------------

    def start_pay(self, authority: str) -> None:
        payment = self.server.state.payments.get(authority)
        if payment is None:
            return self._html(404, "تراکنش یافت نشد", "<h1>تراکنش یافت نشد</h1><p>شناسهٔ پرداخت معتبر نیست.</p>")
        if payment.status != "IN_BANK":
            return self._html(
                409, "تراکنش پردازش شده است", "<h1>این تراکنش قبلاً پردازش شده است</h1><p>دوباره پرداخت نکنید.</p>"
            )
        action = "/pg/sandbox/pay/" + quote(authority)
        body = f"""<h1>درگاه پرداخت آزمایشی</h1>
<p class="note">این درگاه آزمایشی است و هیچ پولی جابه‌جا نمی‌شود.</p>
<dl>
  <dt>مبلغ</dt><dd id="amount" data-rials="{payment.amount}">{persian_amount(payment.amount)} ریال</dd>
  <dt>بابت</dt><dd>{html.escape(payment.description)}</dd>
</dl>
<div class="actions">
  <form method="get" action="{action}"><input type="hidden" name="result" value="ok">
    <button type="submit" class="pay">پرداخت</button></form>
  <form method="get" action="{action}"><input type="hidden" name="result" value="cancel">
    <button type="submit" class="cancel">انصراف</button></form>
</div>"""
        return self._html(200, "درگاه پرداخت آزمایشی", body)

    def pay(self, authority: str, result: str) -> None:
        if result not in ("ok", "cancel"):
            return self._html(400, "درخواست نامعتبر", "<h1>درخواست نامعتبر</h1><p>نتیجهٔ پرداخت نامشخص است.</p>")
        state = self.server.state
        with state.lock:
            payment = state.payments.get(authority)
            if payment is None:
                return self._html(404, "تراکنش یافت نشد", "<h1>تراکنش یافت نشد</h1>")
            if payment.status != "IN_BANK":
                return self._html(409, "تراکنش پردازش شده است", "<h1>این تراکنش قبلاً پردازش شده است</h1>")
            mode = state.mode
            if result == "ok":
                payment.status = "PAID"
                payment.paid_amount = payment.amount - PAY_LESS_BY if mode == "pay_less" else payment.amount
                payment.card_pan = f"6037-99**-****-{secrets.randbelow(10**4):04d}"
            else:
                payment.status = "FAILED"
            callback = with_params(
                payment.callback_url, {"Authority": authority, "Status": "OK" if result == "ok" else "NOK"}
            )
        self._send(302, b"", "text/plain; charset=utf-8", {"Location": callback})
        if mode == "double_callback":
            threading.Thread(target=self._second_callback, args=(callback,), daemon=True).start()

    def _second_callback(self, url: str) -> None:
        if self.server.closing.wait(0.2):
            return
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                status = response.status
        except Exception as exc:  # the callback may answer 4xx/3xx or be gone: only log it
            status = f"{type(exc).__name__}: {exc}"
        self.server.write_log(f"sandbox-gateway double_callback GET {url} -> {status}")

    # -- test controls -----------------------------------------------------------------------------------------

    def control(self, body: dict) -> None:
        mode = body.get("mode", "normal")
        delay = body.get("delay", 30)
        if mode not in MODES:
            return self._json({"error": f"mode must be one of {', '.join(MODES)}"}, 400)
        if not isinstance(delay, (int, float)) or isinstance(delay, bool) or delay < 0:
            return self._json({"error": "delay must be a non-negative number of seconds"}, 400)
        with self.server.state.lock:
            self.server.state.mode = mode
            self.server.state.delay = float(delay)
        return self._json({"mode": mode, "delay": float(delay)})


def with_params(url: str, params: dict) -> str:
    parts = urlsplit(url)
    query = f"{parts.query}&{urlencode(params)}" if parts.query else urlencode(params)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


PAGE = """<!DOCTYPE html>
<html lang="fa" dir="rtl">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font-family: Tahoma, "Vazirmatn", sans-serif; background: #f4f6f8; color: #1b1b1b; margin: 0; }}
main {{ max-width: 28rem; margin: 3rem auto; background: #fff; padding: 1.5rem 2rem; border-radius: .5rem;
        box-shadow: 0 1px 4px rgba(0, 0, 0, .15); }}
h1 {{ font-size: 1.4rem; }}
.note {{ color: #5c3d00; background: #fff4d6; padding: .5rem .75rem; border-radius: .25rem; }}
dt {{ font-weight: bold; }}
dd {{ margin: 0 0 .75rem; }}
#amount {{ font-size: 1.3rem; }}
.actions {{ display: flex; gap: 1rem; }}
button {{ font: inherit; font-size: 1.1rem; padding: .6rem 1.6rem; border-radius: .3rem; border: 2px solid transparent;
          cursor: pointer; }}
button:focus-visible {{ outline: 3px solid #1d4ed8; outline-offset: 2px; }}
.pay {{ background: #0b6b2f; color: #fff; }}
.cancel {{ background: #fff; color: #8a1c1c; border-color: #8a1c1c; }}
</style>
</head>
<body>
<main>
{body}
</main>
</body>
</html>
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Local sandbox of the Zarinpal v4 payment gateway.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8010)
    parser.add_argument(
        "--merchant", action="append", help=f"accepted merchant id (repeatable; default {DEFAULT_MERCHANT})"
    )
    args = parser.parse_args(argv)
    server = SandboxServer((args.host, args.port), merchants=args.merchant or [DEFAULT_MERCHANT])
    sys.stderr.write(f"sandbox-gateway listening on {server.url} (merchants: {', '.join(server.state.merchants)})\n")
    return serve(server)


if __name__ == "__main__":
    sys.exit(main())
