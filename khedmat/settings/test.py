"""Test profile: the embedded default, made fast and quiet. DATABASE_URL selects PostgreSQL."""
from khedmat.settings.base import *  # noqa: F401,F403

DEBUG = False
DEV_OUTBOX_ENABLED = True
# For speed: hashing is not what the tests exercise.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
SMS_BACKEND = "khedmat.notifications.sms.ConsoleSmsBackend"
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
