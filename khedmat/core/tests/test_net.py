"""The client's address: X-Forwarded-For is believed only from a configured trusted proxy."""
from django.test import RequestFactory

from khedmat.core.net import client_ip


def _request(remote, forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.KHEDMAT_TRUSTED_PROXIES = []
    assert client_ip(_request("10.0.0.1", "1.2.3.4")) == "10.0.0.1"


def test_the_header_of_an_untrusted_peer_is_ignored(settings):
    settings.KHEDMAT_TRUSTED_PROXIES = ["10.0.0.1"]
    assert client_ip(_request("10.9.9.9", "1.2.3.4")) == "10.9.9.9"


def test_behind_a_trusted_proxy_the_nearest_untrusted_hop_is_the_client(settings):
    settings.KHEDMAT_TRUSTED_PROXIES = ["10.0.0.1", "10.0.0.2"]
    assert client_ip(_request("10.0.0.1", "172.16.5.9")) == "172.16.5.9"
    # the client wrote a fake address first; the proxies appended the real one and each other
    assert client_ip(_request("10.0.0.1", "8.8.8.8, 172.16.5.9, 10.0.0.2")) == "172.16.5.9"
    assert client_ip(_request("10.0.0.1", "garbage")) == "10.0.0.1"
    assert client_ip(_request("10.0.0.1")) == "10.0.0.1"
