"""Kesos settings: one module, every value read from the environment with an embedded default.

The defaults give the quick start (SQLite, Celery tasks run in-process, local-memory cache).
`KESOS_ENV=production` switches on the production profile, which refuses to start without a real
secret key and turns on the HTTPS hardening that `manage.py check --deploy` looks for.
Every variable is documented in docs/configuration.md.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()


def env_file(name, default=None):
    """Read NAME, or the contents of the file named by NAME_FILE (Docker/Kubernetes secrets)."""
    path = env.str(f"{name}_FILE", default="")
    if path:
        return Path(path).read_text().strip()
    return env.str(name, default=default)


KESOS_ENV = env.str("KESOS_ENV", default="development")
if KESOS_ENV not in ("development", "production"):
    raise ImproperlyConfigured("KESOS_ENV harus 'development' atau 'production'.")
PRODUCTION = KESOS_ENV == "production"

DEV_SECRET_KEY = "kesos-development-only-not-secret"  # noqa: S105 - refused in production below
SECRET_KEY = env_file("SECRET_KEY", default=DEV_SECRET_KEY)
if PRODUCTION and (SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5):
    raise ImproperlyConfigured("SECRET_KEY wajib diisi di produksi: minimal 50 karakter acak, bukan nilai bawaan.")

DEBUG = env.bool("DEBUG", default=not PRODUCTION)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# --- The office this installation serves -------------------------------------------------------
KESOS_OFFICE_NAME = env.str("KESOS_OFFICE_NAME", default="Dinas Sosial Provinsi Kalimantan Selatan")
# Two-digit Kemendagri province code; empty means the installation is not tied to one province.
KESOS_PROVINCE_CODE = env.str("KESOS_PROVINCE_CODE", default="63")
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Makassar")
if TIME_ZONE not in ("Asia/Jakarta", "Asia/Pontianak", "Asia/Makassar", "Asia/Jayapura"):
    raise ImproperlyConfigured(
        "TIME_ZONE harus salah satu zona Indonesia: Asia/Jakarta, Asia/Pontianak, Asia/Makassar, Asia/Jayapura."
    )

# --- Applications -------------------------------------------------------------------------------
INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    "kesos.accounts.apps.KesosAdminConfig",  # django.contrib.admin, gated by the second factor
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "pgtrigger",
    "pghistory",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "kesos.core",
    "kesos.audit",
    "kesos.wilayah",
    "kesos.accounts",
    "kesos.reports",
    "lks",
    "ppks",
    "pilar",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # NUL characters and oversized API bodies are refused before anything reads them.
    "kesos.core.middleware.BadInputMiddleware",
    # Database or broker unavailable, a timeout: 503 with Retry-After, logged once per outage.
    "kesos.core.middleware.OutageMiddleware",
    "kesos.audit.context.AuditContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kesos.accounts.middleware.SecondFactorMiddleware",
    "kesos.accounts.middleware.SessionIdleMiddleware",
    "kesos.audit.middleware.HistoryContextMiddleware",
    "kesos.core.middleware.OfficeTimezoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "kesos.accounts.middleware.NoStoreMiddleware",
    # Last, as django-axes asks: it turns its lockout exception into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "kesos.urls"
WSGI_APPLICATION = "kesos.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kesos.core.context_processors.office",
                "kesos.accounts.context_processors.inbox",
            ],
        },
    },
]
FORM_RENDERER = "kesos.core.forms.KesosFormRenderer"

# --- Database ------------------------------------------------------------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
_db = DATABASES["default"]
if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the dev server read while a management command writes; IMMEDIATE avoids
    # "database is locked" on write-after-read inside a transaction.
    _db["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
elif "postgresql" in _db["ENGINE"]:
    _db["ENGINE"] = "django.db.backends.postgresql"
    _db["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    _db["CONN_HEALTH_CHECKS"] = True
# Time bounds on PostgreSQL, in seconds (0: none). A web request waits at most KESOS_DB_CONNECT_TIMEOUT
# for a connection, KESOS_DB_STATEMENT_TIMEOUT for one statement and KESOS_DB_LOCK_TIMEOUT for a
# lock, then answers 503 (kesos.core.outage). The Celery worker and management commands get the
# longer KESOS_WORKER_DB_* bounds instead (kesos.core.db_timeouts, applied by kesos/celery.py and
# manage.py), since a recap may run a long query.
KESOS_DB_CONNECT_TIMEOUT = env.int("KESOS_DB_CONNECT_TIMEOUT", default=5)
KESOS_DB_TIMEOUTS = {
    "web": {
        "statement": env.float("KESOS_DB_STATEMENT_TIMEOUT", default=30),
        "lock": env.float("KESOS_DB_LOCK_TIMEOUT", default=10),
    },
    "worker": {
        # By default as long as a report may run (KESOS_REPORT_TIME_LIMIT).
        "statement": env.float(
            "KESOS_WORKER_DB_STATEMENT_TIMEOUT", default=env.float("KESOS_REPORT_TIME_LIMIT", default=1800)
        ),
        "lock": env.float("KESOS_WORKER_DB_LOCK_TIMEOUT", default=60),
    },
}
if _db["ENGINE"] == "django.db.backends.postgresql":
    from kesos.core.db_timeouts import connection_options

    _options = _db.setdefault("OPTIONS", {})
    _options.update(
        connection_options(KESOS_DB_CONNECT_TIMEOUT, **KESOS_DB_TIMEOUTS["web"], options=_options.get("options", ""))
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Services own their transactions (README: architecture).
ATOMIC_REQUESTS = False

# --- Cache, Celery --------------------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# The cache is best-effort (kesos.core.cache): while Redis is down or frozen, reads miss and writes are
# dropped after at most KESOS_CACHE_TIMEOUT seconds, and Redis is left alone for KESOS_CACHE_RETRY_SECONDS.
KESOS_CACHE_TIMEOUT = env.float("KESOS_CACHE_TIMEOUT", default=1.0)
KESOS_CACHE_RETRY_SECONDS = env.float("KESOS_CACHE_RETRY_SECONDS", default=5.0)
CACHES = {
    "default": (
        {"BACKEND": "kesos.core.cache.BestEffortRedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}
# An outage (database, cache, broker) is logged when it starts and when it ends: at the first success
# this many seconds after the last failure (kesos.core.outage).
KESOS_OUTAGE_QUIET_SECONDS = env.float("KESOS_OUTAGE_QUIET_SECONDS", default=10)
# The Retry-After of the 503 answered while the database or the broker is unavailable.
KESOS_RETRY_AFTER_SECONDS = env.int("KESOS_RETRY_AFTER_SECONDS", default=30)

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
# Without a broker, tasks run in-process so the quick start needs nothing but Python.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# State that users see (reports, imports) lives in our own tables; nothing reads task results.
CELERY_TASK_IGNORE_RESULT = True
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task taken by a worker that died (killed, machine lost) goes back to the queue after this many
# seconds; it must exceed the longest report (see KESOS_REPORT_TIME_LIMIT).
# Workers look for such tasks every 10 seconds.
# Publishing a task gives up after about KESOS_BROKER_TIMEOUT seconds (connect, or wait for the reply;
# no retry: a stale pooled connection is replaced inside redis-py) when Redis is down or frozen, and
# kesos.core.tasks.publish_after_commit records the failure instead of holding the request. The
# worker's consuming connection waits in its event loop, so these timeouts do not cut its BRPOP.
KESOS_BROKER_TIMEOUT = env.float("KESOS_BROKER_TIMEOUT", default=1.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
    "socket_timeout": KESOS_BROKER_TIMEOUT,
    "socket_connect_timeout": KESOS_BROKER_TIMEOUT,
}
CELERY_BROKER_CONNECTION_TIMEOUT = KESOS_BROKER_TIMEOUT
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 0}
CELERY_TIMEZONE = TIME_ZONE
# Beat only sends; each job decides from the database whether its period's work is due and still to do
# (kesos/core/schedule.py), so a second beat is harmless and a beat that was down catches up when it
# starts (it sends every entry once then). Nothing to remember between starts: in-memory schedule, no file.
# Seconds between sweeps of the report requests (kesos.reports.services.reports_sweep).
KESOS_REPORT_SWEEP_SECONDS = env.float("KESOS_REPORT_SWEEP_SECONDS", default=60.0)
CELERY_BEAT_SCHEDULER = "celery.beat:Scheduler"
CELERY_BEAT_SCHEDULE = {
    "worker-heartbeat": {"task": "kesos.core.tasks.record_worker_heartbeat", "schedule": 60.0},
    # Once a day from 06:00 (CELERY_TIMEZONE): expiring Tanda Daftar, permits and accreditations.
    "lks-expiry": {"task": "lks.tasks.notify_lks_expiry", "schedule": crontab(minute="*/5")},
    # Every minute: requests waiting with nothing running are sent again, dead runs re-sent or failed. A sweep
    # not taken by a worker before the next one is due is dropped (no pile of sweeps after an outage).
    "reports-sweep": {
        "task": "kesos.reports.tasks.sweep_reports",
        "schedule": KESOS_REPORT_SWEEP_SECONDS,
        "options": {"expires": KESOS_REPORT_SWEEP_SECONDS},
    },
    # Hourly: delete report files past KESOS_REPORT_RETENTION_HOURS.
    "reports-expire": {"task": "kesos.reports.tasks.expire_reports", "schedule": crontab(minute=15)},
    # Hourly: forget create keys past KESOS_IDEMPOTENCY_KEY_HOURS (they may hold stored API answers).
    "idempotency-purge": {"task": "kesos.core.tasks.purge_idempotency_keys", "schedule": crontab(minute=40)},
    # Once a month from 01:00 on the 1st: the province's monthly recaps of the month just ended.
    "reports-monthly": {
        "task": "kesos.reports.tasks.schedule_monthly_recaps",
        "schedule": crontab(minute="*/5"),
    },
}

# --- Passwords -----------------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Login lockout (django-axes) ---------------------------------------------------------------
# Lock a username+address pair after repeated failures, for a cool-off only: a permanent lock
# would let anyone lock a colleague out (ASVS 6.1.1).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_MINUTES", default=15.0) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False  # our audit trail records failures
AXES_DISABLE_ACCESS_LOG = True
AXES_CLIENT_IP_CALLABLE = "kesos.audit.context.client_ip"

# --- Audit -----------------------------------------------------------------------------------------
# Behind our own reverse proxy, the client address is the last entry it adds to X-Forwarded-For.
USE_X_FORWARDED_FOR = env.bool("USE_X_FORWARDED_FOR", default=False)
PGHISTORY_APPEND_ONLY = True
# Reads change nothing; only writing requests carry the who/where context into the triggers.
PGHISTORY_MIDDLEWARE_METHODS = ("POST", "PUT", "PATCH", "DELETE")

# --- Language, time, formats ---------------------------------------------------------------------
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia")]
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
# Django's `id` locale also accepts m/d/Y input; ours accepts day-first only (docs/domain.md).
FORMAT_MODULE_PATH = ["kesos.formats"]

# --- Static and media files ----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files are personal data: outside the web root, served only through permission checks.
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Largest case attachment (photo, letter) accepted, in megabytes; the proxy's body limit must allow it.
KESOS_ATTACHMENT_MAX_MB = env.int("KESOS_ATTACHMENT_MAX_MB", default=10)
# Largest request body the API accepts, in bytes (larger: 413 with a JSON message). Room for one attachment.
KESOS_API_MAX_BODY_BYTES = env.int("KESOS_API_MAX_BODY_BYTES", default=(KESOS_ATTACHMENT_MAX_MB + 1) * 1024 * 1024)
# Generated recaps and lists: written by the Celery worker, served by the app after a permission
# check. Web and worker must share this directory. Files are deleted after the retention time.
KESOS_REPORT_ROOT = env.str("KESOS_REPORT_ROOT", default=str(MEDIA_ROOT) + "/laporan")
KESOS_REPORT_RETENTION_HOURS = env.int("KESOS_REPORT_RETENTION_HOURS", default=72)
# The Celery queue reports are sent to; give long recaps their own worker with `celery worker -Q laporan`.
KESOS_REPORT_QUEUE = env.str("KESOS_REPORT_QUEUE", default="celery")
# Seconds a report may run before the worker stops it (it then shows as failed).
KESOS_REPORT_TIME_LIMIT = env.int("KESOS_REPORT_TIME_LIMIT", default=1800)
# Reports that always end (docs/configuration.md, "Stuck reports" in docs/deployment.md): a request handed
# to the broker this many seconds ago and still not started is sent again (a restarted Redis may lose it)...
KESOS_REPORT_RESEND_SECONDS = env.int("KESOS_REPORT_RESEND_SECONDS", default=600)
# ... a run without progress this long is dead where no PostgreSQL lock can tell (beyond the hard time limit)...
KESOS_REPORT_STALLED_SECONDS = env.int("KESOS_REPORT_STALLED_SECONDS", default=KESOS_REPORT_TIME_LIMIT + 120)
# ... after this many runs that died, the request fails instead of being run again...
KESOS_REPORT_MAX_ATTEMPTS = env.int("KESOS_REPORT_MAX_ATTEMPTS", default=3)
# ... a database error is retried this many times, waiting 10, 20, 40... seconds (at most 300)...
KESOS_REPORT_DB_RETRIES = env.int("KESOS_REPORT_DB_RETRIES", default=5)
KESOS_REPORT_DB_RETRY_SECONDS = env.float("KESOS_REPORT_DB_RETRY_SECONDS", default=10.0)
# ... and a request still queued after this many hours fails with a reason (0: wait for ever).
KESOS_REPORT_GIVE_UP_HOURS = env.int("KESOS_REPORT_GIVE_UP_HOURS", default=24)
# The reports page and API say a request waits unusually long past this many seconds, with the reason if known.
KESOS_REPORT_SLOW_SECONDS = env.int("KESOS_REPORT_SLOW_SECONDS", default=120)
# A worker heartbeat (beat, every minute) older than this means no worker answers: /healthz and the page say so.
KESOS_WORKER_STALE_SECONDS = env.int("KESOS_WORKER_STALE_SECONDS", default=180)
# Outside production, whitenoise serves straight from the app folders: no collectstatic needed.
WHITENOISE_USE_FINDERS = not PRODUCTION
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

# Per-user limits on the lookups that could be used to probe for people (kesos.core.ratelimit), as
# "count/period" like the API's rates; unset keeps the default declared beside each limit:
# nik_search 30/min (exact NIK/No. KK searches), duplicate_probe 20/hour (answers that a NIK, No. KK
# or name and birth date is held outside the user's scope).
KESOS_RATE_LIMITS = {
    name: rate
    for name, rate in (
        ("nik_search", env.str("KESOS_RATE_NIK_SEARCH", default="")),
        ("duplicate_probe", env.str("KESOS_RATE_DUPLICATE_PROBE", default="")),
    )
    if rate
}

# --- Idempotent creation (kesos.core.idempotency) ------------------------------------------------
# Hours a create form's hidden key or an API `Idempotency-Key` is remembered: a repeat within that
# time returns the first answer. Stored API answers hold personal data: keep this short.
KESOS_IDEMPOTENCY_KEY_HOURS = env.int("KESOS_IDEMPOTENCY_KEY_HOURS", default=24)

# --- REST API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "kesos.core.api.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # JSON bodies too deeply nested, or carrying NUL characters, are a 400 (kesos.core.api.JSONParser).
    "DEFAULT_PARSER_CLASSES": [
        "kesos.core.api.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_PAGINATION_CLASS": "kesos.core.pagination.ApiPagination",
    "PAGE_SIZE": 50,
    # Per-user throttling in the shared cache (Redis in production, so every web process counts the
    # same requests). `user`: every API request of a logged-in user, room for a person at work and a
    # field device syncing; `by_name_list`: the person, household, case and resident list pages on top
    # of that (600 pages of 50 rows an hour), so paging through a whole region is slow and shows in
    # the audit trail; `anon`: requests without a session, per address. Past a rate: 429 in Indonesian.
    "DEFAULT_THROTTLE_CLASSES": ["kesos.core.api.UserThrottle", "kesos.core.api.AnonThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": env.str("KESOS_API_RATE_USER", default="2400/hour"),
        "by_name_list": env.str("KESOS_API_RATE_BY_NAME_LIST", default="600/hour"),
        "anon": env.str("KESOS_API_RATE_ANON", default="120/hour"),
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Kesos API",
    "DESCRIPTION": "API sistem manajemen kasus kesejahteraan sosial (Dinas Sosial).",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    # Two models call a choice field "kind": name their enums apart.
    "ENUM_NAME_OVERRIDES": {
        "WilayahKindEnum": "kesos.wilayah.models.Kind",
        "ReferensiKindEnum": "ppks.models.RefKind",
        "CaseStageEnum": "ppks.workflow.Stage",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The refusals (400, 403, 404, 413, 429) are documented too, so clients and the fuzzer know them.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "kesos.core.schema.document_error_responses",
        "kesos.core.idempotency.document_idempotency",
    ],
}

# --- Two-factor authentication (django-otp, TOTP) -------------------------------------------------
# Admin and operator roles (and superusers) must pass a TOTP code after the password (ASVS 6.3.2).
# Off by default outside production, so the quick start's demo accounts log in with a password only.
KESOS_REQUIRE_2FA = env.bool("KESOS_REQUIRE_2FA", default=PRODUCTION)
OTP_TOTP_ISSUER = KESOS_OFFICE_NAME

# --- Content-Security-Policy (django-csp 4) --------------------------------------------------------
# No inline script or style anywhere: templates load files from /static/, the QR code is a data: image.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    },
}

# --- Security ------------------------------------------------------------------------------------
# Idle expiry: every request pushes the expiry forward, so a session ends after this much inactivity.
SESSION_COOKIE_AGE = env.int("SESSION_IDLE_MINUTES", default=30) * 60
# Idle expiry: kesos.accounts.middleware.SessionIdleMiddleware re-saves the session once a minute.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # /healthz is probed over plain HTTP inside the compose network.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    if not SECURE_HSTS_PRELOAD:
        # Preload is a one-way commitment for the whole domain; the office opts in explicitly.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No full NIK/No. KK in a log line: Django's request and server loggers name the URL (404s,
    # errors, runserver's request lines), so their records are redacted in place before any handler.
    "filters": {"redact_nik": {"()": "kesos.core.redact.RedactingFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["redact_nik"]}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        "kesos.outage": {"level": "INFO"},
        "django.request": {"filters": ["redact_nik"]},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False, "filters": ["redact_nik"]},
        "django.security": {"filters": ["redact_nik"]},
    },
}
