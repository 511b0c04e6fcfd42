"""The production profile refuses to start without real secrets and database; how each profile serves."""
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.template import engines
from django.template.loaders.cached import Loader
from django.urls import reverse

GOOD = {
    "SECRET_KEY": "k7#Qv2!pZ9mW4xR8tL1yB6nC3sD0fG5hJ-a_e+u=iO%Tq3Ys8Ux1Vw",
    "DATABASE_URL": "postgres://khedmat@127.0.0.1:5432/khedmat",
    "SMS_BACKEND": "khedmat.notifications.sms.KavenegarSmsBackend",
    "KHEDMAT_SITE_URL": "https://khedmat.example.ir",
    "CERT_SIGNING_KEY": "-----BEGIN PRIVATE "
                        "KEY-----\nMC4CAQAwBQYDK2VwBCIEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n-----END PRIVATE "
                        "KEY-----\n",
}


def start(env_overrides: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in {"SECRET_KEY", "DATABASE_URL", "SMS_BACKEND", "CERT_SIGNING_KEY", "DJANGO_SETTINGS_MODULE",
                        "KHEDMAT_SITE_URL", "PORT"}}
    env.update({"DJANGO_SETTINGS_MODULE": "khedmat.settings.production", **env_overrides})
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
    )


def test_production_starts_with_everything_set():
    result = start(GOOD)
    assert result.returncode == 0 and "started" in result.stdout, result.stderr


@pytest.mark.parametrize(
    "overrides, complaint",
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"SECRET_KEY": "x" * 60}, "SECRET_KEY"),  # long but not random (security.W009)
        ({"SECRET_KEY": "k7#Qv2!pZ9mW4xR8tL1yB6nC3sD0fG5hJ-a_e+u=iO"}, "SECRET_KEY"),  # 42 < 50
        ({"DATABASE_URL": ""}, "DATABASE_URL"),
        ({"DATABASE_URL": "sqlite:////tmp/x.sqlite3"}, "PostgreSQL"),
        ({"SMS_BACKEND": "khedmat.notifications.sms.ConsoleSmsBackend"}, "SMS_BACKEND"),
        ({"DEBUG": "maybe"}, "DEBUG"),
        ({"CERT_SIGNING_KEY": ""}, "CERT_SIGNING_KEY"),
        ({"KHEDMAT_SITE_URL": ""}, "KHEDMAT_SITE_URL"),
        ({"KHEDMAT_SITE_URL": "http://127.0.0.1:8000"}, "KHEDMAT_SITE_URL"),
        ({"KHEDMAT_SITE_URL": "http://localhost"}, "KHEDMAT_SITE_URL"),
        ({"KHEDMAT_SITE_URL": "khedmat.example.ir"}, "KHEDMAT_SITE_URL"),
        ({"KHEDMAT_SITE_URL": "ftp://khedmat.example.ir"}, "KHEDMAT_SITE_URL"),
    ],
)
def test_production_refuses_to_start_when_misconfigured(overrides, complaint):
    env = {**GOOD, **overrides}
    env = {k: v for k, v in env.items() if v != ""}
    result = start(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and complaint in result.stderr


def test_production_keeps_the_site_url_it_is_given():
    env = {**GOOD, "KHEDMAT_SITE_URL": "https://khedmat.example.ir/"}
    env["DJANGO_SETTINGS_MODULE"] = "khedmat.settings.production"
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.KHEDMAT_SITE_URL)"],
        cwd=settings.BASE_DIR, env={**{k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}, **env},
        capture_output=True, text=True,
    )
    assert result.stdout.strip() == "https://khedmat.example.ir", result.stderr


