"""Settings shared by every profile. Profiles (embedded, production, test) import and adjust these.

Every value that differs between deployments comes from an environment variable with a default that
works on a fresh checkout; `production.py` removes the defaults that must never reach production.

The public verification page writes nothing to the database per lookup (issue 19): its limits are cache counters
(`VERIFY_RATE_LIMIT` per client address, `VERIFY_RATE_LIMIT_PER_CODE`, `VERIFY_RATE_LIMIT_PER_SESSION`, per
`VERIFY_RATE_WINDOW_SECONDS`; `CACHES` from `CACHE_BACKEND`/`CACHE_LOCATION`), the client address is taken from
X-Forwarded-For only when REMOTE_ADDR is one of `KHEDMAT_TRUSTED_PROXIES`, and its log is buffered in files under
`VERIFY_LOG_DIR` that the worker moves into the database every `VERIFY_LOG_FLUSH_SECONDS`.
"""
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from khedmat.settings.env import env_bool, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("KHEDMAT_VAR_DIR", str(BASE_DIR / "var")))

SECRET_KEY = env_secret("SECRET_KEY", "embedded-development-key-not-for-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Platform apps first: their templates and translations take precedence over Django's.
    "khedmat.core",
    "khedmat.accounts",
    "khedmat.organizations",
    "khedmat.workcalendar",
    "khedmat.catalog",
    "khedmat.cases",
    "khedmat.certificates",
    "khedmat.payments",
    "khedmat.inquiries",
    "khedmat.committees",
    "khedmat.appointments",
    # The services (each declares its process in workflow.py and registers it when Django starts).
    "khedmat.services.contractor_qualification",
    "khedmat.services.institute_accreditation",
    "khedmat.notifications",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Gzip (BREACH-mitigated GZipMiddleware): before every middleware that reads or writes the body, and
    # before WhiteNoise so that uncollected static files are compressed too (core/middleware.py).
    "khedmat.core.middleware.CompressionMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "khedmat.core.memo.RequestMemoMiddleware",  # one read per thing per request (core/memo.py)
    "khedmat.accounts.middleware.StaffSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "khedmat.accounts.middleware.IdleSessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "khedmat.core.middleware.ContentSecurityPolicyMiddleware",
    "khedmat.core.middleware.PermissionsPolicyMiddleware",
    "khedmat.core.middleware.PrivateNoStoreMiddleware",
]

ROOT_URLCONF = "khedmat.urls"
WSGI_APPLICATION = "khedmat.wsgi.application"



def template_loaders(*, debug: bool) -> list:
    """The template loaders of a profile: compiled templates are kept for the life of the process (Django's cached
    loader) in every profile but development (DEBUG=1), where a changed template shows on the next request.
    Profiles that change DEBUG after importing this module set TEMPLATES[0]["OPTIONS"]["loaders"] again."""
    plain = ["django.template.loaders.filesystem.Loader", "django.template.loaders.app_directories.Loader"]
    return plain if debug else [("django.template.loaders.cached.Loader", plain)]


TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        # The app directories are searched by the loaders below ("APP_DIRS" cannot be given with "loaders").
        "OPTIONS": {
            "loaders": template_loaders(debug=DEBUG),
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "khedmat.core.context_processors.site",
                "khedmat.organizations.context_processors.acting_organization",
                "khedmat.notifications.context_processors.unread_count",
            ],
            "builtins": ["khedmat.core.templatetags.persian"],
        },
    },
]

# Persistent connections (a worker keeps its connection for a minute instead of opening one per request; on SQLite
# that also spares the PRAGMAs below), checked before reuse so a dropped connection is replaced, not an error. The
# development server closes its threads' connections itself; the test profile keeps one connection per request.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'khedmat.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default keeps its database under var/, which a fresh checkout does not have.
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    (VAR_DIR / "staticfiles").mkdir(exist_ok=True)
    # WAL lets the web process read while a worker writes; a timeout avoids "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "core:home"
