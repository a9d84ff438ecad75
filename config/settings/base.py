"""Settings shared by every environment, read from the environment (``DJANGO_`` prefix).

Without ``DATABASE_URL`` the project runs on a SQLite file in the project folder, which is
what the README's first command uses; with ``DATABASE_URL=postgres://...`` it runs on
PostgreSQL through psycopg2.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    """Read a yes/no switch from the environment ("1", "true", "yes", "on" mean yes)."""
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    """Read a comma-separated list from the environment."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


# Development default only: production.py refuses to start without DJANGO_SECRET_KEY.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
DEBUG = env_bool("DJANGO_DEBUG", True)
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]
THIRD_PARTY_APPS = [
    "django_tables2",
    "django_filters",
    "simple_history",
    "csp",
    "axes",
]
LOCAL_APPS = [
    "plan",
    "supervision",
    "projects",
    "indicators",
    "dashboard",
]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the body: an oversized one is refused unread (413).
    "config.middleware.RequestSizeLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Outside everything that answers a logged-in user: no cache keeps their pages.
    "config.middleware.PrivateNoStoreMiddleware",
    # Every page but the login page needs a logged-in user (DESIGN.md: an intranet tool).
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "plan.middleware.SessionIdleTimeoutMiddleware",
    # An account an administrator created or reset chooses its own password first.
    "config.middleware.PasswordChangeRequiredMiddleware",
    # After the login check: /plans/<code>/... names the page's plan (plan.urlplans).
    "plan.urlplans.PlanURLMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lock-out page.
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
                "plan.context_processors.site",
                "supervision.context_processors.review",
                "supervision.context_processors.cycle",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DJANGO_CONN_MAX_AGE", "0")),
        # A kept connection is checked before use, so the server recovers by itself after the
        # database comes back.
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    # First: refuses a login while the pair (user name, address) is locked out.
    "axes.backends.AxesStandaloneBackend",
    # Then: refuses an account, or an address, past its ceiling of failures (plan.login_limits).
    "plan.login_limits.LoginCeilingBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Five failures of one user name from one address lock that pair for 15 minutes; a successful
# login clears its count. Locking on the name alone, or the address alone, would let anyone lock
# out an account (or, behind a proxy, everyone) by failing on purpose.
AXES_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DJANGO_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Within the same window: an account is refused after this many failures from any addresses,
# an address after this many for any accounts (password guessing and spraying).
LOGIN_ACCOUNT_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_ACCOUNT_FAILURE_LIMIT", "20"))
LOGIN_ADDRESS_FAILURE_LIMIT = int(os.environ.get("DJANGO_LOGIN_ADDRESS_FAILURE_LIMIT", "100"))
# Reverse proxies (addresses or networks) whose X-Forwarded-For is believed; nobody else's is.
TRUSTED_PROXIES = env_list("DJANGO_TRUSTED_PROXIES")
AXES_CLIENT_IP_CALLABLE = "plan.login_limits.client_address"
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False

# 等保 2.0 level 2: ten characters or more, three kinds of character, none of the last five
# passwords, not like the user name, not a common password (plan.passwords).
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "plan.passwords.ComplexityValidator", "OPTIONS": {"min_kinds": 3}},
    {"NAME": "plan.passwords.PasswordHistoryValidator"},
]
# The audit trail (history tables) is kept at least this many days, never less than six months
# (等保 2.0 level 2); nobody deletes or edits it from the dashboard or the admin, and on
# PostgreSQL a trigger refuses it for rows younger than this (plan.audit_retention).
AUDIT_RETENTION_DAYS = max(183, int(os.environ.get("DJANGO_AUDIT_RETENTION_DAYS", "365")))

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "login"

