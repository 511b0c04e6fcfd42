"""The PBO's side of the hand-off: push a referral to SAJAR and ask whether it was registered.

The protocol (ours, until the PBO publishes one; ASSUMPTION A13 in docs/services/contractor-qualification.md):

    POST {base}/sajar/referrals   {"message_id", "payload"}   -> 201/200 {"message_id", "receipt"}
    GET  {base}/sajar/referrals/<message_id>                  -> 200 {"message_id", "status": "received"|"registered",
                                                                      "registration_number": str|null}

Posting the same message id twice returns the first receipt (the worker may retry after a lost answer).
`tools/registry_simulator.py` speaks it locally.
"""
from __future__ import annotations

import requests

TIMEOUT = 10


class SajarError(Exception):
    """SAJAR did not take the file (unreachable, refused, or an answer we do not understand)."""


def _json(response) -> dict:
    try:
        data = response.json()
    except ValueError:
        raise SajarError(f"HTTP {response.status_code}: not JSON") from None
    if not isinstance(data, dict):
        raise SajarError(f"HTTP {response.status_code}: unexpected answer")
    return data


def push(*, base_url: str, message_id: str, payload: dict, timeout: float = TIMEOUT) -> str:
    """Send the referral; the receipt number SAJAR gives."""
    try:
        response = requests.post(f"{base_url.rstrip('/')}/sajar/referrals",
                                 json={"message_id": message_id, "payload": payload}, timeout=timeout)
    except requests.RequestException as error:
        raise SajarError(f"unreachable: {error.__class__.__name__}") from None
    data = _json(response)
    if response.status_code not in (200, 201):
        raise SajarError(f"HTTP {response.status_code}: {data.get('error', '')}")
    receipt = data.get("receipt")
    if data.get("message_id") != message_id or not isinstance(receipt, str) or not receipt:
        raise SajarError("the answer does not acknowledge this message")
    return receipt


def status(*, base_url: str, message_id: str, timeout: float = TIMEOUT) -> str:
    """The SAJAR registration number once the file is registered, else ""."""
    try:
        response = requests.get(f"{base_url.rstrip('/')}/sajar/referrals/{message_id}", timeout=timeout)
    except requests.RequestException as error:
        raise SajarError(f"unreachable: {error.__class__.__name__}") from None
    data = _json(response)
    if response.status_code != 200 or data.get("message_id") != message_id:
        raise SajarError(f"HTTP {response.status_code}")
    if data.get("status") == "registered":
        number = data.get("registration_number")
        if not isinstance(number, str) or not number:
            raise SajarError("registered without a registration number")
        return number
    return ""
