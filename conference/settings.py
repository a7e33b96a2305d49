"""Plenary settings: one module, configured from the environment.

DEBUG is off unless the environment turns it on (DEBUG=1; the Makefile does, for `make run`
and `make test`), so a server started without configuration never shows tracebacks.
Production sets SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

import datetime as dt
import os
import sys
from pathlib import Path

import dj_database_url
import xstatic.pkg.bootstrap
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key
from django.utils.translation import gettext_lazy as _

from conference.countries import OFFICIAL_NAMES

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)

# Commands that only read the models: they sign nothing and serve nothing, so a checkout
# can run `manage.py makemigrations --check` with no configuration at all.
KEYLESS_COMMANDS = {"makemigrations"}

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    command = sys.argv[1] if Path(sys.argv[0]).name == "manage.py" and len(sys.argv) > 1 else ""
    if command in KEYLESS_COMMANDS:
        SECRET_KEY = get_random_secret_key()
    elif not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off Plenary refuses to start without a secret "
            "key: set the SECRET_KEY environment variable to a long random string. On a "
            "development machine set DEBUG=1 instead (the Makefile does)."
        )
    else:
        SECRET_KEY = "django-insecure-plenary-development-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    # First: daphne's runserver serves HTTP and the floor's WebSockets from one port (make run).
    "daphne",
    # Before the admin: it registers each app's translation.py and patches the model admins.
    "modeltranslation",
    "conference.apps.PlenaryAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_countries",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "channels",
    "conference.apps.ConferenceConfig",
    "participants.apps.ParticipantsConfig",
    "sessions.apps.AgendaConfig",
    "documents.apps.DocumentsConfig",
    "conference.mail.apps.MailConfig",
    # Last: the demo loader stands above every app (manage.py load_demo).
    "demo.apps.DemoConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "conference.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a refused login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "conference.urls"
WSGI_APPLICATION = "conference.wsgi.application"
ASGI_APPLICATION = "conference.asgi.application"

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

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'plenary.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes counts failed logins per user name and client address and refuses that pair for
# a cool-off once it reaches the limit, the right password included; every lockout is logged
# (logger "axes") and listed in the admin, where deleting the attempt lifts it.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = dt.timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "admin/locked_out.html"
AXES_CLIENT_IP_CALLABLE = "conference.security.client_ip"
# How many reverse proxies stand in front and append to X-Forwarded-For (0: none, use the
# connection's address). See conference/security.py.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
# The nomination portal answers 429 to an address that tried this many unknown tokens within
# the window, so a link cannot be found by guessing even if tokens were shorter.
PORTAL_UNKNOWN_TOKEN_LIMIT = int(os.environ.get("PORTAL_UNKNOWN_TOKEN_LIMIT", "20"))
PORTAL_UNKNOWN_TOKEN_WINDOW = int(os.environ.get("PORTAL_UNKNOWN_TOKEN_WINDOW", "900"))

# Content-Security-Policy (django-csp 4): only our own files; no inline script or style
# except a <script>/<style> carrying the request's nonce ({{ request.csp_nonce }}); no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# Two-factor sign-in (conference/two_factor.py): required for staff who can see identity data,
# and for every staff account when this is on.
PLENARY_OTP_REQUIRED_FOR_ALL = env_bool("PLENARY_OTP_REQUIRED_FOR_ALL", False)
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Plenary")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Content (titles, rooms, paragraphs…) has a column per language (django-modeltranslation);
# an empty Russian value reads as the English one, never as an empty string.
MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "ru")
MODELTRANSLATION_FALLBACK_LANGUAGES = ("en",)
# The UN names of countries (conference/countries.py), translated through the catalogue.
COUNTRIES_OVERRIDE = OFFICIAL_NAMES
FORMAT_MODULE_PATH = ["conference.formats"]
USE_I18N = True
# Stored times are UTC; each conference renders them in its own time zone.
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static", ("bootstrap", xstatic.pkg.bootstrap.BASE_DIR)]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "accreditation@plenary.localhost")

# Public pages are cached per conference "published version". In production the cache must be
# shared by every worker process and every app server: Redis, named by REDIS_URL (or CACHE_URL),
# e.g. redis://cache.internal:6379/0. Without it, DEBUG uses a local-memory cache (the
# development server is one process and must show template edits at once) and DEBUG=0 a file
# cache, which serves one machine only. CACHE_BACKEND/CACHE_LOCATION still override both.
# Set CACHE_KEY_PREFIX to the release so a deploy never serves pages of the last one.
# Sessions stay in the database (Django's default engine): a cache restart logs nobody out.
# Redis going away never breaks a page (conference/cache.py): the cache then answers as an empty
# one and pages are rendered from the database; the short timeouts bound a Redis that hangs.
REDIS_URL = os.environ.get("REDIS_URL") or os.environ.get("CACHE_URL", "")
_cache_options = {}
if REDIS_URL:
    _cache_backend, _cache_location = "conference.cache.ResilientRedisCache", REDIS_URL
    _cache_options = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
elif DEBUG:
    _cache_backend = "django.core.cache.backends.locmem.LocMemCache"
    _cache_location = str(VAR_DIR / "cache")
else:
    _cache_backend = "django.core.cache.backends.filebased.FileBasedCache"
    _cache_location = str(VAR_DIR / "cache")
CACHES = {
    "default": {
        "BACKEND": os.environ.get("CACHE_BACKEND", _cache_backend),
        "LOCATION": os.environ.get("CACHE_LOCATION", _cache_location),
        "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", ""),
        "OPTIONS": _cache_options,
    }
}

# The live floor (sessions/live.py): console actions reach projectors over Django Channels with
# Redis pub/sub. CHANNEL_LAYER_URL names that Redis (default: REDIS_URL, else the local Redis
# at 127.0.0.1:6379 that `make run` expects); every app server and the ASGI server must share
# it. CHANNEL_LAYER_URL=memory keeps messages inside one process: only for a single runserver
# without Redis. Redis down never breaks the console: publishing is logged, and the projectors
# poll floor.json until their WebSocket is back.
CHANNEL_LAYER_URL = os.environ.get("CHANNEL_LAYER_URL") or REDIS_URL or "redis://127.0.0.1:6379/0"
if CHANNEL_LAYER_URL == "memory":
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
else:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer",
            "CONFIG": {
                "hosts": [
                    {
                        "address": CHANNEL_LAYER_URL,
                        "socket_connect_timeout": 0.5,
                        "socket_timeout": 5,
                    }
                ],
                "prefix": os.environ.get("CHANNEL_LAYER_PREFIX", "plenary"),
            },
        }
    }

# The task queue (conference/celery.py). CELERY_BROKER_URL names Redis, e.g.
# redis://127.0.0.1:6379/1 (a database of its own, apart from the cache). Without it, tasks run
# eagerly inside the caller: fine for one developer, too slow for a bulk action on 400 people.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged after it ran: a worker that dies mid-task leaves it to another worker,
# so every task must be idempotent (mail checks the outbox row before sending).
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_IGNORE_RESULT = True
CELERY_TIMEZONE = "UTC"
# `celery -A conference beat` sends what the queue never got (see conference/mail): the same
# sweep as the send_queued_mail command a cron job can run instead.
CELERY_BEAT_SCHEDULE = {
    "mail-outbox-sweep": {"task": "conference.mail.tasks.outbox_sweep", "schedule": 300.0},
}

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