AUTH_PASSWORD_VALIDATORS = [
    # Django's checks with our own (Persian) messages: khedmat/accounts/password_validation.py.
    {"NAME": "khedmat.accounts.password_validation.UserAttributeSimilarityValidator",
     "OPTIONS": {"user_attributes": ("national_id", "mobile", "first_name", "last_name", "email")}},
    {"NAME": "khedmat.accounts.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "khedmat.accounts.password_validation.CommonPasswordValidator"},
    {"NAME": "khedmat.accounts.password_validation.NumericPasswordValidator"},
]

# Persian only. Instants are stored in UTC (USE_TZ); Asia/Tehran is the display and
# working-day zone, so timezone.localdate() is the Tehran office date.
LANGUAGE_CODE = "fa"
LANGUAGES = [("fa", _("Persian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Tehran"

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "khedmat@localhost")

# SMS: console (prints and keeps the message for the development outbox), file, or an HTTP provider.
SMS_BACKEND = env_str("SMS_BACKEND", "khedmat.notifications.sms.ConsoleSmsBackend")
SMS_FILE_PATH = Path(env_str("SMS_FILE_PATH", str(VAR_DIR / "sms.log")))
SMS_HTTP_URL = env_str("SMS_HTTP_URL", "https://api.kavenegar.com/v1")
SMS_HTTP_API_KEY = env_secret("SMS_HTTP_API_KEY", "")
SMS_HTTP_SENDER = env_str("SMS_HTTP_SENDER", "")
SMS_HTTP_TIMEOUT = env_int("SMS_HTTP_TIMEOUT", 10)
# The development outbox page shows every SMS with its code; never in production.
DEV_OUTBOX_ENABLED = env_bool("DEV_OUTBOX_ENABLED", False)

# Background tasks: the django.tasks API (backport `django_tasks`) with the database backend, run by
# `manage.py db_worker` (docs/adr/0003-task-runner.md). The test profile runs tasks inline.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Notification outbox: attempts before giving up, the wait after each failed attempt (minutes; the
# last value repeats), how long a worker may hold a message it is sending, and the retry sweep.
NOTIFICATION_MAX_ATTEMPTS = env_int("NOTIFICATION_MAX_ATTEMPTS", 6)
NOTIFICATION_RETRY_MINUTES = [1, 5, 30, 120, 600]
NOTIFICATION_SENDING_LEASE_SECONDS = env_int("NOTIFICATION_SENDING_LEASE_SECONDS", 600)
NOTIFICATION_SWEEP_BATCH = env_int("NOTIFICATION_SWEEP_BATCH", 200)
NOTIFICATION_SWEEP_INTERVAL_SECONDS = env_int("NOTIFICATION_SWEEP_INTERVAL_SECONDS", 60)

# Authentication policy (counts and windows are deliberately settings, not code).
OTP_LENGTH = 6
OTP_TTL_SECONDS = env_int("OTP_TTL_SECONDS", 300)
OTP_MAX_ATTEMPTS = env_int("OTP_MAX_ATTEMPTS", 5)
OTP_RESEND_SECONDS = env_int("OTP_RESEND_SECONDS", 60)
OTP_MAX_PER_HOUR = env_int("OTP_MAX_PER_HOUR", 5)
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCK_SECONDS = env_int("LOGIN_LOCK_SECONDS", 900)
LOGIN_MAX_FAILURES_PER_IP = env_int("LOGIN_MAX_FAILURES_PER_IP", 30)
STAFF_TOTP_ISSUER = env_str("STAFF_TOTP_ISSUER", "Khedmat")
# "Remember this device" skips the staff second factor until this Tehran time (then midnight).
STAFF_WORKDAY_END = env_str("STAFF_WORKDAY_END", "16:00")
# Idle sessions end (khedmat.accounts.middleware.IdleTimeoutMiddleware).
STAFF_IDLE_TIMEOUT_SECONDS = env_int("STAFF_IDLE_TIMEOUT_SECONDS", 30 * 60)
APPLICANT_IDLE_TIMEOUT_SECONDS = env_int("APPLICANT_IDLE_TIMEOUT_SECONDS", 120 * 60)

# The province this deployment serves first; the model holds all 31.
KHEDMAT_HOME_PROVINCE = env_str("KHEDMAT_HOME_PROVINCE", "tehran")
# Case events and admin audit events are append-only in the database (core.appendonly); only the
# test profile lets `manage.py flush` empty them (pytest-django flushes after transactional tests).
AUDIT_LOG_FLUSHABLE = False

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
CSRF_FAILURE_VIEW = "khedmat.core.views.csrf_failure"
WHITENOISE_USE_FINDERS = True  # serve vendored assets straight from static/ when not collected
WHITENOISE_AUTOREFRESH = DEBUG

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "khedmat.core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Khedmat API",
    "DESCRIPTION": "Cases, documents, transitions and the staff queue of Khedmat.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the vendored sidecar package: no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# Official documents: the public address printed in QR codes, the signer, and the signing keys.
# `make run` exports KHEDMAT_SITE_URL for the port it serves on; without it, this machine at $PORT.
# The production profile refuses to start without it (a QR code must never point to 127.0.0.1).
KHEDMAT_SITE_URL = env_str("KHEDMAT_SITE_URL", "") or f"http://127.0.0.1:{env_int('PORT', 8000)}"
KHEDMAT_SIGNER_NAME = env_str("KHEDMAT_SIGNER_NAME", "نعمت اله ترکی")
KHEDMAT_SIGNER_TITLE = env_str("KHEDMAT_SIGNER_TITLE", "رئیس سازمان")
CERT_SIGNING_KEY = env_secret("CERT_SIGNING_KEY", "")  # Ed25519 private key, PEM (or CERT_SIGNING_KEY_FILE)
CERT_KEY_DIR = env_str("CERT_KEY_DIR", str(VAR_DIR / "keys"))  # development keys are generated here
CERT_RETIRED_PUBLIC_KEYS = env_list("CERT_RETIRED_PUBLIC_KEYS", [])  # base64 raw public keys still published
# The verification page's limits, counted in the cache (atomic add + incr), never in the database. Against
# enumeration the code's size is the defence, not a small limit: 11 random digits and a Luhn digit are 10^11
# candidates, so with 100,000 documents in force one guess in 10^6 hits and even 3,000 guesses per address per
# 10 minutes find one document in ~330 windows (days), while 30 locked out a whole province behind the intranet
# proxy's one address. Per code and per session the limits are tighter (a reader checks one document a few times;
# a clerk one every few seconds). Refused lookups answer 429.
VERIFY_RATE_LIMIT = env_int("VERIFY_RATE_LIMIT", 3000)  # lookups per client address …
VERIFY_RATE_WINDOW_SECONDS = env_int("VERIFY_RATE_WINDOW_SECONDS", 600)  # … in this window
VERIFY_RATE_LIMIT_PER_CODE = env_int("VERIFY_RATE_LIMIT_PER_CODE", 120)  # lookups of one code or id, any address
VERIFY_RATE_LIMIT_PER_SESSION = env_int("VERIFY_RATE_LIMIT_PER_SESSION", 300)  # per session cookie, if any
# The lookup log is appended to a file per process here and moved into VerificationLog by the worker
# (`manage.py verification_log_flush [--schedule]`, every VERIFY_LOG_FLUSH_SECONDS): no database write per lookup.
VERIFY_LOG_DIR = env_str("VERIFY_LOG_DIR", str(VAR_DIR / "verification-log"))
VERIFY_LOG_FLUSH_SECONDS = env_int("VERIFY_LOG_FLUSH_SECONDS", 60)
# How long a process keeps reference data (service titles, SLA targets, domain lists) before reading it again
# (core/refcache.py); a change in the same process is seen at once.
REFERENCE_CACHE_SECONDS = env_int("REFERENCE_CACHE_SECONDS", 60)
# Addresses of the reverse proxies whose X-Forwarded-For is believed (core.net.client_ip); empty: none is.
KHEDMAT_TRUSTED_PROXIES = env_list("KHEDMAT_TRUSTED_PROXIES", [])
# The cache holds the rate counters and the signature checks. Local memory is per process: with N gunicorn
# workers a limit is N times the setting (still useless for enumeration); for one counter shared by every
# worker point CACHE_BACKEND/CACHE_LOCATION at Memcached or Redis (Django's own backends).
CACHES = {"default": {"BACKEND": env_str("CACHE_BACKEND", "django.core.cache.backends.locmem.LocMemCache"),
                      "LOCATION": env_str("CACHE_LOCATION", "khedmat")},
          # Fragments that are the same for everyone (the site's header links): in the process, never over a network.
          "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "fragments"}}

# Payments: the bank gateway (Zarinpal v4 protocol; the sandbox in tools/sandbox_gateway.py speaks it too).
PAYMENT_GATEWAY_URL = env_str("PAYMENT_GATEWAY_URL", "http://127.0.0.1:8010")
PAYMENT_MERCHANT_ID = env_secret("PAYMENT_MERCHANT_ID", "khedmat-sandbox-merchant")
PAYMENT_GATEWAY_TIMEOUT = env_int("PAYMENT_GATEWAY_TIMEOUT", 10)
PAYMENT_ATTEMPT_TTL_SECONDS = env_int("PAYMENT_ATTEMPT_TTL_SECONDS", 900)  # a bank session is reused this long
PAYMENT_RECONCILE_AFTER_SECONDS = env_int("PAYMENT_RECONCILE_AFTER_SECONDS", 600)  # then the job asks the bank
PAYMENT_REFUSED_CALLBACKS_KEPT_PER_HOUR = env_int("PAYMENT_REFUSED_CALLBACKS_KEPT_PER_HOUR",
                                                  30)  # per address, unmatched ones

# Registry inquiries: electronic sources without their own address use this base (the simulator in
# development: tools/registry_simulator.py).
REGISTRY_BASE_URL = env_str("REGISTRY_BASE_URL", "http://127.0.0.1:8020")
REGISTRY_TIMEOUT = env_int("REGISTRY_TIMEOUT", 10)
REGISTRY_MAX_ATTEMPTS = env_int("REGISTRY_MAX_ATTEMPTS", 5)
REGISTRY_RETRY_SECONDS = [60, 300, 1800, 7200]  # back-off between attempts
# The PBO's SAJAR intake for referrals of service 4; empty: files are exported and sent by hand.
KHEDMAT_SAJAR_URL = env_str("KHEDMAT_SAJAR_URL", "")
