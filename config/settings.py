"""Integra's one settings module, configured by environment variables.

With nothing set, Integra runs embedded: DEBUG on, SQLite in WAL mode and uploaded
files under ``var/``, django-q2 with its ORM broker. Production sets ``DEBUG=0``,
``SECRET_KEY`` and ``ALLOWED_HOSTS`` (start-up stops without them), usually
``DATABASE_URL`` (PostgreSQL) and ``REDIS_URL`` (django-q2 broker).
"""

import os
import secrets
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config import error_reporting, logs, map_tiles, metrics
from config.storage import file_storages

BASE_DIR = Path(__file__).resolve().parent.parent
env = os.environ


def env_flag(name: str, default: bool) -> bool:
    value = env.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    return [item.strip() for item in env.get(name, "").split(",") if item.strip()]


DEBUG = env_flag("DEBUG", True)
DATA_DIR = Path(env.get("INTEGRA_DATA_DIR", BASE_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def development_secret_key() -> str:
    """A random key kept in the data directory, so sessions survive a restart.

    Only ever used with DEBUG on; production must set SECRET_KEY itself.
    """
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


if DEBUG:
    SECRET_KEY = env.get("SECRET_KEY") or development_secret_key()
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS") or ["127.0.0.1", "localhost", "[::1]"]
else:
    SECRET_KEY = env.get("SECRET_KEY", "")
    if not SECRET_KEY:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off Integra needs a long random secret: "
            "export SECRET_KEY=\"$(python -c 'import secrets; print(secrets.token_urlsafe(64))')\""
        )
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "ALLOWED_HOSTS is not set. With DEBUG off, list the host names Integra answers "
            "to, separated by commas: export ALLOWED_HOSTS=integra.example.be"
        )

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "template_partials",
    "django_q",
    # Operations: the worker's task id on its log lines (config/apps.py).
    "config.apps.OperationsConfig",
    "csp",
    "axes",
    "partners",
    "gis",
    "cases",
    "inspections",
    "decisions",
    "demo",
]

MIDDLEWARE = [
    # First: every later line in the log carries the request id, and every answer,
    # redirects included, is logged once (config/request_id.py).
    "config.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Pages compressed (static files come compressed from WhiteNoise, above): the map of
    # 10,000 premises goes from 624 KB to 283 KB. Django's GZip pads its output against
    # BREACH-style attacks on the CSRF token.
    "partners.middleware.PageCompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "partners.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lockout raised by authentication into a page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "csp.context_processors.nonce",
                "gis.context_processors.gis_links",
            ],
            # {% load formats %}: coordinates in the language's convention.
            "libraries": {"formats": "config.formats.tags"},
        },
    },
]

# Database: SQLite in WAL mode unless DATABASE_URL names another one. IMMEDIATE
# transactions take the write lock up front, so concurrent writers wait (up to the
# timeout) instead of failing half-way with "database is locked".
if env.get("DATABASE_URL"):
    # Persistent connections are tested before each request reuses them
    # (CONN_HEALTH_CHECKS), so a database restart or failover costs no failed request.
    DATABASES = {
        "default": dj_database_url.parse(
            env["DATABASE_URL"], conn_max_age=60, conn_health_checks=True
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "integra.sqlite3"),
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # Tests use a file too (one per test process), not shared-cache memory: the
            # browser tests' live server answers from several threads at once, and only
            # a file database waits for a lock instead of failing with "table is locked".
            "TEST": {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-q2: the ORM broker needs nothing running; Redis when REDIS_URL is set.
Q_CLUSTER: dict = {
    "name": "integra",
    "workers": int(env.get("Q_WORKERS", "2")),
    "timeout": 600,
    "retry": 720,
    "max_attempts": 1,
    "catch_up": False,
    # The admin's heading of the task lists, in the reader's language.
    "label": _("Tasks"),
}
if env.get("REDIS_URL"):
    Q_CLUSTER["redis"] = env["REDIS_URL"]
else:
    Q_CLUSTER["orm"] = "default"
if env_flag("Q_SYNC", False):
    Q_CLUSTER["sync"] = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login throttling (django-axes): after AXES_FAILURE_LIMIT failed logins for one user
# name from one address, that pair is locked out for AXES_COOLOFF_MINUTES; a successful
# login resets the count. The axes backend must come first so it sees every attempt.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(env.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "partners.lockout.locked_out"
AXES_VERBOSE = False
if env_flag("BEHIND_TLS_PROXY", False):
    # The client's address is the first one the proxy puts in X-Forwarded-For.
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Languages: Dutch first; French and English for every interface string.
LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.get("TIME_ZONE", "Europe/Brussels")
USE_I18N = True
USE_TZ = True
# One date, time, datetime and number format per language (config/formats/).
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = DATA_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)  # filled by collectstatic; whitenoise expects it to exist
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
# The largest photo a device may upload as evidence (bytes).
EVIDENCE_MAX_BYTES = int(env.get("EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
# Files the apps keep: named storages ("evidence", "documents", "briefings", "uploads"),
# folders under MEDIA_ROOT, or prefixes in one S3 bucket when S3_BUCKET is set (with
# S3_ENDPOINT_URL, S3_REGION, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY): see config/storage.py.
STORAGES = {
    **file_storages(env),
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "config.storage.StaticStorage"
        )
    },
}

# Security: the headers apply always; cookies, HTTPS and HSTS once DEBUG is off.
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_flag("SECURE_SSL_REDIRECT", True)
    # Probes and the metrics scraper talk plain HTTP to the node itself, not through
    # the TLS proxy; a redirect to HTTPS would fail them.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    SECURE_HSTS_SECONDS = int(env.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    if env_flag("BEHIND_TLS_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The maps' background tiles: a preset of config/map_tiles.py (INTEGRA_MAP_TILES, default
# none: the city's reference layers draw the background, as a closed network needs) or
# custom with MAP_TILE_URL ({z}/{x}/{y}) and MAP_TILE_ATTRIBUTION. The CSP lets in
# images from the tile server's origin only, plus MAP_TILE_HOSTS if a server needs more.
try:
    MAP_TILES = map_tiles.resolve(
        env.get("INTEGRA_MAP_TILES", ""),
        custom_url=env.get("MAP_TILE_URL", ""),
        custom_attribution=env.get("MAP_TILE_ATTRIBUTION", ""),
    )
except ValueError as error:
    raise ImproperlyConfigured(str(error)) from error
MAP_TILE_PRESET = env.get("INTEGRA_MAP_TILES", "") or ("custom" if MAP_TILES else "none")
MAP_TILE_URL = MAP_TILES.get("url", "")
MAP_TILE_ATTRIBUTION = MAP_TILES.get("attribution", "")
MAP_TILE_ORIGINS = [
    host for host in (map_tiles.origin(MAP_TILE_URL), *env_list("MAP_TILE_HOSTS")) if host
]

# Scripts only from our own origin or carrying the response's nonce: no inline
# script, no CDN. htmx sets inline styles for its indicators, hence style-src.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, "'unsafe-inline'"],
        "img-src": [SELF, "data:", "blob:", *MAP_TILE_ORIGINS],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": ["'none'"],
        "base-uri": [SELF],
        "frame-ancestors": ["'none'"],
        "form-action": [SELF],
    }
}

