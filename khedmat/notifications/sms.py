"""Pluggable SMS backends, chosen by settings.SMS_BACKEND.

* ConsoleSmsBackend — development: prints the message (the development outbox page shows it too).
* FileSmsBackend — appends each message to settings.SMS_FILE_PATH.
* KavenegarSmsBackend — a real Iranian HTTP provider (Kavenegar REST API, `sms/send.json`).
"""
from __future__ import annotations

import json
import sys
from dataclasses import dataclass

import requests
from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string


class SmsError(Exception):
    pass


@dataclass
class SmsResult:
    provider_reference: str = ""


class BaseSmsBackend:
    name = "base"

    def send(self, *, to: str, text: str) -> SmsResult:  # pragma: no cover - interface
        raise NotImplementedError


class ConsoleSmsBackend(BaseSmsBackend):
    name = "console"

    def send(self, *, to: str, text: str) -> SmsResult:
        sys.stdout.write(f"[SMS to {to}] {text}\n")
        sys.stdout.flush()
        return SmsResult()


class FileSmsBackend(BaseSmsBackend):
    name = "file"

    def send(self, *, to: str, text: str) -> SmsResult:
        path = settings.SMS_FILE_PATH
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(json.dumps({"at": timezone.now().isoformat(), "to": to, "text": text}, ensure_ascii=False))
            handle.write("\n")
        return SmsResult()


class KavenegarSmsBackend(BaseSmsBackend):
    """POST {SMS_HTTP_URL}/{API_KEY}/sms/send.json with receptor, message and sender."""

    name = "kavenegar"

    def send(self, *, to: str, text: str) -> SmsResult:
        if not settings.SMS_HTTP_API_KEY:
            raise SmsError("SMS_HTTP_API_KEY is not set")
        url = f"{settings.SMS_HTTP_URL.rstrip('/')}/{settings.SMS_HTTP_API_KEY}/sms/send.json"
        data = {"receptor": to, "message": text}
        if settings.SMS_HTTP_SENDER:
            data["sender"] = settings.SMS_HTTP_SENDER
        try:
            response = requests.post(url, data=data, timeout=settings.SMS_HTTP_TIMEOUT)
        except requests.RequestException as exc:
            raise SmsError(f"provider unreachable: {exc.__class__.__name__}") from exc
        try:
            payload = response.json()
        except ValueError as exc:
            raise SmsError(f"provider answered HTTP {response.status_code} without JSON") from exc
        status = (payload.get("return") or {}).get("status")
        if response.status_code != 200 or status != 200:
            message = (payload.get("return") or {}).get("message", "")
            raise SmsError(f"provider refused: HTTP {response.status_code}, status {status}, {message}"[:400])
        entries = payload.get("entries") or [{}]
        return SmsResult(provider_reference=str(entries[0].get("messageid", "")))


def get_backend() -> BaseSmsBackend:
    return import_string(settings.SMS_BACKEND)()
