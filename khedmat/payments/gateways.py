"""Bank-gateway adapters for Iranian internet payment gateways (IPGs).

Framework-light: the gateway classes take their configuration as constructor arguments and never import Django;
only :func:`get_gateway` reads ``django.conf.settings``. Money is an integer number of rials everywhere.

Outcome rules (see docs/LESSONS "Payments"):

* The fee is paid only when :meth:`BaseGateway.verify` says so, server to server. Callback parameters
  (:meth:`BaseGateway.parse_callback`) only tell which attempt the browser came back for; ``Status=OK`` in a
  callback is a hint, never proof.
* :class:`GatewayUnavailable` (timeout, network error, 5xx, unreadable answer, "try later" codes) means the outcome
  is UNKNOWN: retry verify / ask :meth:`inquiry` later; never mark the attempt failed because of it.
* :class:`GatewayError` means the gateway answered and refused the request itself (bad merchant, validation,
  reverse refused). From :meth:`verify` it signals a configuration/request problem, not "not paid": a definitive
  "not paid" is a :class:`VerifyResult` with ``paid=False``.
"""
from __future__ import annotations

import dataclasses
import datetime
import logging
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

import requests
from django.conf import settings

log = logging.getLogger(__name__)

DEFAULT_GATEWAY_URL = "http://127.0.0.1:8010"
DEFAULT_MERCHANT_ID = "khedmat-sandbox-merchant"
DEFAULT_TIMEOUT = 10.0


class GatewayError(Exception):
    """The gateway answered and refused (definitive). ``code`` is the gateway's own code, when it gave one."""

    def __init__(self, message: str, *, code: int | None = None):
        super().__init__(message)
        self.code = code
        self.message = message


class GatewayUnavailable(Exception):
    """Timeout, network error, 5xx or an unreadable answer: the outcome is UNKNOWN, never "failed".
    ``code`` is the gateway's own code when it answered "try later" with one."""

    def __init__(self, message: str = "", *, code: int | None = None):
        super().__init__(message)
        self.code = code


@dataclasses.dataclass(frozen=True)
class PaymentRequest:
    authority: str
    redirect_url: str  # send the browser here (HTTP 302 or a GET form)


@dataclasses.dataclass(frozen=True)
class VerifyResult:
    paid: bool
    code: int
    ref_id: str
    card_pan: str
    already_verified: bool
    message: str
    order_id: str = ""  # echoed by the gateway when it does; compare it with the attempt's own order id


INQUIRY_STATUSES = frozenset({"PAID", "VERIFIED", "IN_BANK", "FAILED", "REVERSED", "UNKNOWN"})


@dataclasses.dataclass(frozen=True)
class InquiryResult:
    status: str  # "PAID" (paid, not yet verified), "VERIFIED", "IN_BANK", "FAILED", "REVERSED", "UNKNOWN"


@dataclasses.dataclass(frozen=True)
class Callback:
    authority: str
    status_ok: bool  # the browser says the user paid: a hint only, verify() decides


class BaseGateway:
    """Interface of a bank gateway. Every network method may raise :class:`GatewayUnavailable`."""

    code: str = ""
    supports_reverse: bool = False

    def request(
        self, *, amount: int, callback_url: str, description: str, order_id: str, mobile: str = ""
    ) -> PaymentRequest:
        raise NotImplementedError

    def parse_callback(self, params: Mapping[str, str]) -> Callback:
        """Read the browser's return parameters; raises GatewayError when they are malformed."""
        raise NotImplementedError

    def verify(self, *, authority: str, amount: int) -> VerifyResult:
        raise NotImplementedError

    def inquiry(self, *, authority: str) -> InquiryResult:
        raise NotImplementedError

    def reverse(self, *, authority: str) -> None:
        """Give the money back to the payer (only shortly after verify); GatewayError if refused."""
        raise GatewayError(f"{self.code or type(self).__name__} does not support reverse")

    def settlements(self, *, day: datetime.date) -> list[dict] | None:
        """[{"authority", "amount", "ref_id", "status"}] settled that (Tehran) day; None if there is no such list."""
        return None


# Zarinpal v4 codes (https://www.zarinpal.com/docs/paymentGateway/errorList.html)
ZP_OK = 100
ZP_ALREADY_VERIFIED = 101
ZP_AMOUNT_MISMATCH = -50
#: verify answers that are a verdict on the payment itself: definitively not paid (for this amount).
ZP_NOT_PAID_CODES = frozenset(
    {
        -50,  # amount differs from the paid amount
        -51,  # session not active / payment failed / not paid
        -53,  # session does not belong to this merchant
        -54,  # invalid / unknown authority
        -55,  # transaction not found
    }
)
#: answers that mean "try again later": the outcome stays unknown.
ZP_TRANSIENT_CODES = frozenset({-12, -52})  # too many attempts; unexpected error at the gateway

