import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client

from khedmat.accounts.models import OneTimeCode
from khedmat.catalog import selectors
from khedmat.core import views
from khedmat.core.tests.test_settings import GOOD

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
    response = client.get("/static/vendor/vazirmatn/Vazirmatn-Regular-web.woff2")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)[:4] == b"wOF2"


def test_not_found_page_is_persian(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "یافت نشد" in response.content.decode()


def test_server_errors_show_a_persian_page(client, monkeypatch):
    def explode():
        raise RuntimeError("boom")

    monkeypatch.setattr(selectors, "service_list_published", explode)
    client.raise_request_exception = False
    response = client.get("/services/")
    assert response.status_code == 500
    assert 'dir="rtl"' in response.content.decode()


def test_expired_csrf_token_gets_a_persian_page_and_changes_nothing(applicant):
    client = Client(enforce_csrf_checks=True)
    response = client.post("/accounts/signup/", {"national_id": "0010000011"})
    assert response.status_code == 403 and 'dir="rtl"' in response.content.decode()
    assert not OneTimeCode.objects.exists()


def test_unknown_url_gets_the_persian_404_in_the_layout_without_the_route_list(client):
    html = client.get("/no-such-page/at/all/").content.decode()
    assert 'class="site-header"' in html and 'href="/"' in html  # the layout, with a way back
    assert "صفحه" in html and "Using the URLconf" not in html and "admin/" not in html
    assert "Page not found" not in html


@pytest.mark.parametrize("view, status",
                         [("error_400", 400), ("error_403", 403), ("error_404", 404), ("error_429", 429)])
def test_error_pages_are_persian_in_the_layout(rf, view, status):
    request = rf.get("/x/")
    request.user = AnonymousUser()
    response = getattr(views, view)(request)
    html = response.content.decode()
    assert response.status_code == status
    assert 'class="site-header"' in html and 'dir="rtl"' in html and "error-back" in html


def test_the_500_page_survives_a_broken_layout(rf, monkeypatch):
    def broken(request, *args, **kwargs):
        raise RuntimeError("database down")

    monkeypatch.setattr(views, "render", broken)
    request = rf.get("/x/")
    request.user = AnonymousUser()
    response = views.error_500(request)
    assert response.status_code == 500 and 'dir="rtl"' in response.content.decode()


@pytest.mark.parametrize("profile", ["embedded", "production", "base"])
def test_debug_is_off_by_default_in_every_profile(profile):
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DJANGO_SETTINGS_MODULE"}}
    env.update({**GOOD, "DJANGO_SETTINGS_MODULE": f"khedmat.settings.{profile}",
                "KHEDMAT_SITE_URL": "https://khedmat.example.ir"})
    if profile != "production":
        env.pop("DATABASE_URL")
    result = subprocess.run([sys.executable, "-c", "from django.conf import settings; print(settings.DEBUG)"],
                            cwd=settings.BASE_DIR, env=env, capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
