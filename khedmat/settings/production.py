"""Production profile: refuses to start without a real secret key and database.

Behind the intranet proxy set KHEDMAT_TRUSTED_PROXIES to its address(es), or every citizen counts as that one
address against VERIFY_RATE_LIMIT. The default cache is per gunicorn worker (each limit is then N workers times the
setting); CACHE_BACKEND/CACHE_LOCATION can name a shared Memcached or Redis. VERIFY_LOG_DIR is a local directory the
web server and the worker (`verification_log_flush --schedule`) both reach.
"""
from django.core.exceptions import ImproperlyConfigured

from khedmat.settings.base import *  # noqa: F401,F403
from khedmat.settings.env import env_bool, env_int, env_secret, env_str, site_url_check

DEBUG = False
DEV_OUTBOX_ENABLED = False
TEMPLATES[0]["OPTIONS"]["loaders"] = template_loaders(debug=DEBUG)  # noqa: F405 — cached, whatever DEBUG says

SECRET_KEY = env_secret("SECRET_KEY")
# Django's deploy check (security.W009) asks for 50 characters, at least 5 of them different.
if not SECRET_KEY or SECRET_KEY.startswith(("embedded-", "django-insecure-")) or len(SECRET_KEY) < 50 \
        or len(set(SECRET_KEY)) < 5:
    raise ImproperlyConfigured("Production needs SECRET_KEY (or SECRET_KEY_FILE) of at least 50 random characters.")
if not env_str("DATABASE_URL"):
    raise ImproperlyConfigured("Production needs DATABASE_URL (PostgreSQL).")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":  # noqa: F405
    raise ImproperlyConfigured("Production runs on PostgreSQL; DATABASE_URL must start with postgres://.")
if SMS_BACKEND.endswith("ConsoleSmsBackend"):  # noqa: F405
    raise ImproperlyConfigured("Production needs a real SMS_BACKEND (e.g. "
                               "khedmat.notifications.sms.KavenegarSmsBackend).")

if not env_secret("CERT_SIGNING_KEY"):
    raise ImproperlyConfigured("Production needs CERT_SIGNING_KEY (or CERT_SIGNING_KEY_FILE): the Ed25519 key that "
                               "signs certificates.")

KHEDMAT_SITE_URL = site_url_check(env_str("KHEDMAT_SITE_URL", ""))

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
# TLS usually ends at the intranet proxy, which must send X-Forwarded-Proto: a plain-HTTP request that
# reaches Django anyway is redirected, except the load balancer's health check.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
# HSTS by default (one year; SECURE_HSTS_SECONDS=0 turns it off). Preloading is a decision taken for the
# whole domain at hstspreload.org, so it is off unless asked for; Django's reminder about it is silenced
# only then.
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = [*globals().get("SILENCED_SYSTEM_CHECKS", []), "security.W021"]
# Static files: `manage.py collectstatic` (part of every deployment) writes hashed names (css/khedmat.3f2a….css) with
# .br/.gz beside them, and {% static %} links to them; WhiteNoise serves the hashed ones with
# "Cache-Control: max-age=315360000, public, immutable" and anything else for WHITENOISE_MAX_AGE (60 s). Only the
# collected files are served (no finders): a page never links to an unhashed copy.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
