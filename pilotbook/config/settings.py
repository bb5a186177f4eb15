"""Settings, read from environment variables so one code base serves laptop and production.

DATABASE_URL unset means the embedded SQLite file (``pilotbook.sqlite3`` in the project folder, or
PILOTBOOK_DATA_DIR). Every other setting has a development default that is safe on 127.0.0.1 only;
production sets DJANGO_DEBUG=0, DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS.
"""

import os
import re
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = BASE_DIR.parent
DATA_DIR = Path(os.environ.get("PILOTBOOK_DATA_DIR", PROJECT_DIR))


def env_bool(name: str, default: bool) -> bool:
    return os.environ.get(name, str(int(default))).lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("Set DJANGO_SECRET_KEY when DJANGO_DEBUG is off.")
    SECRET_KEY = "development-only-not-secret"  # noqa: S105 - only ever used with DEBUG on
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    # First, so its templates (admin/base_site.html: accessible link styles) override the admin's own.
    "pilotbook.web",
    "pilotbook.web.apps.PilotbookAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "pilotbook.councils",
    "pilotbook.pilots",
    "pilotbook.partners",
    "pilotbook.demo.apps.DemoConfig",
    "pilotbook.jobs",
    "pilotbook.evidence",
    "pilotbook.api",
    "pilotbook.hackdays",
    "pilotbook.materials",
    "pilotbook.overdue",
    "pilotbook.discussion",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "pilotbook.throttle",
    "pilotbook.site",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "pilotbook.web.middleware.ContentSecurityPolicyMiddleware",  # django-csp's, its policy built once
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "pilotbook.api.cors.OpenDataCorsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "pilotbook.web.middleware.RejectControlCharactersMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "pilotbook.web.access.AccessMiddleware",
]

ROOT_URLCONF = "pilotbook.config.urls"
WSGI_APPLICATION = "pilotbook.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "pilotbook.web.context_processors.navigation",
            ],
        },
    }
]
# Form fields render GOV.UK Frontend components (templates in pilotbook/web/templates/govuk/forms).
FORM_RENDERER = "pilotbook.web.forms.GovukFormRenderer"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'pilotbook.sqlite3'}", conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on while one request writes; the timeout waits out a short write lock.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "councils.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", _("English")), ("cy", _("Welsh"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "pilotbook.web.storage.ManifestStaticFilesStorage"  # WhiteNoise's, each address worked out once
    },
}

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Pilotbook <no-reply@pilotbook.invalid>")
PILOTBOOK_SITE_URL = os.environ.get("PILOTBOOK_SITE_URL", "http://127.0.0.1:8000")

