"""Settings for the demo and local development: DEBUG on, a development-only secret."""

from .base import *  # noqa: F403
from .base import env, env_list

DEBUG = True
SECRET_KEY = env("DJANGO_SECRET_KEY") or "dev-only-insecure-key-never-use-in-production"
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The demo's administrator and coordinator log in with a published password only: two-factor
# authentication is not enforced here (production enforces it; docs/security.md).
NORMMONITOR_MFA_REQUIRED_ROLES = env_list("NORMMONITOR_MFA_REQUIRED_ROLES", "")
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True  # security keys on http://127.0.0.1 during development