# Personal data of closed cases are purged this many days after the action day
# (`purge_personal_data`, see partners/privacy.py for what goes and what stays).
RETENTION_DAYS = int(env.get("RETENTION_DAYS", str(5 * 365)))
# Uploaded GIS layers are kept this many days after their import started, so that a
# refused import can be tried again from the same file; `purge_personal_data` then
# removes them (a layer may name operators and their enterprise numbers).
IMPORT_UPLOAD_DAYS = int(env.get("IMPORT_UPLOAD_DAYS", "30"))


# Logs on stderr: LOG_FORMAT text (the default with DEBUG on) or json (with DEBUG off),
# each line with its request or task id; one line per request at INFO unless
# LOG_REQUESTS=0 (config/logs.py, config/request_id.py).
try:
    LOG_FORMAT = logs.log_format(env.get("LOG_FORMAT", ""), debug=DEBUG)
except ValueError as error:
    raise ImproperlyConfigured(str(error)) from error
LOGGING = logs.logging_config(
    fmt=LOG_FORMAT,
    level=env.get("LOG_LEVEL", "WARNING"),
    requests=env_flag("LOG_REQUESTS", True),
)

# Prometheus metrics at /metrics (django-prometheus), off unless METRICS_ENABLED=1; then
# only for METRICS_ALLOWED_IPS or the bearer METRICS_TOKEN (config/metrics.py). Request
# count and latency by view come from the two middlewares around the others, query count
# and errors from the database backend's wrapper. Under gunicorn with several workers,
# set PROMETHEUS_MULTIPROC_DIR so /metrics adds up every worker (docs/deploy.md).
METRICS_ENABLED = env_flag("METRICS_ENABLED", False)
METRICS_TOKEN = env.get("METRICS_TOKEN", "")
METRICS_ALLOWED_IPS = env_list("METRICS_ALLOWED_IPS")
try:
    metrics.check_configuration(
        enabled=METRICS_ENABLED, token=METRICS_TOKEN, allowed=METRICS_ALLOWED_IPS
    )
except ValueError as error:
    raise ImproperlyConfigured(str(error)) from error
if METRICS_ENABLED:
    INSTALLED_APPS.append("django_prometheus")
    MIDDLEWARE = metrics.instrumented_middleware(MIDDLEWARE)
    DATABASES["default"]["ENGINE"] = metrics.instrumented_engine(DATABASES["default"]["ENGINE"])

# Error reports to Sentry or a compatible server, only when SENTRY_DSN is set; no
# personal data leaves (config/error_reporting.py).
if env.get("SENTRY_DSN"):
    error_reporting.init(
        dsn=env["SENTRY_DSN"],
        environment=env.get("SENTRY_ENVIRONMENT", ""),
        release=env.get("SENTRY_RELEASE", ""),
        traces_sample_rate=float(env.get("SENTRY_TRACES_SAMPLE_RATE", "0")),
    )