AUTHORITY_RE = re.compile(r"^A[0-9A-Za-z]{35}$")


def _as_code(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"-?\d{1,6}", value.strip()):
        return int(value.strip())
    return None


class ZarinpalGateway(BaseGateway):
    """Zarinpal REST v4 (amounts in rials, currency "IRR"). Also drives tools/sandbox_gateway.py."""

    code = "zarinpal"
    supports_reverse = True

    def __init__(self, *, base_url: str, merchant_id: str, timeout: float = DEFAULT_TIMEOUT, session=None):
        if not base_url:
            raise ValueError("base_url is required")
        if not merchant_id:
            raise ValueError("merchant_id is required")
        self.base_url = base_url.rstrip("/")
        self.merchant_id = merchant_id
        self.timeout = float(timeout)
        # anything with requests' .request(method, url, **kwargs); the module itself opens one connection per call
        self._http = session if session is not None else requests

    def __repr__(self) -> str:  # never show the merchant id
        return f"<ZarinpalGateway {self.base_url}>"

    # -- transport ---------------------------------------------------------------------------------------------

    def _send(self, method: str, path: str, **kwargs) -> requests.Response:
        url = f"{self.base_url}{path}"
        try:
            response = self._http.request(
                method,
                url,
                timeout=self.timeout,
                headers={"Accept": "application/json", "User-Agent": "Khedmat ZarinPal Rest Api v4"},
                allow_redirects=False,
                **kwargs,
            )
        except requests.RequestException as exc:
            log.warning("zarinpal %s %s: %s", method, path, exc.__class__.__name__)
            raise GatewayUnavailable(f"{path}: {exc.__class__.__name__}: {exc}") from exc
        if response.status_code >= 500:
            log.warning("zarinpal %s %s: HTTP %s", method, path, response.status_code)
            raise GatewayUnavailable(f"{path}: HTTP {response.status_code}")
        return response

    @staticmethod
    def _json(response: requests.Response, path: str) -> dict:
        try:
            body = response.json()
        except ValueError as exc:
            raise GatewayUnavailable(f"{path}: HTTP {response.status_code}, answer is not JSON") from exc
        if not isinstance(body, dict):
            raise GatewayUnavailable(f"{path}: HTTP {response.status_code}, unexpected JSON")
        return body

    def _call(self, path: str, payload: dict) -> tuple[int, dict, str]:
        """POST a v4 method; returns (code, data, message). Success: data.code; refusal: errors.code."""
        response = self._send("POST", path, json={"merchant_id": self.merchant_id, **payload})
        body = self._json(response, path)
        data, errors = body.get("data"), body.get("errors")
        if isinstance(errors, list) and errors:
            errors = errors[0]
        if isinstance(data, dict) and _as_code(data.get("code")) is not None:
            return _as_code(data["code"]), data, str(data.get("message") or "")
        if isinstance(errors, dict) and _as_code(errors.get("code")) is not None:
            return _as_code(errors["code"]), {}, str(errors.get("message") or "")
        raise GatewayUnavailable(f"{path}: HTTP {response.status_code}, answer without a code")

    # -- protocol ----------------------------------------------------------------------------------------------

    def request(
        self, *, amount: int, callback_url: str, description: str, order_id: str, mobile: str = ""
    ) -> PaymentRequest:
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise ValueError("amount must be a positive integer number of rials")
        metadata = {"order_id": str(order_id)}
        if mobile:
            metadata["mobile"] = mobile
        path = "/pg/v4/payment/request.json"
        code, data, message = self._call(
            path,
            {
                "amount": amount,
                "currency": "IRR",
                "callback_url": callback_url,
                "description": description,
                "metadata": metadata,
            },
        )
        if code in ZP_TRANSIENT_CODES:
            raise GatewayUnavailable(f"request: code {code} {message}", code=code)
        if code != ZP_OK:
            raise GatewayError(f"request refused: {code} {message}".strip(), code=code)
        authority = data.get("authority")
        if not isinstance(authority, str) or not AUTHORITY_RE.match(authority):
            raise GatewayUnavailable("request: code 100 without a valid authority")
        return PaymentRequest(authority=authority, redirect_url=f"{self.base_url}/pg/StartPay/{quote(authority)}")

    def parse_callback(self, params: Mapping[str, str]) -> Callback:
        authority = params.get("Authority")
        status = params.get("Status")
        if not isinstance(authority, str) or not AUTHORITY_RE.match(authority):
            raise GatewayError("callback without a valid Authority")
        if status not in ("OK", "NOK"):
            raise GatewayError("callback without a valid Status")
        return Callback(authority=authority, status_ok=status == "OK")

    def verify(self, *, authority: str, amount: int) -> VerifyResult:
        if not isinstance(amount, int) or isinstance(amount, bool) or amount <= 0:
            raise ValueError("amount must be a positive integer number of rials")
        code, data, message = self._call("/pg/v4/payment/verify.json", {"amount": amount, "authority": authority})
        if code in (ZP_OK, ZP_ALREADY_VERIFIED):
            ref_id = data.get("ref_id")
            if ref_id in (None, "", 0):
                raise GatewayUnavailable(f"verify: code {code} without ref_id")
            return VerifyResult(
                paid=True,
                code=code,
                ref_id=str(ref_id),
                card_pan=str(data.get("card_pan") or ""),
                already_verified=code == ZP_ALREADY_VERIFIED,
                message=message,
                order_id=str(data.get("order_id") or ""),
            )
        if code in ZP_NOT_PAID_CODES:
            return VerifyResult(
                paid=False, code=code, ref_id="", card_pan="", already_verified=False, message=message
            )
        if code in ZP_TRANSIENT_CODES:
            raise GatewayUnavailable(f"verify: code {code} {message}", code=code)
        raise GatewayError(f"verify refused: {code} {message}".strip(), code=code)

    def inquiry(self, *, authority: str) -> InquiryResult:
        code, data, message = self._call("/pg/v4/payment/inquiry.json", {"authority": authority})
        if code == ZP_OK:
            status = str(data.get("status") or "").upper()
            return InquiryResult(status=status if status in INQUIRY_STATUSES else "UNKNOWN")
        if code in ZP_TRANSIENT_CODES:
            raise GatewayUnavailable(f"inquiry: code {code} {message}", code=code)
        raise GatewayError(f"inquiry refused: {code} {message}".strip(), code=code)

    def reverse(self, *, authority: str) -> None:
        code, _data, message = self._call("/pg/v4/payment/reverse.json", {"authority": authority})
        if code == ZP_OK:
            return
        if code in ZP_TRANSIENT_CODES:
            raise GatewayUnavailable(f"reverse: code {code} {message}", code=code)
        raise GatewayError(f"reverse refused: {code} {message}".strip(), code=code)

    def settlements(self, *, day: datetime.date) -> list[dict] | None:
        """Zarinpal has no public settlement list; the sandbox (and any gateway serving the endpoint) has one."""
        path = "/pg/v4/payment/settlements.json"
        response = self._send("GET", path, params={"merchant_id": self.merchant_id, "date": day.isoformat()})
        if response.status_code in (404, 405, 410, 501):
            return None
        body = self._json(response, path)
        data, errors = body.get("data"), body.get("errors")
        if isinstance(errors, dict) and _as_code(errors.get("code")) is not None:
            code = _as_code(errors["code"])
            raise GatewayError(f"settlements refused: {code} {errors.get('message') or ''}".strip(), code=code)
        items = data.get("settlements") if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise GatewayUnavailable(f"{path}: answer without a settlement list")
        result = []
        for item in items:
            if not isinstance(item, dict) or not item.get("authority"):
                raise GatewayUnavailable(f"{path}: malformed settlement line")
            amount = item.get("amount")
            if isinstance(amount, str) and amount.isdigit():
                amount = int(amount)
            if not isinstance(amount, int) or isinstance(amount, bool):
                raise GatewayUnavailable(f"{path}: settlement line without an amount")
            result.append(
                {
                    "authority": str(item["authority"]),
                    "amount": amount,
                    "ref_id": str(item.get("ref_id") or ""),
                    "status": str(item.get("status") or ""),
                }
            )
        return result


def get_gateway() -> BaseGateway:
    """The configured gateway (settings PAYMENT_GATEWAY_URL, PAYMENT_MERCHANT_ID, PAYMENT_GATEWAY_TIMEOUT)."""
    return ZarinpalGateway(
        base_url=getattr(settings, "PAYMENT_GATEWAY_URL", DEFAULT_GATEWAY_URL) or DEFAULT_GATEWAY_URL,
        merchant_id=getattr(settings, "PAYMENT_MERCHANT_ID", DEFAULT_MERCHANT_ID) or DEFAULT_MERCHANT_ID,
        timeout=float(getattr(settings, "PAYMENT_GATEWAY_TIMEOUT", DEFAULT_TIMEOUT) or DEFAULT_TIMEOUT),
    )
