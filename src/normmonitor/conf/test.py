"""Settings for the test suite. The database comes from DATABASE_URL (the test command runs the
suite once on SQLite and once on PostgreSQL)."""

from .base import *  # noqa: F403
from .base import DATA_DIR, database_from_url, env

SECRET_KEY = "test-only-key"  # noqa: S105
DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed; tests only
DATABASES = {
    "default": database_from_url(env("DATABASE_URL") or f"sqlite:///{DATA_DIR}/test.sqlite3")
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LANGUAGE_CODE = "nl"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Tests log users in with force_login; the security tests switch these on where they test them.
NORMMONITOR_MFA_REQUIRED_ROLES: list[str] = []
AXES_ENABLED = False