# Sessions in the database, as Django keeps them, read with one SQL statement (pilotbook.web.sessions, issue 19).
SESSION_ENGINE = "pilotbook.web.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = not DEBUG
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# HTTPS (docs/deploy.md). TLS ends at a reverse proxy, so these are off unless set: a laptop or a test server on
# plain HTTP must not redirect to https:// or pin HSTS for 127.0.0.1. With the values the guide gives,
# `pilotbook check --deploy` is clean (tests/test_deploy_settings.py).
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = int(os.environ.get("DJANGO_SECURE_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", False)


def env_proxy_ssl_header(name: str) -> tuple[str, str] | None:
    """"X-Forwarded-Proto: https" -> ("HTTP_X_FORWARDED_PROTO", "https"), the form Django reads request.META in.

    Only set this when the proxy always overwrites the header: otherwise a client could claim HTTPS itself.
    """
    value = os.environ.get(name, "").strip()
    if not value:
        return None
    header, sep, expected = value.partition(":")
    if not sep or not header.strip() or not expected.strip():
        raise RuntimeError(f'{name} must look like "X-Forwarded-Proto: https", not {value!r}.')
    return "HTTP_" + header.strip().upper().replace("-", "_"), expected.strip()


SECURE_PROXY_SSL_HEADER = env_proxy_ssl_header("DJANGO_SECURE_PROXY_SSL_HEADER")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# In development WhiteNoise serves straight from the apps' static folders, so no collectstatic is needed.
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG

# Background jobs (ADR 0004): queued in the database and run by `pilotbook worker` (which `pilotbook serve`
# starts on the embedded default). Periodic jobs are queued by the worker when due.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
DAY = 24 * 60 * 60
PILOTBOOK_PERIODIC_TASKS: dict[str, dict] = {
    "purge_stale_uploads": {"task": "pilotbook.pilots.tasks.purge_stale_uploads", "every": 15 * 60},
    "prune_finished_jobs": {"task": "pilotbook.jobs.tasks.prune_finished_jobs", "every": DAY},
    # Hourly: each person's daily or weekly digest goes out when due (pilotbook.discussion.mail.digest_due).
    "discussion_digests": {"task": "pilotbook.discussion.tasks.send_due_digests", "every": 60 * 60},
    "overdue_reminders": {"task": "pilotbook.overdue.tasks.queue_reminders", "every": DAY},
}
# Leases (ADR 0010): each worker records a heartbeat this often; a job whose worker has not been seen for the
# lease is queued again, and failed once this many workers have died running it.
PILOTBOOK_JOB_HEARTBEAT_SECONDS = float(os.environ.get("PILOTBOOK_JOB_HEARTBEAT_SECONDS", "10"))
PILOTBOOK_JOB_LEASE_SECONDS = float(os.environ.get("PILOTBOOK_JOB_LEASE_SECONDS", "60"))
PILOTBOOK_JOB_MAX_ATTEMPTS = int(os.environ.get("PILOTBOOK_JOB_MAX_ATTEMPTS", "3"))

# Outcome data uploads (CSV or XLSX, one row per person): the largest file accepted, and how long an upload
# whose columns were never mapped is kept before it is deleted (it may hold personal data).
PILOTBOOK_MAX_UPLOAD_BYTES = int(os.environ.get("PILOTBOOK_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
PILOTBOOK_UPLOAD_KEEP_SECONDS = 60 * 60
# What an upload may hold, so a hostile or huge file is refused early with a message naming the limit (issue 15):
# headed columns, data rows, and for XLSX what the zip's parts may inflate to (a 3 MB zip bomb can inflate to GBs;
# at 32 MB the sheet is read in about 3 s of CPU at worst). Any compression ratio over 200 is refused as a bomb.
PILOTBOOK_UPLOAD_MAX_COLUMNS = int(os.environ.get("PILOTBOOK_UPLOAD_MAX_COLUMNS", "1000"))
PILOTBOOK_UPLOAD_MAX_ROWS = int(os.environ.get("PILOTBOOK_UPLOAD_MAX_ROWS", "1000000"))
PILOTBOOK_UPLOAD_MAX_INFLATED_BYTES = int(os.environ.get("PILOTBOOK_UPLOAD_MAX_INFLATED_BYTES", str(32 * 1024 * 1024)))
# Reusable materials (letters, scripts, posters) are kept in the database: the largest file accepted.
PILOTBOOK_MATERIAL_MAX_BYTES = int(os.environ.get("PILOTBOOK_MATERIAL_MAX_BYTES", str(5 * 1024 * 1024)))

# Pilot results are due this long after a pilot's end date unless the plan says otherwise.
PILOTBOOK_RESULTS_DUE_AFTER_DAYS = 84

# Map tiles for the partner map, e.g. "https://tile.openstreetmap.org/{z}/{x}/{y}.png" (mind the tile server's
# usage policy). Empty: no tile layer, the markers are drawn on a blank background (as in tests: nothing fetched).
PILOTBOOK_MAP_TILE_URL = os.environ.get("PILOTBOOK_MAP_TILE_URL", "")


def tile_origin(url: str) -> list[str]:
    """The CSP source for the tile server: "https://{s}.tile.example.org/{z}/..." -> "https://*.tile.example.org".

    A relative tile URL is already covered by 'self'. A host that is not a plain host name could smuggle other
    directives into the header (";" or spaces), so it stops the app at start-up instead.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        return []
    host = re.sub(r"\{[^}]*\}", "*", rest.split("/", 1)[0])  # Leaflet's {s} subdomains
    if scheme.lower() not in {"http", "https"} or not re.fullmatch(r"[A-Za-z0-9*.-]+(:[0-9]+)?", host):
        raise RuntimeError(f"PILOTBOOK_MAP_TILE_URL must be an http(s) address with a plain host name, not {url!r}.")
    return [f"{scheme.lower()}://{host}"]


# Content-Security-Policy (django-csp), on every response: scripts, styles, fonts, fetches and frames from this
# site only, so injected markup cannot run script or pull in anything from elsewhere. No inline <script>, style=""
# or on*= handlers anywhere (the js-enabled class comes from web/js-enabled.js); the charts are SVG styled by
# classes and presentation attributes, which CSP allows, and Leaflet positions the map through element.style,
# which CSP allows too. Images may also be data: URIs and map tiles from the configured tile server.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:", *tile_origin(PILOTBOOK_MAP_TILE_URL)],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Sign-in and password-reset throttling (pilotbook.throttle, ADR 0008). The counts are kept in the app's own database
# (Django's DatabaseCache; the table is made by `pilotbook migrate`), so every web process and server shares them.
# The default cache stays per process, as it was.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "throttle": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "pilotbook_cache",  # made by pilotbook/throttle/migrations/0001_cache_table.py
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    },
    # Parts of pages that are the same for everyone in one audience, under the data version (pilotbook.web.pagecache,
    # ADR 0020): first in the process's memory (about 2,000 entries of some tens of kB at most), then in the
    # database, shared by every process and server, so a part is built once, not once per process. Entries are
    # found by the data version read from the database, so none is ever served once the data changed.
    "pages": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pilotbook-pages",
              "OPTIONS": {"MAX_ENTRIES": 2000}},
    "shared_pages": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "pilotbook_page_cache",  # made by pilotbook/web/migrations/0002_page_cache_table.py
        "OPTIONS": {"MAX_ENTRIES": 20_000},
    },
}
# How many proxies (load balancer, CDN) stand in front of the app and add the address they saw to X-Forwarded-For.
# 0 (the default): people connect straight to the app, and REMOTE_ADDR is their address; the header is ignored,
# since anyone can send it. N: the Nth address from the right of the header is the person's.
_proxies = os.environ.get("PILOTBOOK_TRUSTED_PROXY_COUNT", "0").strip() or "0"
if not _proxies.isdigit():
    raise RuntimeError("Set PILOTBOOK_TRUSTED_PROXY_COUNT to a whole number: how many proxies stand in front of the "
                       f"app (0 when none), not {_proxies!r}.")
PILOTBOOK_TRUSTED_PROXY_COUNT = int(_proxies)
