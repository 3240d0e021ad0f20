"""Settings come from RAPPORT_* environment variables with safe defaults.

No variable set means the embedded mode: SQLite (WAL) in ./data and the in-memory
channel layer. RAPPORT_DATABASE_URL=postgres://… and RAPPORT_REDIS_URL=redis://…
switch to the scale-out mode.
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("RAPPORT_DATA_DIR", Path.cwd() / "data")).resolve()


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = _env_bool("RAPPORT_DEBUG")
DEMO_MODE = _env_bool("RAPPORT_DEMO")
SECRET_KEY = os.environ.get("RAPPORT_SECRET_KEY", "")
if not SECRET_KEY:
    # Generated once per installation and kept in the data folder: never in the repo.
    from rapport.core.secret import load_or_create_secret_key

    SECRET_KEY = load_or_create_secret_key(DATA_DIR)

ALLOWED_HOSTS = _env_list("RAPPORT_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = _env_list("RAPPORT_CSRF_TRUSTED_ORIGINS", "")
SITE_URL = os.environ.get("RAPPORT_SITE_URL", "http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "anymail",
    "rapport.core",
    "rapport.accounts",
    "rapport.contacts",
    "rapport.tickets",
    "rapport.channels.email",
    "rapport.channels.chat",
    "rapport.routing",
    "rapport.sla",
    "rapport.automation",
    "rapport.webhooks",
    "rapport.search",
    "rapport.knowledge",
    "rapport.replies",
    "rapport.assistant",
    "rapport.reports",
    "rapport.audit",
    "rapport.portal",
    "rapport.api",
    "rapport.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "rapport.core.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "rapport.core.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "rapport.urls"
ASGI_APPLICATION = "rapport.asgi.application"
WSGI_APPLICATION = "rapport.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "tickets:inbox"
LOGOUT_REDIRECT_URL = "accounts:login"

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
            ],
        },
    },
]

# --- Storage ---------------------------------------------------------------------------
DATABASE_URL = os.environ.get("RAPPORT_DATABASE_URL", "")
if DATABASE_URL:
    # A connection pool rather than CONN_MAX_AGE: under ASGI each request may run on
    # another thread, and per-thread persistent connections pile up until PostgreSQL
    # refuses new clients.
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": 1,
        "max_size": int(os.environ.get("RAPPORT_DB_POOL_SIZE", "8")),
        "timeout": 10,
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    SQLITE_SYNCHRONOUS = os.environ.get("RAPPORT_SQLITE_SYNCHRONOUS", "NORMAL").upper()
    if SQLITE_SYNCHRONOUS not in {"NORMAL", "FULL"}:
        raise ImproperlyConfigured("RAPPORT_SQLITE_SYNCHRONOUS must be NORMAL or FULL")
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("RAPPORT_SQLITE_PATH", str(DATA_DIR / "rapport.sqlite3")),
            # Long-running receivers (smtpd, mailpoll) keep their connections between
            # mails; web requests open one each, as Django does by default.
            "CONN_MAX_AGE": int(os.environ.get("RAPPORT_SQLITE_CONN_MAX_AGE", "0")),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {
                # IMMEDIATE takes the write lock at BEGIN, so two writers queue on
                # busy_timeout instead of failing with "database is locked" mid-transaction.
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL;"
                    # NORMAL survives a crash of the process; FULL also a power cut,
                    # and the mail receivers (smtpd, mailpoll) ask for it, since they
                    # tell the sender "stored" and the sender then deletes its copy.
                    f"PRAGMA synchronous={SQLITE_SYNCHRONOUS};"
                    "PRAGMA foreign_keys=ON;"
                    "PRAGMA busy_timeout=20000;"
                    "PRAGMA cache_size=-65536;"
                    "PRAGMA mmap_size=268435456;"
                ),
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = os.environ.get("RAPPORT_REDIS_URL", "")
if REDIS_URL:
    # The pub/sub layer: at 1,000 chat sockets on two nodes the list-based default layer
    # fell seconds behind and dropped agents' events (bench/chat_load.py). No socket
    # timeout: redis-py 8 defaults to 5 s, and an idle subscriber would die of it.
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {"hosts": [{"address": REDIS_URL, "socket_timeout": None}]},
        }
    }
    CACHES: dict[str, dict[str, Any]] = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "rapport.core.layers.SweepingInMemoryChannelLayer"}}
    # A folder, not process memory: the web server, the worker and the SMTP server are
    # separate processes, and routing in the worker must see which agents the web
    # server knows to be online (and rate limits must hold across them).
    CACHES = {"default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": str(DATA_DIR / "cache"), "OPTIONS": {"MAX_ENTRIES": 20_000},
    }}

TASKS = {
    "default": {
        "BACKEND": os.environ.get("RAPPORT_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

MEDIA_ROOT = Path(os.environ.get("RAPPORT_MEDIA_ROOT", DATA_DIR / "media"))
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("RAPPORT_STATIC_ROOT", DATA_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# --- Auth ------------------------------------------------------------------------------
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rapport.accounts.backends.RapportBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("RAPPORT_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = _env_bool("RAPPORT_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- i18n ------------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("ru", _("Russian")),
    ("zh-hans", _("Simplified Chinese")),
    ("sr", _("Serbian")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = os.environ.get("RAPPORT_TIME_ZONE", "UTC")

# --- Email -----------------------------------------------------------------------------
EMAIL_BACKEND = os.environ.get(
    "RAPPORT_EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend"
    if not os.environ.get("RAPPORT_EMAIL_HOST")
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_FILE_PATH = DATA_DIR / "outbox"
EMAIL_HOST = os.environ.get("RAPPORT_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("RAPPORT_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("RAPPORT_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("RAPPORT_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = _env_bool("RAPPORT_EMAIL_TLS")
DEFAULT_FROM_EMAIL = os.environ.get("RAPPORT_FROM_EMAIL", "support@rapport.localhost")

# Inbound and outbound mail of the email channel.
RAPPORT_EMAIL_MAX_BYTES = int(os.environ.get("RAPPORT_EMAIL_MAX_BYTES", 25 * 2**20))
# Right-hand side of the Message-IDs Rapport writes; mail coming back with it is ours.
RAPPORT_EMAIL_DOMAIN = os.environ.get("RAPPORT_EMAIL_DOMAIN", "rapport.localhost")
# The support organisation's name, as replies and the help center show it.
RAPPORT_COMPANY_NAME = os.environ.get(
    "RAPPORT_COMPANY_NAME", "Northwind Parcel" if DEMO_MODE else "Support"
)
RAPPORT_INSTANCE_ID = os.environ.get("RAPPORT_INSTANCE_ID", RAPPORT_EMAIL_DOMAIN)

# Provider webhooks for inbound mail (/webhooks/email/<provider>/inbound/). Rapport
# refuses them all while WEBHOOK_SECRET is unset (and Mailgun's while its key is).
ANYMAIL = {
    # "user:password" that providers send as basic auth; comma-separated to rotate.
    "WEBHOOK_SECRET": _env_list("RAPPORT_ANYMAIL_WEBHOOK_SECRET", ""),
    "MAILGUN_WEBHOOK_SIGNING_KEY": os.environ.get("RAPPORT_MAILGUN_WEBHOOK_SIGNING_KEY", ""),
    # Auto-confirming needs boto3, AWS credentials and outbound internet; the webhook
    # logs the confirmation link for an admin to open instead.
    "AMAZON_SES_AUTO_CONFIRM_SNS_SUBSCRIPTIONS": False,
}

# --- Rapport limits --------------------------------------------------------------------
RAPPORT_MAX_ATTACHMENT_BYTES = int(os.environ.get("RAPPORT_MAX_ATTACHMENT_BYTES", 20 * 2**20))
RAPPORT_MAX_ATTACHMENTS_PER_MESSAGE = 10
RAPPORT_PORTAL_LINK_MAX_AGE = int(os.environ.get("RAPPORT_PORTAL_LINK_MAX_AGE", 24 * 3600))
RAPPORT_PORTAL_SUBMISSIONS_PER_HOUR = int(os.environ.get("RAPPORT_PORTAL_RATE", "10"))
RAPPORT_IDEMPOTENCY_TTL = 24 * 3600
# Outgoing webhooks may reach private/loopback addresses only for these hosts, IPs or
# networks (comma-separated, e.g. "hooks.internal,10.1.2.0/24"); see docs/webhooks.md.
RAPPORT_WEBHOOK_ALLOWED_HOSTS = _env_list("RAPPORT_WEBHOOK_ALLOWED_HOSTS", "")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 2**20
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 2**20

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("RAPPORT_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # aiosmtpd logs every SMTP command with its addresses; smtpd logs one line per mail.
        "mail.log": {"level": "WARNING"},
    },
}
