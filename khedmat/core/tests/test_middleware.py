"""Security headers: no-store for signed-in pages and downloads, Permissions-Policy everywhere."""
import pytest

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
    from django.http import HttpResponse

    from khedmat.core.middleware import PrivateNoStoreMiddleware

    def pdf_view(request):
        response = HttpResponse(b"%PDF-1.7", content_type="application/pdf")
        response["Content-Disposition"] = 'attachment; filename="x.pdf"'
        return response

    def public_pdf_view(request):
        response = pdf_view(request)
        response["Cache-Control"] = "public, max-age=3600"
        return response

    from django.contrib.auth.models import AnonymousUser

    request = rf.get("/x/")
    request.user = AnonymousUser()
    assert no_store(PrivateNoStoreMiddleware(pdf_view)(request))
    assert not no_store(PrivateNoStoreMiddleware(public_pdf_view)(request))


def test_permissions_policy_denies_device_and_payment_features(client, applicant):
    for response in (client.get("/"), client.get("/verify/")):
        policy = response["Permissions-Policy"]
        for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
            assert feature in policy
