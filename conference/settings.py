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
from conference.mailconfig import mail_settings

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


def command_is_keyless() -> bool:
    command = sys.argv[1] if Path(sys.argv[0]).name == "manage.py" and len(sys.argv) > 1 else ""
    return command in KEYLESS_COMMANDS


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if command_is_keyless():
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
    # The partners' API and webhooks, above every domain app (api/).
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api.apps.ApiConfig",
    # Last: the demo loader stands above every app (manage.py load_demo).
    "demo.apps.DemoConfig",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "conference.security.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # An anonymous GET of a cached public page is answered here, before the session,
    # authentication, CSRF, second-factor and lockout middleware (conference/site/early.py).
    "conference.site.early.CachedPublicPageMiddleware",
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
# connection's address), and their addresses (TRUSTED_PROXIES, comma-separated addresses or
# networks; loopback by default). See conference/security.py.
# RISK: X-Forwarded-For is written by the client; only the hops our own proxies appended (the
# right-most ones) say who connected. Set the count higher than the proxies really in front, or
# list a network clients can reach directly, and a client picks its own address per request,
# which defeats the login lockout and the portal's 429. The client address is therefore the
# right-most hop after TRUSTED_PROXY_COUNT trusted proxies, never the left-most entry, and the
# header is ignored on a request that does not come from a TRUSTED_PROXIES address.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "127.0.0.1/8,::1")
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


def object_storage(environ=os.environ) -> dict | None:
    """The uploads' storage on S3-compatible object storage, when the environment names a bucket.

    Photos, notes verbales, letterhead logos and every generated file then live in the bucket,
    so every app server sees the same files; without AWS_STORAGE_BUCKET_NAME they stay on this
    server's disk (MEDIA_ROOT). Objects are private (no ACL grants anyone a read) and no URL of
    the bucket is ever shown: Plenary reads each object and serves it through the view that
    checks the permission and logs the access, as it serves files from disk.

    AWS_STORAGE_BUCKET_NAME  the bucket (it must exist)
    AWS_S3_ENDPOINT_URL      the service, e.g. https://s3.eu-central-1.amazonaws.com or
                             http://minio.internal:9000; empty: AWS's own for the region
    AWS_S3_REGION_NAME       e.g. eu-central-1
    AWS_S3_ACCESS_KEY_ID, AWS_S3_SECRET_ACCESS_KEY   the keys; empty: boto3's own chain
                             (AWS_ACCESS_KEY_ID…, an instance role)
    AWS_LOCATION             a prefix inside the bucket, e.g. plenary/ (default: none)
    AWS_S3_ADDRESSING_STYLE  "path" for servers that need it (MinIO and most self-hosted)
    """
    bucket = environ.get("AWS_STORAGE_BUCKET_NAME", "")
    if not bucket:
        return None
    options = {
        "bucket_name": bucket,
        "endpoint_url": environ.get("AWS_S3_ENDPOINT_URL") or None,
        "region_name": environ.get("AWS_S3_REGION_NAME") or None,
        "access_key": environ.get("AWS_S3_ACCESS_KEY_ID") or None,
        "secret_key": environ.get("AWS_S3_SECRET_ACCESS_KEY") or None,
        "location": environ.get("AWS_LOCATION", ""),
        "addressing_style": environ.get("AWS_S3_ADDRESSING_STYLE") or None,
        "signature_version": "s3v4",
        "default_acl": "private",
        # Names are random or chosen by Plenary; a name in use gets a suffix, never overwritten.
        "file_overwrite": False,
        # Only short-lived signed URLs could be made, and none is shown (see above).
        "querystring_auth": True,
        "querystring_expire": 60,
        "object_parameters": {"CacheControl": "private, no-store"},
    }
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}


if _objects := object_storage():
    STORAGES["default"] = _objects

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Mail (conference/mailconfig.py): one EMAIL_URL (smtp://user:password@host:587?tls=1,
# smtps://… for implicit TLS, console:, file:///var/mail/plenary) or EMAIL_HOST, EMAIL_PORT,
# EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS / EMAIL_USE_SSL, EMAIL_TIMEOUT; or
# EMAIL_BACKEND by its dotted path. With DEBUG off and none of them, startup refuses: mail
# would be printed to the console and marked sent. With DEBUG on, the console backend is the
# default and the admin says so on the outbox and every page that sends.
_mail = mail_settings(os.environ, debug=DEBUG or command_is_keyless())
EMAIL_BACKEND = _mail.pop("EMAIL_BACKEND")
globals().update(_mail)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "accreditation@plenary.localhost")
# Seconds a message may stay "sending" before the sweeper marks it "may have gone out" (a worker
# died mid-send) for an organizer to send again or mark sent. Default: one hour.
OUTBOX_STALE_SENDING_AFTER = int(os.environ.get("OUTBOX_STALE_SENDING_AFTER", "3600"))

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
    # Silence procedures end at their deadline: adopted by silence, or back to negotiation.
    "silence-deadlines": {"task": "documents.tasks.silence_deadlines", "schedule": 60.0},
    "webhook-deliveries-sweep": {"task": "api.tasks.webhook_deliveries_sweep", "schedule": 300.0},
}

# The partners' API (api/): tokens only (no session or basic authentication), JSON only,
# cursor pagination, one error shape (api.exceptions), a request rate per token.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["api.permissions.ReadScope"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_PAGINATION_CLASS": "api.pagination.IdCursorPagination",
    "PAGE_SIZE": 100,
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": os.environ.get("API_TOKEN_RATE", "1200/minute")},
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.exceptions.error_handler",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Plenary partners' API",
    "DESCRIPTION": "Conferences, delegations, accreditation, the agenda and outcome documents.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    # The documentation page's scripts and styles are ours (drf-spectacular-sidecar).
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
}
# Webhooks (api/webhooks.py): attempts per delivery, the first retry's delay in seconds
# (doubled each time), the request's timeout, and the consecutive failed deliveries after
# which an endpoint is disabled and its owner mailed.
WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("WEBHOOK_MAX_ATTEMPTS", "6"))
WEBHOOK_RETRY_BASE_SECONDS = float(os.environ.get("WEBHOOK_RETRY_BASE_SECONDS", "30"))
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "5"))
WEBHOOK_DISABLE_AFTER_FAILURES = int(os.environ.get("WEBHOOK_DISABLE_AFTER_FAILURES", "5"))

if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

# Every handler digests nomination tokens (conference/security.py): a link in a log line is a
# key to a delegation. gunicorn's access log does the same through gunicorn.conf.py.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_tokens": {"()": "conference.security.RedactTokensFilter"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_tokens"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_tokens"],
        },
    },
    "loggers": {
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
