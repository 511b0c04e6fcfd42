"""The sandbox bank (tools/sandbox_gateway.py) in a thread on a free port, as the payment gateway."""
import pytest

from khedmat.payments.tests.sandbox import start_sandbox


@pytest.fixture
def sandbox(settings):
    gateway = start_sandbox()
    settings.PAYMENT_GATEWAY_URL = gateway.url
    settings.PAYMENT_GATEWAY_TIMEOUT = 3
    yield gateway
    gateway.stop()
