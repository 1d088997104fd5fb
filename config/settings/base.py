"""Settings for joinedup. Everything that differs between deployments comes from the
environment (see `.env.example`); nothing secret is written here."""

from __future__ import annotations

import json
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(os.environ.get("JOINEDUP_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG or os.environ.get("JOINEDUP_ALLOW_EPHEMERAL_SECRET") == "1":
        # Local runs only: a key made at start-up, so sessions do not survive restarts.
        from django.core.management.utils import get_random_secret_key

        SECRET_KEY = get_random_secret_key()
    else:
        raise ImproperlyConfigured("SECRET_KEY is not set; see .env.example")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.gis",
    "rest_framework",
    "rest_framework_gis",
    "drf_spectacular",
    "joinedup.core",
    "joinedup.geo",
    "joinedup.demo",
    "joinedup.jobs",
    "joinedup.integrations.govuk_notify",
    "joinedup.integrations.govuk_pay.sandbox",
    "joinedup.payments",
    "joinedup.council_tax",
    "joinedup.catalogue",
    "joinedup.routing",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "joinedup.crm",
    "joinedup.service_requests",
    "joinedup.integrations.open311",
    "joinedup.accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "joinedup.core.middleware.SessionExpiryMiddleware",
    "joinedup.core.middleware.StaffMultiFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "joinedup.core.middleware.ContentSecurityPolicyMiddleware",
    "joinedup.core.middleware.AuditContextMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "joinedup" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "joinedup.core.middleware.csp_nonce",
                "joinedup.core.middleware.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# PostgreSQL + PostGIS is the real store; SQLite + SpatiaLite is the embedded default.
DEFAULT_DATABASE_URL = f"spatialite:///{VAR_DIR / 'joinedup.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.postgis"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["ENGINE"] = "django.contrib.gis.db.backends.spatialite"
if DATABASES["default"]["ENGINE"].endswith("spatialite"):
    # Connections are kept like PostgreSQL's: opening one loads the SpatiaLite extension,
    # which costs more than most requests.
    # WAL lets readers go on while a writer commits; IMMEDIATE takes the write lock at the
    # start of a transaction, so two writers queue instead of failing with "locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}
    )
# GDAL before 3.9 cannot be told to refuse network/file access in spatial references.
# Boundary files are chosen by operators running import commands, never uploaded by users.
SILENCED_SYSTEM_CHECKS = ["gis.W001"]
SPATIALITE_LIBRARY_PATH = os.environ.get("SPATIALITE_LIBRARY_PATH", "mod_spatialite")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:staff-home"
LOGOUT_REDIRECT_URL = "/"

# Argon2id first (OWASP's first choice); the others only verify, and upgrade on sign-in,
# hashes made before.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Geography ------------------------------------------------------------------------
# Every area geometry is stored in this SRID; points arrive in WGS84 (4326).
JOINEDUP_AREA_SRID = 4326
# Seconds a web process keeps its in-memory area index before checking for new imports.
JOINEDUP_AREA_INDEX_TTL = int(os.environ.get("JOINEDUP_AREA_INDEX_TTL", "60"))

# --- Internationalisation -------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS = [BASE_DIR / "joinedup" / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static_build"] if (BASE_DIR / "static_build").exists() else []
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# --- Security -------------------------------------------------------------------------
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(8 * 60 * 60)))
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# A signed-in session ends after this long without a request (SESSION_COOKIE_AGE is the
# absolute limit from sign-in).
JOINEDUP_SESSION_IDLE_SECONDS = int(os.environ.get("JOINEDUP_SESSION_IDLE_SECONDS", "1800"))
# Failed password sign-ins allowed per username within the window (and per address).
JOINEDUP_LOCKOUT_FAILURES = int(os.environ.get("JOINEDUP_LOCKOUT_FAILURES", "5"))
JOINEDUP_LOCKOUT_ADDRESS_FAILURES = int(os.environ.get("JOINEDUP_LOCKOUT_ADDRESS_FAILURES", "50"))
JOINEDUP_LOCKOUT_WINDOW_SECONDS = int(os.environ.get("JOINEDUP_LOCKOUT_WINDOW_SECONDS", "900"))
# Paths for officers only: a session must have passed multi-factor sign-in to use them.
JOINEDUP_STAFF_PATH_PREFIXES = ["/staff/", "/api/internal/", "/admin/"]
JOINEDUP_API_PATH_PREFIXES = ["/api/"]
OTP_TOTP_ISSUER = "joinedup"
# Links on the officers' home page: (label, URL name); apps add theirs here.
JOINEDUP_STAFF_LINKS = [
    ("People", "crm:person-list"),
    ("Data-sharing agreements", "crm:agreement-list"),
    ("Erasure requests", "crm:erasure-request-list"),
    ("Council tax accounts", "council_tax:staff-search"),
    ("Messages sent", "govuk_notify:outbox"),
]
# Scopes an internal API token may carry; apps add theirs here.
JOINEDUP_API_SCOPES = ["crm:read", "crm:write"]
# Where a form may lead: ourselves, and GOV.UK Pay's payment pages, to which the pay form
# redirects (browsers apply form-action to the redirect too).
JOINEDUP_CSP_FORM_ACTION = env_list(
    "JOINEDUP_CSP_FORM_ACTION", "'self',https://card.payments.service.gov.uk"
)
# Every response's Content-Security-Policy; {nonce} is filled per response.
JOINEDUP_CSP = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; style-src 'self'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    f"base-uri 'self'; form-action {' '.join(JOINEDUP_CSP_FORM_ACTION)}; "
    "frame-ancestors 'none'"
)

