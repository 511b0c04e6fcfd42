"""Security headers: no-store for signed-in pages and downloads, Permissions-Policy everywhere."""
import gzip
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.http import HttpResponse

from khedmat.core.middleware import PrivateNoStoreMiddleware
from khedmat.testing import login

pytestmark = pytest.mark.django_db


def no_store(response) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def test_pages_for_a_signed_in_person_are_not_stored(client, applicant):
    login(client, applicant)
    for path in ("/", "/cases/", "/notifications/", "/services/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert no_store(response) and "private" in response["Cache-Control"], path


def test_public_pages_for_anonymous_visitors_stay_cacheable(client):
    for path in ("/", "/verify/", "/services/"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert not no_store(response), path


def test_a_download_to_an_anonymous_visitor_is_not_stored_unless_declared_public(rf):
    def pdf_view(request):
        response = HttpResponse(b"%PDF-1.7", content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="x.pdf"'
        return response

    def public_pdf_view(request):
        response = pdf_view(request)
        response["Cache-Control"] = "public, max-age=3600"
        return response


    request = rf.get("/x/")
    request.user = AnonymousUser()
    assert no_store(PrivateNoStoreMiddleware(pdf_view)(request))
    assert not no_store(PrivateNoStoreMiddleware(public_pdf_view)(request))


def test_permissions_policy_denies_device_and_payment_features(client, applicant):
    for response in (client.get("/"), client.get("/verify/")):
        policy = response["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
            assert feature in policy


def test_pages_are_sent_gzipped_with_breach_padding(client):
    plain = client.get("/services/contractor_qualification/")
    assert "Content-Encoding" not in plain  # a client that does not ask gets the page as is
    answers = [client.get("/services/contractor_qualification/", HTTP_ACCEPT_ENCODING="gzip, br") for _ in range(4)]
    for answer in answers:
        assert answer["Content-Encoding"] == "gzip" and "Accept-Encoding" in answer["Vary"]
        assert gzip.decompress(answer.content) == plain.content
        assert len(answer.content) < len(plain.content) / 3
    # Django's BREACH mitigation: random bytes in the gzip header, so equal pages differ on the wire.
    assert len({answer.content for answer in answers}) > 1


def test_compressed_static_and_already_compressed_files(client):
    css = client.get("/static/css/khedmat.css", HTTP_ACCEPT_ENCODING="gzip")
    assert css["Content-Encoding"] == "gzip"
    font = client.get("/static/vendor/vazirmatn/Vazirmatn-Regular-web.woff2", HTTP_ACCEPT_ENCODING="gzip")
    assert font.status_code == 200 and "Content-Encoding" not in font
    assert b"".join(font.streaming_content)[:4] == b"wOF2"


def test_compression_runs_before_whitenoise_and_every_body_middleware():
    order = settings.MIDDLEWARE
    gzip_at = order.index("khedmat.core.middleware.CompressionMiddleware")
    assert order[:gzip_at] == ["django.middleware.security.SecurityMiddleware"]
    assert gzip_at < order.index("whitenoise.middleware.WhiteNoiseMiddleware")


def test_production_static_files_are_precompressed(settings, tmp_path):
    """Production collects with WhiteNoise's CompressedManifestStaticFilesStorage: .br and .gz beside each text
    file (WhiteNoise answers with them), none for the already compressed fonts."""
    production = (Path(settings.BASE_DIR) / "khedmat" / "settings" / "production.py").read_text()
    assert '"whitenoise.storage.CompressedManifestStaticFilesStorage"' in production
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=["drf_spectacular_sidecar", "admin"])
    assert list(tmp_path.glob("css/khedmat.*.css.br")) and list(tmp_path.glob("css/khedmat.*.css.gz"))
    assert not list(tmp_path.glob("vendor/vazirmatn/*.woff2.gz"))
