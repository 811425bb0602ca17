"""Settings shared by every environment. Values that differ per deployment come from the
environment; see docs/deployment.md. Environment modules (dev, test, production) import this."""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str | None = None) -> str | None:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name, default) or "").split(",") if item.strip()]


DATA_DIR = Path(env("NORMMONITOR_DATA_DIR") or Path.cwd() / "var").resolve()

SECRET_KEY = env("DJANGO_SECRET_KEY") or ""
DEBUG = env_bool("DJANGO_DEBUG", False)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "normmonitor.core.admin_apps.SuperuserAdminConfig",  # django.contrib.admin, superusers only
    "django.contrib.humanize",
    "django_htmx",
    "rules.apps.AutodiscoverRulesConfig",
    "normmonitor.accounts",  # before allauth: its templates override allauth's
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "normmonitor.core",
    "normmonitor.audit",
    "normmonitor.access",
    "normmonitor.organisations",
    "normmonitor.norms",
    "normmonitor.rounds",
    "normmonitor.assessments",
    "normmonitor.dashboard",
    "normmonitor.evidence",
    "normmonitor.actions",
    "normmonitor.analysis",
    "normmonitor.resiliencescan",
    "normmonitor.initiatives",
    "normmonitor.documentscan",
    "normmonitor.reports",
    "normmonitor.api",
    "normmonitor.demo",
    "normmonitor.beheer",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "normmonitor.core.middleware.SessionIdleTimeoutMiddleware",
    "normmonitor.core.middleware.LoginRequiredMiddleware",
    "normmonitor.accounts.middleware.MfaRequiredMiddleware",
    "normmonitor.core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the lockout page
]

ROOT_URLCONF = "normmonitor.urls"
WSGI_APPLICATION = "normmonitor.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "normmonitor.core.navigation.navigation",
            ],
        },
    },
]


def database_from_url(url: str | None) -> dict:
    """The default database: DATABASE_URL when set, else SQLite in DATA_DIR.

    SQLite runs in WAL mode with a busy timeout so that a reader never blocks the writer and
    concurrent writes wait instead of failing at once."""
    if not url:
        url = f"sqlite:///{DATA_DIR / 'normmonitor.sqlite3'}"
    if not (url.startswith("sqlite:") or url.startswith(("postgres:", "postgresql:"))):
        raise ImproperlyConfigured("DATABASE_URL must be a sqlite:/// or postgres:// URL")
    config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            ),
        }
    return config


DATABASES = {"default": database_from_url(env("DATABASE_URL"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses while an account or address is locked
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "login"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "normmonitor@localhost")

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

SESSION_COOKIE_AGE = 60 * 60 * 8  # one working day
# Logged out after this long without a request (core.middleware.SessionIdleTimeoutMiddleware).
SESSION_IDLE_TIMEOUT = int(env("NORMMONITOR_SESSION_IDLE_MINUTES", "30") or 30) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# LOG_FORMAT: "plain" (default) or "json", one object per line (production's default).
LOG_FORMAT = env("LOG_FORMAT", "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "json": {"()": "normmonitor.api.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json" if LOG_FORMAT == "json" else "plain",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}

# The REST API (normmonitor.api, docs/api.md): token or session authentication, JSON only,
# errors as application/problem+json, no trailing slashes, schema by drf-spectacular.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "normmonitor.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "normmonitor.api.parsers.MergePatchParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "normmonitor.api.schema.ApiAutoSchema",
    "EXCEPTION_HANDLER": "normmonitor.api.problems.exception_handler",
    "URL_FORMAT_OVERRIDE": None,
    "UNICODE_JSON": True,
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Normmonitor API",
    "DESCRIPTION": "Norms, organisations, regions, monitoring rounds, assessments and scores. "
    "See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {},
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "normmonitor.api.schema.add_problem_responses",
    ],
    "CONTACT": {"name": "Normmonitor"},
    "LICENSE": {"name": "EUPL-1.2"},
}

# Accounts (django-allauth): accounts are created by administrators; no sign-up. Log in with the
# user name; password reset by e-mail; TOTP, security keys (WebAuthn) and recovery codes.
ACCOUNT_ADAPTER = "normmonitor.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False  # the other sessions end, this one stays
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False  # no mail to addresses that have no account
ACCOUNT_REAUTHENTICATION_REQUIRED = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Normmonitor] "
MFA_ADAPTER = "normmonitor.accounts.mfa_adapter.MFAAdapter"  # secrets encrypted at rest
NORMMONITOR_MFA_KEY = env("NORMMONITOR_MFA_KEY", "") or ""
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Normmonitor"
MFA_ALLOW_UNVERIFIED_EMAIL = True  # addresses are entered by administrators, not self-claimed
MFA_PASSKEY_LOGIN_ENABLED = False
USERSESSIONS_TRACK_ACTIVITY = False
# Roles that must use a second factor (docs/security.md). The demo settings switch this off.
NORMMONITOR_MFA_REQUIRED_ROLES = env_list(
    "NORMMONITOR_MFA_REQUIRED_ROLES", "administrator,coordinator"
)

# Lockout after repeated failed logins (django-axes): five failures for one user name, or from
# one address, block further attempts for a quarter of an hour; every failure is audited.
AXES_FAILURE_LIMIT = int(env("NORMMONITOR_LOGIN_FAILURE_LIMIT", "5") or 5)
AXES_COOLOFF_TIME = timedelta(minutes=int(env("NORMMONITOR_LOCKOUT_MINUTES", "15") or 15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "normmonitor.accounts.views.locked_out"
AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
AXES_ENABLE_ADMIN = False

# Round scores remembered per process (assessments.selectors.score_cache), counted in
# organisation scores: 4,000 holds ten national rounds (385 organisations each) with their
# analyses in roughly 50 MB.
NORMMONITOR_SCORE_CACHE_ORGANISATIONS = int(
    env("NORMMONITOR_SCORE_CACHE_ORGANISATIONS", "4000") or 4000
)

# Uploads: cut off while streaming in above this size (core.uploads), whatever the feature.
NORMMONITOR_MAX_UPLOAD_BYTES = int(
    env("NORMMONITOR_MAX_UPLOAD_BYTES", str(50 * 1024 * 1024)) or 50 * 1024 * 1024
)
FILE_UPLOAD_HANDLERS = [
    "normmonitor.core.uploads.SizeLimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

# Evidence (documents per item): stored outside the web root, served only by a checked download.
EVIDENCE_ROOT = Path(env("NORMMONITOR_EVIDENCE_DIR") or DATA_DIR / "evidence").resolve()
EVIDENCE_MAX_UPLOAD_BYTES = int(env("NORMMONITOR_EVIDENCE_MAX_BYTES", str(20 * 1024 * 1024)) or 0)
EVIDENCE_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024  # zip containers (DOCX, XLSX, ODT, ODS)
EVIDENCE_MAX_COMPRESSION_RATIO = 100

# Where the CBS boundary files shipped with the project live (see organisations/geo).
NORMMONITOR_REPOSITORY_DIR = PACKAGE_DIR.parent.parent
