"""Settings for every environment, driven by SHIDIAN_* environment variables.

Nothing here does I/O. Integrations that are switched on but misconfigured
fail at start-up (see ``_require``).
"""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent  # src/shidian
PROJECT_DIR = BASE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("SHIDIAN_VAR_DIR", PROJECT_DIR / "var"))


def _env(name: str, default: str = "") -> str:
    return os.environ.get(f"SHIDIAN_{name}", default)


def _flag(name: str, default: bool = False) -> bool:
    value = _env(name, "1" if default else "0").strip().lower()
    return value in {"1", "true", "yes", "on"}


def _int(name: str, default: int) -> int:
    raw = _env(name, str(default))
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"SHIDIAN_{name} must be an integer, got {raw!r}") from exc


def _require(name: str, reason: str) -> str:
    value = _env(name)
    if not value:
        raise ImproperlyConfigured(f"SHIDIAN_{name} is required: {reason}")
    return value


def database_from_url(url: str) -> dict[str, object]:
    """Turn sqlite:///path or postgresql://user:pw@host:port/name into a DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # sqlite:////abs/path.sqlite3 is absolute; sqlite:///rel/path is relative to the project.
        path = unquote(parsed.path)
        name = path[1:] if path.startswith("//") else str(PROJECT_DIR / path.lstrip("/"))
        # IMMEDIATE: a transaction takes the write lock at BEGIN, so concurrent writers wait for each other
        # instead of failing on the upgrade, and audit events chain in order (core/audit.py).
        return {"ENGINE": "django.db.backends.sqlite3", "NAME": name, "OPTIONS": {"transaction_mode": "IMMEDIATE"}}
    if parsed.scheme in {"postgres", "postgresql"}:
        query = parse_qs(parsed.query)
        host = parsed.hostname or query.get("host", [""])[0]
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": host,
            "PORT": str(parsed.port or query.get("port", [""])[0] or ""),
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    raise ImproperlyConfigured(f"SHIDIAN_DATABASE_URL has an unsupported scheme: {parsed.scheme!r}")


DEBUG = _flag("DEBUG")
DEMO = _flag("DEMO")
# The business date of a demo deployment (core.clock): inside the programme, so rounds are open and work is due.
BUSINESS_TODAY: dt.date | None = dt.date.fromisoformat(_env("DEMO_TODAY", "2019-07-08")) if DEMO else None
SECRET_KEY = _env("SECRET_KEY") or ("insecure-development-key" if DEBUG or DEMO else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SHIDIAN_SECRET_KEY is required when SHIDIAN_DEBUG and SHIDIAN_DEMO are off")
ALLOWED_HOSTS = [h.strip() for h in _env("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "shidian.core.axes_app.AxesConfig",
    "django_tasks_db",
    "shidian.core",
    "shidian.regions",
    "shidian.accounts",
    "shidian.notifications",
    "shidian.pilots",
    "shidian.plans",
    "shidian.indicators",
    "shidian.reporting",
    "shidian.evaluation",
    "shidian.contacts",
    "shidian.exchange",
    "shidian.experiences",
    "shidian.workbench",
    "shidian.portal",
    "shidian.bootstrap",
    "shidian.api",
    "ninja",  # its templates and static files: the API docs load Swagger UI from this server, not a CDN
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before sessions and CSRF: a cached portal page for the public costs about a bare view (issue 16).
    "shidian.portal.middleware.PortalPageMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "shidian.accounts.sessions.SessionRenewalMiddleware",
    "shidian.core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "shidian.core.middleware.RequestContextMiddleware",
    "shidian.core.middleware.DomainErrorMiddleware",
    "shidian.core.middleware.NoStoreForSignedInMiddleware",
    "shidian.accounts.middleware.PasswordExpiryMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so its process_view runs after every other one's (core/db_router.py).
    "shidian.core.db_router.ReplicaMiddleware",
]

ROOT_URLCONF = "shidian.urls"
WSGI_APPLICATION = "shidian.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shidian.core.context_processors.platform",
            ],
        },
    }
]

DATABASES = {"default": database_from_url(_env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'shidian.sqlite3'}"))}
# A PostgreSQL streaming replica (hot standby) for the monitoring and analytics reads (core/db_router.py,
# docs/scaling.md). In tests it mirrors the default test database: the standby's copy of the same database.
REPLICA_DATABASE_URL = _env("REPLICA_DATABASE_URL")
if REPLICA_DATABASE_URL:
    DATABASES["replica"] = {**database_from_url(REPLICA_DATABASE_URL), "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["shidian.core.db_router.ReplicaRouter"]
REPLICA_READS = bool(REPLICA_DATABASE_URL)
# After a write the browser reads from the primary this long (read-your-writes); longer than the lag.
REPLICA_PIN_SECONDS = _int("REPLICA_PIN_SECONDS", 15)
# The views whose GET reads go to the replica: many rows read, nothing written.
REPLICA_READ_VIEWS = [
    "indicators:monitoring",
    "indicators:compare",
    "indicators:off_track",
    "indicators:quality",
    "reporting:matrix",
    "pilots:dashboard",
    "pilots:completeness",
    "evaluation:compare",
]
# PostgreSQL: the role the application connects as, which does not own the tables. ``migrate`` runs as the
# owner and grants this role DML on every table but only SELECT and INSERT on the audit trail
# (core/database.py, docs/operations.md). Empty: no grants are managed (SQLite, or a single-role setup).
DATABASE_APP_ROLE = _env("DATABASE_APP_ROLE", "")
if DATABASE_APP_ROLE and not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", DATABASE_APP_ROLE):
    raise ImproperlyConfigured("SHIDIAN_DATABASE_APP_ROLE must be a plain lower-case PostgreSQL role name")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "shidian.accounts.backends.ShidianBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "workbench:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Password policy (等保 2.0 level 3 practice); every number is configurable.
PASSWORD_MIN_LENGTH = _int("PASSWORD_MIN_LENGTH", 8)
PASSWORD_MIN_CLASSES = _int("PASSWORD_MIN_CLASSES", 3)
PASSWORD_MAX_AGE_DAYS = _int("PASSWORD_MAX_AGE_DAYS", 90)
# A first password (or a reset) is a one-time code, valid this long and replaced at first login.
ONE_TIME_CODE_HOURS = _int("ONE_TIME_CODE_HOURS", 72)
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ("username", "full_name", "email")},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "shidian.accounts.validators.DocumentedPasswordValidator"},
    {
        "NAME": "shidian.accounts.validators.CharacterClassValidator",
        "OPTIONS": {"min_classes": PASSWORD_MIN_CLASSES},
    },
]

# Lockout: 5 failures lock the account for 5 minutes.
AXES_FAILURE_LIMIT = _int("LOCKOUT_FAILURES", 5)
LOCKOUT_MINUTES = _int("LOCKOUT_MINUTES", 5)
AXES_COOLOFF_TIME = LOCKOUT_MINUTES / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
# The lock lasts the configured minutes from the fifth failure; tries during the lock do not extend it.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "shidian.accounts.views.locked_out"
AXES_VERBOSE = False

# Idle timeout: the session expires after this many seconds without a request.
SESSION_IDLE_MINUTES = _int("SESSION_IDLE_MINUTES", 30)
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
# Not every request: the expiry is renewed once it has run down by SESSION_RENEW_SECONDS
# (accounts/sessions.py), which saves an UPDATE per request (issue 16).
SESSION_ENGINE = "shidian.accounts.sessions"
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_SECONDS = _int("SESSION_RENEW_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

HTTPS = _flag("HTTPS")
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if _flag("BEHIND_PROXY") else None
# The proxies whose X-Forwarded-For names the client (core.audit.client_ip): gunicorn, unlike waitress's
# --trusted-proxy, leaves REMOTE_ADDR the proxy's address. Empty: REMOTE_ADDR is the client.
TRUSTED_PROXIES = frozenset(a.strip() for a in _env("TRUSTED_PROXIES", "").split(",") if a.strip())
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (Django's own middleware): everything from this server, nothing inline, no eval.
# Templates keep scripts and styles in static files; htmx is told not to inject its indicator styles.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Password spraying (one address, many accounts): after this many failures from one address within the
# window, each further try from it waits, doubling up to the maximum. Nobody is locked out, so an office
# behind one NAT address can still sign in after a short wait; the per-account lockout (axes) stays.
LOGIN_ADDRESS_FAILURES = _int("LOGIN_ADDRESS_FAILURES", 20)
LOGIN_ADDRESS_WINDOW_MINUTES = _int("LOGIN_ADDRESS_WINDOW_MINUTES", 15)
LOGIN_ADDRESS_MAX_WAIT_SECONDS = _int("LOGIN_ADDRESS_MAX_WAIT_SECONDS", 60)

# API: requests per token and minute (a 429 with Retry-After beyond), and the size of one page of a list.
API_TOKEN_REQUESTS_PER_MINUTE = _int("API_TOKEN_REQUESTS_PER_MINUTE", 600)
NINJA_PAGINATION_PER_PAGE = 100
# The per-token counter is one for every waitress thread and process: a row per token and minute in the
# database (api.RateWindow), counted by one atomic upsert per call.
NINJA_MAX_PER_PAGE_SIZE = 1000

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

# Uploads (core/uploads.py checks every one): files over these sizes are refused before they are parsed;
# an office file (a ZIP container) that unpacks past these limits is refused as a zip bomb.
UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES = _int("UPLOAD_ZIP_MAX_UNCOMPRESSED_BYTES", 50 * 1024 * 1024)
UPLOAD_ZIP_MAX_RATIO = _int("UPLOAD_ZIP_MAX_RATIO", 100)
UPLOAD_ZIP_MAX_MEMBERS = _int("UPLOAD_ZIP_MAX_MEMBERS", 2000)
REGISTRY_IMPORT_MAX_BYTES = _int("REGISTRY_IMPORT_MAX_BYTES", 2 * 1024 * 1024)
MAP_UPLOAD_MAX_BYTES = _int("MAP_UPLOAD_MAX_BYTES", 20 * 1024 * 1024)
PLAN_EVIDENCE_MAX_BYTES = _int("PLAN_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)
PLAN_IMPORT_MAX_BYTES = _int("PLAN_IMPORT_MAX_BYTES", 2 * 1024 * 1024)
PLAN_IMPORT_PREVIEW_MINUTES = _int("PLAN_IMPORT_PREVIEW_MINUTES", 60)
PLAN_REMINDER_DAYS = [int(d) for d in _env("PLAN_REMINDER_DAYS", "30,7,1").split(",") if d.strip()]
REPORT_ATTACHMENT_MAX_BYTES = _int("REPORT_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024)
EXCHANGE_FILE_MAX_BYTES = _int("EXCHANGE_FILE_MAX_BYTES", 10 * 1024 * 1024)
REPORT_REMINDER_DAYS = _int("REPORT_REMINDER_DAYS", 5)
EXPERIENCE_FILE_MAX_BYTES = _int("EXPERIENCE_FILE_MAX_BYTES", 10 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 25 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Official documents' PDF layouts (core/documents/pdf.py): each process keeps one LibreOffice running and
# converts through it (about 1 s of start-up saved per conversion); 0 starts LibreOffice for each conversion.
DOCUMENTS_OFFICE_PERSISTENT = _flag("DOCUMENTS_OFFICE_PERSISTENT", True)
# Each server process (shidian/wsgi.py) starts that LibreOffice in the background when it starts, so its first
# PDF does not wait 6 to 10 s for the start; it costs about 100 MB of memory per process from the start.
DOCUMENTS_OFFICE_WARM_UP = _flag("DOCUMENTS_OFFICE_WARM_UP", True)

# The public portal's pages (portal/cache.py): kept in a cache shared by the app servers' processes; a
# publication changes the cache's generation, so every page is rendered anew. Defaults to files under VAR_DIR.
PORTAL_CACHE_SECONDS = _int("PORTAL_CACHE_SECONDS", 15 * 60)
# Each process trusts its own copy of the generation this long before asking the shared cache again, and
# keeps the last pages it served (so a hit reads no file); a publication reaches the other processes within it.
PORTAL_LOCAL_SECONDS = _int("PORTAL_LOCAL_SECONDS", 1)
PORTAL_LOCAL_PAGES = _int("PORTAL_LOCAL_PAGES", 500)
# The page parts kept in each process per user, query, business date and language until any write commits
# (core/kept.py: the workbench, the completeness matrix, the monitoring page), and at most this long (a write
# made outside the platform, such as psql, is not seen); 0 renders every visit.
KEPT_PAGES_SECONDS = _int("KEPT_PAGES_SECONDS", 5 * 60)
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "portal": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": _env("PORTAL_CACHE_DIR", str(VAR_DIR / "cache" / "portal")),
        "TIMEOUT": PORTAL_CACHE_SECONDS,
        "OPTIONS": {"MAX_ENTRIES": 5000},
    },
}
# News images (宣传): the upload limit before decoding, the pixel limit (decompression bombs) and the longest side
# kept after re-encoding.
NEWS_IMAGE_MAX_BYTES = _int("NEWS_IMAGE_MAX_BYTES", 5 * 1024 * 1024)
NEWS_IMAGE_MAX_PIXELS = _int("NEWS_IMAGE_MAX_PIXELS", 40_000_000)
NEWS_IMAGE_MAX_SIDE = _int("NEWS_IMAGE_MAX_SIDE", 1600)

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
    }
}

# E-mail is an integration: off unless configured, and then it must be complete.
EMAIL_ENABLED = _flag("EMAIL_ENABLED")
if EMAIL_ENABLED:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _require("EMAIL_HOST", "SHIDIAN_EMAIL_ENABLED is on"),
                "port": _int("EMAIL_PORT", 25),
                "username": _env("EMAIL_USER", ""),
                "password": _env("EMAIL_PASSWORD", ""),
                "use_tls": _flag("EMAIL_STARTTLS"),
                "use_ssl": _flag("EMAIL_SSL"),
                "timeout": _int("EMAIL_TIMEOUT", 20),
            },
        }
    }
    DEFAULT_FROM_EMAIL = _require("EMAIL_FROM", "SHIDIAN_EMAIL_ENABLED is on")
else:
    # No mailer at all: code that sends e-mail checks EMAIL_ENABLED first (in-app notifications need none),
    # and anything that tries anyway fails loudly instead of dropping mail silently.
    MAILERS = {}

# Notification e-mail: a failed send is tried again after 5, 10, 20 … minutes, then shown as failed.
NOTIFY_MAIL_MAX_ATTEMPTS = _int("NOTIFY_MAIL_MAX_ATTEMPTS", 5)
NOTIFY_MAIL_BACKOFF_SECONDS = _int("NOTIFY_MAIL_BACKOFF_SECONDS", 300)
# The address users reach the platform at, for the links in e-mails (e.g. https://shidian.example.gov.cn).
SITE_URL = _env("SITE_URL", "")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": _env("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
REFERENCE_DATA_DIR = PROJECT_DIR / "data" / "reference"

# Lockout counts failures per account (等保: lock the account). Locking by IP as well would lock whole
# offices behind one intranet NAT address after one colleague's typos, so axes.W006 is deliberate.
# mail.W001 warns that MAILERS has no default: that is what "e-mail off" means here (see MAILERS above).
SILENCED_SYSTEM_CHECKS = ["axes.W006", "mail.W001"]
