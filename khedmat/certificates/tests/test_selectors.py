"""Verification reads: the limits counted in the cache (per address, code and session) and the cached signature
check."""
import pytest

from khedmat.certificates import selectors, services, signing
from khedmat.certificates.models import DocumentType

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate(administrator):
    return services.document_issue(document_type=DocumentType.objects.get(code="grade_certificate"),
                                   holder_name="شرکت ساختمانی البرز کوه", by=administrator)


def test_the_per_code_limit_holds_across_addresses(certificate, settings):
    settings.VERIFY_RATE_LIMIT_PER_CODE = 3
    for n in range(3):
        assert selectors.document_lookup(code=certificate.verification_code, ip=f"10.0.0.{n}", channel="page")
    with pytest.raises(selectors.RateLimited):
        selectors.document_lookup(code=certificate.verification_code, ip="10.0.0.99", channel="page")
    # another code from the same addresses is still answered
    assert selectors.document_lookup(code="111111111116", ip="10.0.0.1", channel="page") is None


def test_the_per_session_limit_holds_for_one_session_only(certificate, settings):
    settings.VERIFY_RATE_LIMIT_PER_SESSION = 2
    for _ in range(2):
        selectors.verification_attempt_log(raw="x", ip="10.0.0.1", session="abc", channel="page")
    assert not selectors.verification_allowed(ip="10.0.0.1", session="abc")
    with pytest.raises(selectors.RateLimited):
        selectors.document_lookup(public_id=certificate.public_id, ip="10.0.0.1", session="abc", channel="page")
    assert selectors.document_lookup(public_id=certificate.public_id, ip="10.0.0.1", session="other", channel="page")


def test_the_per_address_limit_is_sized_for_a_shared_proxy_address(settings):
    """30 per address locked a province out behind the intranet proxy; the default allows thousands."""
    assert settings.VERIFY_RATE_LIMIT >= 1000
    assert settings.VERIFY_RATE_LIMIT_PER_CODE < settings.VERIFY_RATE_LIMIT
    assert settings.VERIFY_RATE_LIMIT_PER_SESSION < settings.VERIFY_RATE_LIMIT


def test_allowed_counts_nothing(settings):
    settings.VERIFY_RATE_LIMIT = 1
    for _ in range(5):
        assert selectors.verification_allowed(ip="10.0.0.1")


def test_the_signature_check_is_cached_per_document(certificate, monkeypatch):
    calls = []
    real = signing.verify_token
    monkeypatch.setattr(signing, "verify_token", lambda *args: calls.append(args) or real(*args))
    first = selectors.signature_check(certificate)
    second = selectors.signature_check(certificate)
    assert first.valid and second.valid and second.payload == first.payload
    assert len(calls) == 1
    certificate.token = certificate.token[:-4] + "AAAA"  # another token: checked again, and found wrong
    assert not selectors.signature_check(certificate).valid
    assert len(calls) == 2