# Chinese first, English second; every UI string goes through gettext.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploaded evidence files (佐证材料): stored through the default storage under random names,
# outside the static files, and served only by the dashboard to logged-in users (no MEDIA_URL).
# Swap STORAGES["default"] for an object-storage backend without changing code.
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT", BASE_DIR / "media"))
MB = 1024 * 1024
EVIDENCE_MAX_FILE_BYTES = int(os.environ.get("DJANGO_EVIDENCE_MAX_FILE_MB", "20")) * MB
# The quarterly briefing's charts need a CJK font file (dashboard.briefing): by default Debian's
# fonts-noto-cjk; set this to another .ttc/.otf where that package is not installed.
BRIEFING_FONT = os.environ.get("DJANGO_BRIEFING_FONT", "")
EVIDENCE_MAX_REPORT_BYTES = int(os.environ.get("DJANGO_EVIDENCE_MAX_REPORT_MB", "100")) * MB
# The largest Excel workbook an import accepts (projects.imports).
PROJECT_IMPORT_MAX_BYTES = int(os.environ.get("DJANGO_IMPORT_MAX_MB", "10")) * MB
# Rows read from one sheet and from one file (blank ones, titles and headers included): far above
# the largest plan a city has, and room for the full export of a plan of 50,000 projects (its six
# sheets' title and header rows make 50,012), low enough that a flood of rows is refused in
# seconds and bounded memory.
SPREADSHEET_MAX_ROWS = int(os.environ.get("DJANGO_IMPORT_MAX_ROWS", "60000"))
# Rows of an import's preview per page (its errors, notes and changes each).
IMPORT_PREVIEW_PAGE = int(os.environ.get("DJANGO_IMPORT_PREVIEW_PAGE", "100"))
# The largest request body any page needs: the most evidence one report may hold (one upload
# cannot carry more), or the largest import, plus 1 MB for the form's own fields. A body over it
# is refused while it comes in (config.uploads, config.middleware.RequestSizeLimitMiddleware).
REQUEST_MAX_BODY_BYTES = (
    int(os.environ.get("DJANGO_REQUEST_MAX_MB", "0")) * MB
    or max(EVIDENCE_MAX_REPORT_BYTES, PROJECT_IMPORT_MAX_BYTES) + MB
)
FILE_UPLOAD_HANDLERS = [
    "config.uploads.RequestSizeLimitUploadHandler",  # first: counts, and stops at the limit
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

DJANGO_TABLES2_TEMPLATE = "django_tables2/table.html"

# Only our own origin, and no inline script or style: pages get data from JSON views.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Sessions end when the browser closes, and after this many idle minutes.
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_AGE = 60 * int(os.environ.get("DJANGO_SESSION_IDLE_MINUTES", "60"))
SESSION_TOUCH_SECONDS = 60  # see plan.middleware.SessionIdleTimeoutMiddleware
SESSION_COOKIE_HTTPONLY = True

# Three-colour supervision (三色督办): a report not yet in shows blue from this many days before
# its due date (supervision.colours).
WARNING_BLUE_DAYS = int(os.environ.get("DJANGO_WARNING_BLUE_DAYS", "10"))
# Supervision items (督办件): may a leader assign an instruction to a lead unit himself, as he
# writes it, instead of leaving it to the coordinating office's queue? (Off: the office assigns.)
LEADERS_ASSIGN_ITEMS = os.environ.get("DJANGO_LEADERS_ASSIGN_ITEMS", "") in ("1", "true", "yes")

# Cached figures (plan.figures_cache): plan-wide fragments of the cockpit and its chart JSON, the
# project table, the report matrix, the indicator table and the changes page, kept in each
# worker's memory until the plan's data changes or they are this old. 0 renders them live.
FIGURES_CACHE_SECONDS = int(os.environ.get("DJANGO_FIGURES_CACHE_SECONDS", "600"))
# One Redis server shared by every worker in production (DJANGO_FIGURES_CACHE_URL, e.g.
# redis://127.0.0.1:6379/1): a write makes each figure rebuilt once, not once per worker. Without
# it (the embedded set-up) each process keeps its own, in memory. If Redis is down, pages render
# their figures live (plan.figures_cache); short timeouts keep that from slowing them.
FIGURES_CACHE_URL = os.environ.get("DJANGO_FIGURES_CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "figures": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": FIGURES_CACHE_URL,
            "KEY_PREFIX": "jilin-dashboard",
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.5},
        }
        if FIGURES_CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "figures",
            "OPTIONS": {"MAX_ENTRIES": int(os.environ.get("DJANGO_FIGURES_CACHE_ENTRIES", "100"))},
        }
    ),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "dashboard.auth": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}


# Reminders (manage.py send_reminders): the dashboard's address for links in e-mails, and how
# many days ahead a report counts as due soon.
SITE_URL = os.environ.get("DJANGO_SITE_URL", "http://127.0.0.1:8000")
REMINDER_DUE_WITHIN_DAYS = int(os.environ.get("DJANGO_REMINDER_DAYS", "7"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "dashboard@localhost")
