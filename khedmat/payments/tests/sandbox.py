"""Run tools/sandbox_gateway.py in a background thread of the test process, on a free port.

    from khedmat.payments.tests.sandbox import sandbox_gateway  # noqa: F401  (in a conftest.py)

    def test_x(sandbox_gateway, settings):
        settings.PAYMENT_GATEWAY_URL = sandbox_gateway.url
        ...
        callback_url = sandbox_gateway.pay(authority)          # what the browser does at the bank
        sandbox_gateway.control("timeout_verify", delay=3)     # make the bank misbehave

The merchant id it accepts is ``MERCHANT_ID`` (the settings default, "khedmat-sandbox-merchant").
"""
from __future__ import annotations

import pytest
import requests

from khedmat.testing_servers import HTTP_TIMEOUT, ThreadedServer, load_tool_module

MODULE_NAME = "khedmat_tools_sandbox_gateway"
MERCHANT_ID = "khedmat-sandbox-merchant"


def load_sandbox_module():
    return load_tool_module("sandbox_gateway.py", MODULE_NAME)


class RunningSandbox(ThreadedServer):
    """A started sandbox gateway; ``url`` is its base URL (PAYMENT_GATEWAY_URL)."""

    def __init__(self, *, host: str = "127.0.0.1", merchants=(MERCHANT_ID,), quiet: bool = False):
        module = load_sandbox_module()
        self.merchant_id = next(iter(merchants))
        self._serve(module.SandboxServer((host, 0), merchants=merchants, quiet=quiet), "sandbox-gateway")

    def control(self, mode: str, delay: float | None = None) -> None:
        payload = {"mode": mode} if delay is None else {"mode": mode, "delay": delay}
        response = requests.post(f"{self.url}/_sandbox/control", json=payload, timeout=HTTP_TIMEOUT)
        response.raise_for_status()

    def reset(self) -> None:
        requests.post(f"{self.url}/_sandbox/reset", json={}, timeout=HTTP_TIMEOUT).raise_for_status()

    def pay(self, authority: str, result: str = "ok") -> str:
        """Press «پرداخت» (result="ok") or «انصراف» ("cancel"); returns the callback URL the bank redirects to."""
        response = requests.get(
            f"{self.url}/pg/sandbox/pay/{authority}",
            params={"result": result},
            allow_redirects=False,
            timeout=HTTP_TIMEOUT,
        )
        if response.status_code != 302:
            raise AssertionError(f"sandbox pay answered {response.status_code}, not a redirect")
        return response.headers["Location"]



def start_sandbox(**kwargs) -> RunningSandbox:
    return RunningSandbox(**kwargs)


@pytest.fixture
def sandbox_gateway():
    """A fresh sandbox gateway for one test, stopped at teardown."""
    sandbox = start_sandbox()
    try:
        yield sandbox
    finally:
        sandbox.stop()