def _embedded_site_url(**env_overrides) -> str:
    env = {k: v for k, v in os.environ.items() if k not in {"KHEDMAT_SITE_URL", "PORT", "DJANGO_SETTINGS_MODULE"}}
    env.update({"DJANGO_SETTINGS_MODULE": "khedmat.settings.embedded", **env_overrides})
    result = subprocess.run(
        [sys.executable, "-c", "from django.conf import settings; print(settings.KHEDMAT_SITE_URL)"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_the_embedded_site_url_follows_the_port():
    assert _embedded_site_url() == "http://127.0.0.1:8000"
    assert _embedded_site_url(PORT="9123") == "http://127.0.0.1:9123"
    assert _embedded_site_url(PORT="9123", KHEDMAT_SITE_URL="http://khedmat.lan:9123") == "http://khedmat.lan:9123"


@pytest.mark.skipif(shutil.which("make") is None, reason="GNU make is not installed")
@pytest.mark.parametrize("args, expected", [
    ([], "http://127.0.0.1:8000"),
    (["PORT=9123"], "http://127.0.0.1:9123"),
    (["PORT=9123", "KHEDMAT_SITE_URL=https://khedmat.example.ir"], "https://khedmat.example.ir"),
])
def test_make_run_exports_the_site_url_of_its_port(args, expected):
    """The Makefile's recipes (make run's server and worker) see KHEDMAT_SITE_URL for the port served."""
    env = {k: v for k, v in os.environ.items() if k not in {"KHEDMAT_SITE_URL", "PORT"}}
    result = subprocess.run(
        ["make", "-s", "--no-print-directory", "--eval", "print-site-url: ; @echo $$KHEDMAT_SITE_URL", "print-site-url",
         *args],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
    )
    assert result.stdout.strip() == expected, result.stderr


def _production(env_overrides: dict, code: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {*GOOD, "DJANGO_SETTINGS_MODULE", "SECURE_HSTS_SECONDS",
                                                             "SECURE_SSL_REDIRECT", "SECURE_HSTS_PRELOAD",
                                                             "DJANGO_ALLOW_ASYNC_UNSAFE"}}  # set by the browser tests
    env.update({"DJANGO_SETTINGS_MODULE": "khedmat.settings.production", **GOOD, **env_overrides})
    return subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True)


def test_production_passes_the_deploy_checks():
    result = _production({}, "import sys; from django.core.management import execute_from_command_line; "
                             "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout, result.stdout + result.stderr


def test_production_sends_hsts_for_a_year_by_default_and_it_is_configurable():
    show = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, "
            "s.SECURE_SSL_REDIRECT)")
    result = _production({}, show)
    assert result.stdout.split() == ["31536000", "True", "False", "True"], result.stderr
    result = _production({"SECURE_HSTS_SECONDS": "600", "SECURE_SSL_REDIRECT": "false"}, show)
    assert result.stdout.split() == ["600", "True", "False", "False"], result.stderr


_SHOW_SERVING = ("import json; from django.conf import settings as s; options = s.TEMPLATES[0]['OPTIONS']; "
                 "print(json.dumps({'loaders': options.get('loaders'), 'app_dirs': s.TEMPLATES[0].get('APP_DIRS'), "
                 "'max_age': s.DATABASES['default']['CONN_MAX_AGE'], "
                 "'health': s.DATABASES['default'].get('CONN_HEALTH_CHECKS'), "
                 "'static': s.STORAGES['staticfiles']['BACKEND'], 'finders': s.WHITENOISE_USE_FINDERS}))")


def _serving(profile: str, **env_overrides) -> dict:
    """How a profile serves (template loaders, database connections, static files), read in a fresh process."""
    env = {k: v for k, v in os.environ.items() if k not in {*GOOD, "DJANGO_SETTINGS_MODULE", "DEBUG",
                                                             "DATABASE_CONN_MAX_AGE", "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({**(GOOD if profile == "production" else {}), "DJANGO_SETTINGS_MODULE": f"khedmat.settings.{profile}",
                **env_overrides})
    result = subprocess.run([sys.executable, "-c", _SHOW_SERVING], cwd=settings.BASE_DIR, env=env,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


_PLAIN_LOADERS = ["django.template.loaders.filesystem.Loader", "django.template.loaders.app_directories.Loader"]
_CACHED_LOADERS = [["django.template.loaders.cached.Loader", _PLAIN_LOADERS]]


@pytest.mark.parametrize("profile, env_overrides, loaders", [
    ("production", {}, _CACHED_LOADERS),
    ("production", {"DEBUG": "1"}, _CACHED_LOADERS),  # production ignores DEBUG
    ("test", {}, _CACHED_LOADERS),
    ("embedded", {}, _CACHED_LOADERS),  # `make run`, the demo: DEBUG off
    ("embedded", {"DEBUG": "1"}, _PLAIN_LOADERS),  # development: a changed template shows on the next request
])
def test_templates_are_compiled_once_per_process_in_every_profile_but_development(profile, env_overrides, loaders):
    serving = _serving(profile, **env_overrides)
    assert serving["loaders"] == loaders
    assert not serving["app_dirs"]  # the app directories are the loaders' (Django refuses both)


def test_the_test_process_renders_with_the_cached_loader():
    assert [type(loader) for loader in engines["django"].engine.template_loaders] == [Loader]


@pytest.mark.parametrize("profile, max_age", [("production", 60), ("embedded", 60), ("test", 0)])
def test_database_connections_persist_and_are_checked_in_every_profile_that_serves(profile, max_age):
    serving = _serving(profile)
    assert serving["max_age"] == max_age
    assert serving["health"] is True
    assert _serving(profile, DATABASE_CONN_MAX_AGE="300")["max_age"] == (300 if max_age else 0)


@pytest.mark.parametrize("profile, backend, finders", [
    ("production", "whitenoise.storage.CompressedManifestStaticFilesStorage", False),
    # No collectstatic step in `make run` and the tests: plain names, served from static/.
    ("embedded", "django.contrib.staticfiles.storage.StaticFilesStorage", True),
    ("test", "django.contrib.staticfiles.storage.StaticFilesStorage", True),
])
def test_static_files_are_hashed_in_production_only(profile, backend, finders):
    serving = _serving(profile)
    assert (serving["static"], serving["finders"]) == (backend, finders)


@pytest.fixture
def production_static(settings, tmp_path):
    """The static files as production collects and serves them: hashed names in tmp_path, no finders."""
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {**settings.STORAGES,
                         "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}}
    settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic", interactive=False, verbosity=0, ignore_patterns=["drf_spectacular_sidecar"])
    return json.loads((tmp_path / "staticfiles.json").read_text())["paths"]


def _is_hashed(original: str, collected: str) -> bool:
    stem, dot, ext = original.rpartition(".")
    return re.fullmatch(rf"{re.escape(stem)}\.[0-9a-f]{{12}}\.{re.escape(ext)}", collected) is not None


def test_production_collects_every_stylesheet_script_and_font_under_a_hashed_name(production_static, tmp_path):
    for name in ["css/khedmat.css", "certificates/pdf.css", "img/favicon.svg", "admin/js/core.js",
                 *(str(p.relative_to(Path(settings.BASE_DIR) / "static"))
                   for p in (Path(settings.BASE_DIR) / "static" / "vendor").rglob("*.woff2"))]:
        assert _is_hashed(name, production_static[name]), (name, production_static.get(name))
    # The stylesheet names the hashed fonts, so a new font never hides behind a cached stylesheet.
    stylesheet = (tmp_path / production_static["css/khedmat.css"]).read_text()
    assert production_static["vendor/vazirmatn/Vazirmatn-Regular-web.woff2"].split("/")[-1] in stylesheet


@pytest.mark.django_db
def test_production_pages_link_hashed_static_files_cached_for_ten_years(production_static, client):
    page = client.get(reverse("core:home")).content.decode()
    stylesheet = "/static/" + production_static["css/khedmat.css"]
    assert f'href="{stylesheet}"' in page
    assert "/static/css/khedmat.css" not in page
    response = client.get(stylesheet)
    assert response.status_code == 200
    assert response["Cache-Control"] == "max-age=315360000, public, immutable"
    # An unhashed name is still answered (an old bookmark), but only briefly cached.
    assert client.get("/static/css/khedmat.css")["Cache-Control"] == "max-age=60, public"


def test_templates_link_static_files_through_the_static_tag_only():
    """{% static %} is what gives production its hashed names; a hard-coded /static/ address would get the
    unhashed, briefly cached copy (and break under a different STATIC_URL)."""
    roots = [Path(settings.BASE_DIR) / "templates", *(Path(settings.BASE_DIR) / "khedmat").rglob("templates")]
    offenders = [str(path) for root in roots for path in root.rglob("*.html") if "/static/" in path.read_text()]
    assert offenders == []
