"""Settings for the test suite: the same as production but for speed-only changes."""

import os

os.environ.setdefault("JOINEDUP_ALLOW_EPHEMERAL_SECRET", "1")

from config.settings.base import *  # noqa: F403

SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
JOINEDUP_AREA_INDEX_TTL = 0
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
