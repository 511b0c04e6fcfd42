"""The production profile refuses to start without real secrets and database."""
import os
import subprocess
import sys

import pytest
from django.conf import settings

GOOD = {
    "SECRET_KEY": "k7#Qv2!pZ9mW4xR8tL1yB6nC3sD0fG5hJ-a_e+u=iO%Tq3Ys8Ux1Vw",
    "DATABASE_URL": "postgres://khedmat@127.0.0.1:5432/khedmat",
    "SMS_BACKEND": "khedmat.notifications.sms.KavenegarSmsBackend",
    "CERT_SIGNING_KEY": "-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\n-----END PRIVATE KEY-----\n",
}


def start(env_overrides: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items()
           if k not in {"SECRET_KEY", "DATABASE_URL", "SMS_BACKEND", "CERT_SIGNING_KEY", "DJANGO_SETTINGS_MODULE"}}
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
    ],
)
def test_production_refuses_to_start_when_misconfigured(overrides, complaint):
    env = {**GOOD, **overrides}
    env = {k: v for k, v in env.items() if v != ""}
    result = start(env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and complaint in result.stderr


def _production(env_overrides: dict, code: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {*GOOD, "DJANGO_SETTINGS_MODULE", "SECURE_HSTS_SECONDS",
                                                             "SECURE_SSL_REDIRECT", "SECURE_HSTS_PRELOAD"}}
    env.update({"DJANGO_SETTINGS_MODULE": "khedmat.settings.production", **GOOD, **env_overrides})
    return subprocess.run([sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True)


def test_production_passes_the_deploy_checks():
    result = _production({}, "import sys; from django.core.management import execute_from_command_line; "
                             "execute_from_command_line(['manage.py', 'check', '--deploy', '--fail-level', 'WARNING'])")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout, result.stdout + result.stderr


def test_production_sends_hsts_for_a_year_by_default_and_it_is_configurable():
    show = ("import django; django.setup(); from django.conf import settings as s; "
            "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD, s.SECURE_SSL_REDIRECT)")
    result = _production({}, show)
    assert result.stdout.split() == ["31536000", "True", "False", "True"], result.stderr
    result = _production({"SECURE_HSTS_SECONDS": "600", "SECURE_SSL_REDIRECT": "false"}, show)
    assert result.stdout.split() == ["600", "True", "False", "False"], result.stderr
