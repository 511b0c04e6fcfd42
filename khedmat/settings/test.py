"""Test profile: the embedded default, made fast and quiet. DATABASE_URL selects PostgreSQL."""
import os

from khedmat.settings.base import *  # noqa: F401,F403

DEBUG = False
DEV_OUTBOX_ENABLED = True
TEMPLATES[0]["OPTIONS"]["loaders"] = template_loaders(debug=False)  # noqa: F405 — as production renders
# One connection per request, as before: the test client and the threads of the concurrency tests manage their own.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
# For speed: hashing is not what the tests exercise.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SMS_BACKEND = "khedmat.notifications.sms.ConsoleSmsBackend"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run inline, inside the test (on_commit hooks fire with django_capture_on_commit_callbacks).
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Plain names: the tests do not run collectstatic (core/tests/test_settings.py collects with production's storage).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AUDIT_LOG_FLUSHABLE = True  # pytest-django flushes after every transactional test
LOGGING["root"]["level"] = "WARNING"  # noqa: F405

# Every test process has its own files: pytest-xdist runs one per core (docs/testing.md), and a run may
# overlap another checkout's. The process id names them; pytest-django adds the worker to the database
# names (test_khedmat_gw0, …). khedmat/conftest.py removes the media directory when the session ends.
_RUN = f"{os.environ.get('PYTEST_XDIST_WORKER', 'main')}-{os.getpid()}"

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file, not shared-cache memory: concurrent-transaction tests need SQLite's real locking
    # (busy timeout, BEGIN IMMEDIATE), as the embedded profile has it.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-khedmat-{_RUN}.sqlite3")}  # noqa: F405

# Uploads land here, not in the development var/media/ (a test counts the files its upload left).
MEDIA_ROOT = VAR_DIR / f"test-media-{_RUN}"  # noqa: F405
VERIFY_LOG_DIR = str(VAR_DIR / f"test-verification-log-{_RUN}")  # noqa: F405  (the buffered lookup log)
# Shared by the workers on purpose: the first one generates the development key, the others read it
# (signing.load_keyring publishes a key file whole and re-reads after writing one).
CERT_KEY_DIR = str(VAR_DIR / "test-keys")  # noqa: F405