# --- Residents' accounts -------------------------------------------------------------
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "joinedup <no-reply@joinedup.invalid>")
# GOV.UK One Login (OpenID Connect): off unless enabled and configured.
GOVUK_ONE_LOGIN_ENABLED = env_bool("GOVUK_ONE_LOGIN_ENABLED", False)
GOVUK_ONE_LOGIN_ISSUER = os.environ.get("GOVUK_ONE_LOGIN_ISSUER", "https://oidc.account.gov.uk/")
GOVUK_ONE_LOGIN_CLIENT_ID = os.environ.get("GOVUK_ONE_LOGIN_CLIENT_ID", "")
GOVUK_ONE_LOGIN_PRIVATE_KEY = os.environ.get("GOVUK_ONE_LOGIN_PRIVATE_KEY", "")
if os.environ.get("GOVUK_ONE_LOGIN_PRIVATE_KEY_FILE"):
    GOVUK_ONE_LOGIN_PRIVATE_KEY = Path(os.environ["GOVUK_ONE_LOGIN_PRIVATE_KEY_FILE"]).read_text()
if GOVUK_ONE_LOGIN_ENABLED and not (GOVUK_ONE_LOGIN_CLIENT_ID and GOVUK_ONE_LOGIN_PRIVATE_KEY):
    raise ImproperlyConfigured(
        "GOVUK_ONE_LOGIN_ENABLED needs GOVUK_ONE_LOGIN_CLIENT_ID and a private key; see .env.example"
    )

# --- APIs -----------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "EXCEPTION_HANDLER": "joinedup.core.api.exceptions.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "joinedup API",
    "DESCRIPTION": "Public and partner APIs of the joinedup shared public-service platform.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # GEOS reports every self-intersection it meets while boundaries are repaired.
        "django.contrib.gis": {"level": "ERROR"},
    },
}

# --- Background jobs, GOV.UK Notify and GOV.UK Pay -----------------------------------
# Run each job in the web process straight after COMMIT, for deployments with no
# `jobs_worker`; jobs stay in the queue either way and a worker retries failures.
JOBS_RUN_ON_COMMIT = env_bool("JOBS_RUN_ON_COMMIT", False)
# Without a key, messages are recorded in the outbox and not sent (the sandbox provider).
NOTIFY_API_KEY = os.environ.get("NOTIFY_API_KEY", "")
NOTIFY_BASE_URL = os.environ.get("NOTIFY_BASE_URL", "")
# JSON object: template name (or "name.cy" for the Welsh version) → Notify template id.
NOTIFY_TEMPLATE_IDS = json.loads(os.environ.get("NOTIFY_TEMPLATE_IDS", "{}") or "{}")
# Where residents reach the platform (scheme and host, no trailing slash); used for links
# built outside a request, such as the sandbox provider's payment page links.
JOINEDUP_PUBLIC_URL = os.environ.get("JOINEDUP_PUBLIC_URL", "")
# GOV.UK Pay: unset base URL = the built-in sandbox provider at /sandbox-pay/, in-process.
GOVUK_PAY_BASE_URL = os.environ.get("GOVUK_PAY_BASE_URL", "")
GOVUK_PAY_API_KEY = os.environ.get("GOVUK_PAY_API_KEY", "")
GOVUK_PAY_WEBHOOK_SECRET = os.environ.get("GOVUK_PAY_WEBHOOK_SECRET", "")
GOVUK_PAY_TIMEOUT = float(os.environ.get("GOVUK_PAY_TIMEOUT", "10"))

# --- Service requests and Open311 ----------------------------------------------------
# Uploaded files (service request photos) live here; they are served by the platform's
# own views, never straight from this folder.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Largest photo a resident may upload, and how much of it Django keeps in memory.
SERVICE_REQUESTS_PHOTO_MAX_BYTES = int(
    os.environ.get("SERVICE_REQUESTS_PHOTO_MAX_BYTES", str(10 * 1024 * 1024))
)
