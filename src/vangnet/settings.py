"""One settings module: the embedded default, production from environment variables.

Every variable read here is documented in the README's configuration table.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.utils.translation import gettext_lazy as _

from vangnet.core.secrets import load_or_create_secret_key


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("VANGNET_DATA_DIR", Path.cwd() / "var")).resolve()

# The embedded default: no DATABASE_URL means a SQLite file in DATA_DIR; no REDIS_URL, one process.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("REDIS_URL", "")
EMBEDDED = not DATABASE_URL

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or load_or_create_secret_key(DATA_DIR, embedded=EMBEDDED)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "vangnet.core",
    "vangnet.accounts",
    "vangnet.chat",
    "vangnet.guide",
    "vangnet.coding",
    "vangnet.monitor",
    "vangnet.cases",
    "vangnet.sharing",
    "vangnet.reading",
    "django_tasks",
    "django_tasks_db",
    "vangnet.retention",
]

# Background work (suggestions, de-identification) on the database: no extra service.
# `vangnet db_worker` runs the tasks; `make run` starts one next to the server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# The chat asks the reading app to score a waiting chat for acute danger (named here so that
# the chat does not import it): the first visitor message, and the pre-chat question.
VANGNET_CHAT_TRIAGE_HOOK = "vangnet.reading.queue.triage_waiting_chat"
VANGNET_CHAT_PRECHAT_HOOK = "vangnet.reading.queue.prechat_answer"

MIDDLEWARE = [
    "vangnet.core.middleware.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "vangnet.core.busy.DatabaseBusyMiddleware",  # outside the session: it may need the database
    "django.contrib.sessions.middleware.SessionMiddleware",
    "vangnet.core.locale_middleware.StaffAwareLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "vangnet.accounts.changes.ActorMiddleware",  # who changes a staff member's access
    "vangnet.accounts.middleware.InactivityLogoutMiddleware",  # after messages: it leaves one
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "vangnet.core.middleware.PrivacyHeadersMiddleware",
]

ROOT_URLCONF = "vangnet.urls"
ASGI_APPLICATION = "vangnet.asgi.application"
WSGI_APPLICATION = None

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
                "vangnet.core.context_processors.site",
            ],
        },
    },
]

if EMBEDDED:
    # Only the owner may enter: it holds the database and the keys of the embedded default.
    DATA_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
    DATABASES: dict[str, dict[str, Any]] = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("VANGNET_SQLITE_PATH", str(DATA_DIR / "vangnet.sqlite3")),
            "OPTIONS": {
                # WAL lets readers go on while the chat writes; IMMEDIATE avoids lock upgrades.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
                ),
                "transaction_mode": "IMMEDIATE",
            },
            # Tests use a file too: an in-memory database shares one cache, where a reader
            # gets "table is locked" while the chat's writer thread writes. WAL lets it read.
            "TEST": {"NAME": str(DATA_DIR / "test-vangnet.sqlite3")},
        }
    }
else:
    # Connections are bounded: each server process borrows them from a psycopg pool of at most
    # VANGNET_DB_POOL_SIZE (plus one for the chat's batched writer), never one per thread. A
    # request that waits longer than VANGNET_DB_POOL_TIMEOUT gets the "busy" page (core/busy.py).
    # VANGNET_DB_POOL_SIZE=0 switches the pool off, for PgBouncer in front (docs/deployment.md).
    DATABASES = {"default": dict(dj_database_url.parse(DATABASE_URL, conn_max_age=0))}
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # a restarted server is noticed, not fatal
    DB_POOL_SIZE = int(os.environ.get("VANGNET_DB_POOL_SIZE", "8"))
    if DB_POOL_SIZE > 0:
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(2, DB_POOL_SIZE),
            "max_size": DB_POOL_SIZE,
            "timeout": float(os.environ.get("VANGNET_DB_POOL_TIMEOUT", "5")),
            # Connections are renewed after an hour and closed after 10 idle minutes.
            "max_lifetime": 3600.0,
            "max_idle": 600.0,
            "name": "vangnet",
        }

# Whole public pages (the same for every visitor) are cached: Redis when REDIS_URL is set, so
# every process shares one copy and one invalidation; local memory in the embedded default.
# The prefix keeps deployments and test runs that share one Redis apart (core/pagecache.py).
VANGNET_PAGE_CACHE_SECONDS = int(os.environ.get("VANGNET_PAGE_CACHE_SECONDS", "60"))
CACHES: dict[str, dict[str, Any]] = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("VANGNET_CHANNEL_PREFIX", "vangnet"),
            "OPTIONS": {"socket_timeout": 1.0, "socket_connect_timeout": 1.0},
        }
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "vangnet"}
    )
}

# The real-time hub (vangnet.realtime.hub): in-process delivery, and with REDIS_URL Redis pub/sub
# between processes. Pub/sub ignores Redis database numbers: the prefix keeps deployments (and
# test runs) that share one Redis from receiving each other's chat events.
VANGNET_HUB_REDIS_URL = REDIS_URL
VANGNET_HUB_PREFIX = os.environ.get("VANGNET_CHANNEL_PREFIX", "vangnet")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# Staff authentication: argon2, TOTP second factor, lockout by username only.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
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
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
OTP_TOTP_ISSUER = "Vangnet"

# Failed logins are throttled per user name and browser (accounts.lockout): a stranger who
# knows a user name cannot keep that counsellor out. No address or user agent is stored.
VANGNET_LOGIN_FAILURE_LIMIT = int(os.environ.get("VANGNET_LOGIN_FAILURE_LIMIT", "5"))
VANGNET_LOGIN_WINDOW_HOURS = float(os.environ.get("VANGNET_LOGIN_COOLOFF_HOURS", "1"))

SESSION_COOKIE_AGE = 12 * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_AGE = None  # a session cookie, gone with the browser
VANGNET_INACTIVITY_TIMEOUT = int(os.environ.get("VANGNET_INACTIVITY_MINUTES", "30")) * 60

# HTTPS in production; the embedded default serves plain HTTP on loopback.
SECURE_HTTPS = env_bool("VANGNET_HTTPS", not EMBEDDED)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
SECURE_SSL_REDIRECT = SECURE_HTTPS and env_bool("VANGNET_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
# "same-origin": no referrer leaves the site, but form posts keep a real Origin for CSRF checks
# (with "no-referrer" browsers send "Origin: null" and every login would be refused).
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_AGE = None  # a session cookie: it leaves with the browser

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("VANGNET_STATIC_ROOT", DATA_DIR / "static"))
# Production serves hashed files made by `vangnet collectstatic`; without that manifest
# (embedded default, tests) the files are served straight from the apps.
MANIFEST_STATIC = not DEBUG and env_bool("VANGNET_MANIFEST_STATIC", not EMBEDDED)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if MANIFEST_STATIC
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not MANIFEST_STATIC
if WHITENOISE_USE_FINDERS:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Encryption at rest: comma-separated Fernet keys, newest first.
VANGNET_ENCRYPTION_KEYS = env_list("VANGNET_ENCRYPTION_KEYS")
VANGNET_KEY_FILE = DATA_DIR / "encryption.keys"

# The chat.
VANGNET_CHAT_MAX_MESSAGE_CHARS = int(os.environ.get("VANGNET_CHAT_MAX_MESSAGE_CHARS", "4000"))
VANGNET_CHAT_RATE_LIMIT = int(os.environ.get("VANGNET_CHAT_RATE_LIMIT", "20"))
VANGNET_CHAT_RATE_WINDOW_SECONDS = float(os.environ.get("VANGNET_CHAT_RATE_WINDOW", "10"))
VANGNET_CHAT_MAX_PER_COUNSELLOR = int(os.environ.get("VANGNET_CHAT_MAX_PER_COUNSELLOR", "3"))
VANGNET_CHAT_TOKEN_IDLE_HOURS = int(os.environ.get("VANGNET_CHAT_TOKEN_IDLE_HOURS", "12"))
# How often the chat page (before a chat starts) asks whether the chat is open (chat/views.py).
VANGNET_CHAT_STATUS_POLL_SECONDS = float(os.environ.get("VANGNET_CHAT_STATUS_POLL_SECONDS", "15"))
# The retention schedule's terms (retention/schedule.py, docs/retention.md).
VANGNET_RETENTION_CHAT_DAYS = int(os.environ.get("VANGNET_RETENTION_CHAT_DAYS", "180"))
VANGNET_RETENTION_CASE_YEARS = int(os.environ.get("VANGNET_RETENTION_CASE_YEARS", "20"))
# The de-identified copy of a transcript (research) follows the original's term unless the
# organisation sets a term of its own: days from the chat's end. Empty: follow the original.
VANGNET_RETENTION_DEIDENTIFIED_DAYS = (
    int(os.environ["VANGNET_RETENTION_DEIDENTIFIED_DAYS"])
    if os.environ.get("VANGNET_RETENTION_DEIDENTIFIED_DAYS", "").strip()
    else None
)
# How long a message waits for an unreachable database (a restart) before its socket is closed
# with 1013 "try again later" and the client resumes (docs/chat-protocol.md).
VANGNET_CHAT_STORE_WAIT_SECONDS = float(os.environ.get("VANGNET_CHAT_STORE_WAIT_SECONDS", "45"))
# Group commit: a process's writer starts a batch of messages no sooner than this after the one
# before (under load fewer, larger transactions: less CPU per message; at most this much
# latency added; after a quiet spell a message is stored at once).
VANGNET_CHAT_BATCH_INTERVAL_MS = float(os.environ.get("VANGNET_CHAT_BATCH_INTERVAL_MS", "20"))
# Overload: past this many messages being stored in one process, or this many visitors
# waiting, a new visitor is told it is very busy instead of joining a queue without end.
VANGNET_CHAT_BUSY_DEPTH = int(os.environ.get("VANGNET_CHAT_BUSY_DEPTH", "2000"))
VANGNET_CHAT_MAX_WAITING = int(os.environ.get("VANGNET_CHAT_MAX_WAITING", "100"))
# Overload in running chats (chat/overload.py): a `send` is refused with `slow_down`, to be
# sent again, while sends wait in the process longer than this (even the shortest wait of the
# last 100 ms), past this many sends waiting in the process, or while its event loop runs
# later than this.
VANGNET_CHAT_SEND_MAX_WAIT_MS = float(os.environ.get("VANGNET_CHAT_SEND_MAX_WAIT_MS", "500"))
VANGNET_CHAT_SEND_MAX_LAG_MS = float(os.environ.get("VANGNET_CHAT_SEND_MAX_LAG_MS", "500"))
VANGNET_CHAT_SEND_BUSY_DEPTH = int(os.environ.get("VANGNET_CHAT_SEND_BUSY_DEPTH", "1000"))
# A counsellor with no console socket for this long is taken off duty.
VANGNET_CONSOLE_ABSENT_SECONDS = float(os.environ.get("VANGNET_CONSOLE_ABSENT_SECONDS", "60"))
# The supervisor's console alerts when an acute chat has waited longer than this.
VANGNET_ACUTE_ALERT_SECONDS = float(os.environ.get("VANGNET_ACUTE_ALERT_SECONDS", "60"))
# Opening hours as "weekday:HH:MM-HH:MM" entries, weekday 0 = Monday; empty means always open
# (a counsellor on duty is still required).
VANGNET_CHAT_OPENING_HOURS = os.environ.get(
    "VANGNET_CHAT_OPENING_HOURS",
    "0:09:00-22:00,1:09:00-22:00,2:09:00-22:00,3:09:00-22:00,4:09:00-22:00,5:12:00-18:00,6:12:00-18:00",
)

# Where quick exit sends a visitor: a neutral page.
VANGNET_QUICK_EXIT_URL = os.environ.get("VANGNET_QUICK_EXIT_URL", "https://www.knmi.nl/")

LOG_LEVEL = os.environ.get("VANGNET_LOG_LEVEL", "INFO").upper()
if LOG_LEVEL == "TRACE":  # the ASGI server's level below DEBUG (`vangnet serve`)
    logging.addLevelName(5, "TRACE")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {
        "no_address": {"()": "vangnet.core.logfilter.NoClientAddress"},
        # A database outage is logged once by core/busy.py, not as a traceback per request.
        "skip_database_unavailable": {"()": "vangnet.core.busy.SkipDatabaseUnavailable"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            # No client address in any line, at any level; a database outage logged once.
            "filters": ["no_address", "skip_database_unavailable"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Request logs carry paths and client addresses; anonymity forbids them for chat traffic.
        "django.request": {"level": "ERROR"},
        "django.channels.server": {"level": "ERROR"},
        "uvicorn.access": {"handlers": [], "level": "CRITICAL", "propagate": False},
    },
}
