import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def test_healthz_answers_with_the_database_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_broken_database(client, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(connection, "cursor", broken)
    assert client.get("/healthz").status_code == 503


def test_pages_are_persian_rtl_and_load_only_local_assets(client):
    response = client.get("/")
    html = response.content.decode()
    assert '<html lang="fa" dir="rtl">' in html
    assert "/static/css/khedmat.css" in html
    assert "http://" not in html.split("<body>")[0] and "https://" not in html.split("<body>")[0]
    assert "default-src 'self'" in response["Content-Security-Policy"]


def test_the_vendored_font_is_served_locally(client):
    response = client.get("/static/vendor/vazirmatn/Vazirmatn-Regular.woff2")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"wOF2"


def test_not_found_page_is_persian(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "یافت نشد" in response.content.decode()


def test_server_errors_show_a_persian_page(client, monkeypatch):
    from khedmat.catalog import selectors

    def explode():
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "service_list_published", explode)
    client.raise_request_exception = False
    response = client.get("/services/")
    assert response.status_code == 500
    assert 'dir="rtl"' in response.content.decode()


def test_expired_csrf_token_gets_a_persian_page_and_changes_nothing(applicant):
    from django.test import Client

    from khedmat.accounts.models import OneTimeCode

    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/signup/", {"national_id": "0010000011"})
    assert response.status_code == 403 and 'dir="rtl"' in response.content.decode()
    assert not OneTimeCode.objects.exists()
