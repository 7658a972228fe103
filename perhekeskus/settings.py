"""Settings for perhekeskus.

Everything that differs between a demo laptop and production comes from environment
variables (django-environ). The defaults are safe for local use: SQLite under var/,
DEBUG off, Finnish first.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    # A per-installation key kept under var/, so a demo needs no configuration and no key
    # is ever committed.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        from django.utils.crypto import get_random_string

        key_file.write_text(get_random_string(64))
        key_file.chmod(0o600)
    SECRET_KEY = key_file.read_text().strip()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "modeltranslation",  # before admin (its translated fields' admin)
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.forms",  # the form widgets' templates, for FORM_RENDERER below
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "perhekeskus.network",
    "perhekeskus.people",
    "perhekeskus.scheduling",
    "perhekeskus.access",
    "perhekeskus.intake",
    "perhekeskus.reports",
    "perhekeskus.allocation",
    "perhekeskus.families",
    "perhekeskus.public",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "mozilla_django_oidc",
    "perhekeskus.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (django-csp) and Permissions-Policy on every answer
    "csp.middleware.CSPMiddleware",
    "perhekeskus.access.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Django's GZip middleware masks against BREACH; the resource view's rows compress ~10x.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "perhekeskus.access.middleware.IdleSessionMiddleware",
    # the front door's NotFound and Forbidden answer 404 and 403 on pages
    "perhekeskus.access.middleware.FrontDoorErrorsMiddleware",
    # last, as django-axes asks
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # refuses logins while a username and address are locked out
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Single sign-on with the organisation's own directory through OpenID Connect, on when
# OIDC_RP_CLIENT_ID is set (docs/access.md). Users are matched by e-mail address; roles
# are still given in perhekeskus.
OIDC_RP_CLIENT_ID = env("OIDC_RP_CLIENT_ID", default="")
OIDC_ENABLED = bool(OIDC_RP_CLIENT_ID)
if OIDC_ENABLED:
    OIDC_RP_CLIENT_SECRET = env("OIDC_RP_CLIENT_SECRET")
    OIDC_OP_AUTHORIZATION_ENDPOINT = env("OIDC_OP_AUTHORIZATION_ENDPOINT")
    OIDC_OP_TOKEN_ENDPOINT = env("OIDC_OP_TOKEN_ENDPOINT")
    OIDC_OP_USER_ENDPOINT = env("OIDC_OP_USER_ENDPOINT")
    OIDC_OP_JWKS_ENDPOINT = env("OIDC_OP_JWKS_ENDPOINT", default="")
    OIDC_RP_SIGN_ALGO = env("OIDC_RP_SIGN_ALGO", default="RS256")
    OIDC_RP_SCOPES = env("OIDC_RP_SCOPES", default="openid email profile")
    OIDC_CREATE_USER = env.bool("OIDC_CREATE_USER", default=False)
    AUTHENTICATION_BACKENDS.append("mozilla_django_oidc.auth.OIDCAuthenticationBackend")
    LOGIN_REDIRECT_URL_FAILURE = "/login/"

ROOT_URLCONF = "perhekeskus.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "perhekeskus" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "perhekeskus.context_processors.current_worker",
            ],
        },
    },
]

WSGI_APPLICATION = "perhekeskus.wsgi.application"

DATABASES = {
    "default": environ.Env.db_url_config(
        env("DATABASE_URL", default="") or f"sqlite:///{VAR_DIR / 'perhekeskus.sqlite3'}"
    ),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions serialise writers at BEGIN, so the booking service's
    # check-then-insert cannot interleave with another writer (the PostgreSQL
    # exclusion constraint does this job there).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the reports' year-long aggregates are estimated costly enough
    # to trigger it, and compiling took longer (1-3 s) than running them (docs/performance.md).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# Memory PostgreSQL may use per sort or hash while a report runs (SET LOCAL in the report's
# own transaction; other queries keep the server's default). With the default 4 MB the
# reports' two-step counts sorted on disk instead of hashing (docs/performance.md).
REPORT_WORK_MEM = env("REPORT_WORK_MEM", default="64MB")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fi"
LANGUAGES = [("fi", _("Finnish")), ("sv", _("Swedish")), ("en", _("English"))]
# translated catalogue fields: name_fi, name_sv, name_en; an empty one falls back to Finnish
MODELTRANSLATION_DEFAULT_LANGUAGE = "fi"
MODELTRANSLATION_FALLBACK_LANGUAGES = ("fi",)
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Helsinki"
FORMAT_MODULE_PATH = ["perhekeskus.formats"]
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "perhekeskus" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Widgets render through the project's templates, so that perhekeskus/templates/django/forms
# can put words where Django puts "---------" in an empty choice.
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG and env.bool("HTTPS", default=False))
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# A session lasts at most a working day, and ends after SESSION_IDLE_MINUTES without use.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=10 * 3600)
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Lockout after repeated failed logins (django-axes): 5 failures for one username from
# one address lock that pair for 15 minutes; a success resets the count.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Behind HTTPS (HTTPS=1): HSTS for a year, and the proxy's header tells Django the
# request came over TLS (set SECURE_PROXY_SSL_HEADER only behind a proxy that sets it).
HTTPS = env.bool("HTTPS", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=HTTPS)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
if env("SECURE_PROXY_SSL_HEADER", default=""):
    SECURE_PROXY_SSL_HEADER = (env("SECURE_PROXY_SSL_HEADER"), "https")

# Content-Security-Policy (django-csp): scripts, styles, images and connections from this
# origin only; no inline script or style anywhere (positions on the timeline are classes
# of static/css/positions.css), no framing, forms post only here.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# Browser features no page of ours uses, switched off (Permissions-Policy).
PERMISSIONS_POLICY = env(
    "PERMISSIONS_POLICY",
    default="camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), bluetooth=(), "
    "magnetometer=(), gyroscope=(), accelerometer=(), display-capture=(), browsing-topics=()",
)

# The cache is shared by every server process: the help button's rate limit must hold
# across gunicorn's workers. Default: a table in the database (no extra service);
# CACHE_URL=redis://host:6379/1 uses Redis.
CACHE_URL = env("CACHE_URL", default="")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif CACHE_URL:
    CACHES = {"default": env.cache_url("CACHE_URL")}
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "perhekeskus_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # first, so that a request without credentials is answered 401 with the scheme
        "perhekeskus.access.tokens.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "perhekeskus.api.Pagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "perhekeskus.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "perhekeskus API",
    "DESCRIPTION": "Resource steering of a Finnish family centre: organisations, workers, "
    "shifts, families and appointments.",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "perhekeskus.api_schema.add_error_responses",
    ],
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CancellationReasonEnum": "perhekeskus.scheduling.models.CancellationReason",
        "CancelledByEnum": "perhekeskus.scheduling.models.CancelledBy",
        "ProposalStatusEnum": "perhekeskus.allocation.models.Proposal.Status",
        "AbsenceReasonEnum": "perhekeskus.scheduling.models.Absence.Reason",
        "NamedWorkerRoleEnum": "perhekeskus.people.models.NamedWorker.Role",
        "MeetingRequestedByEnum": "perhekeskus.families.models.NetworkMeeting.RequestedBy",
    },
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
}

# --- Who sees what ------------------------------------------------------------------
# An appointment with a family lets the worker see the family's data from this many days
# before it to this many days after it (docs/access.md).
ACCESS_DAYS_BEFORE_APPOINTMENT = env.int("ACCESS_DAYS_BEFORE_APPOINTMENT", default=14)
ACCESS_DAYS_AFTER_APPOINTMENT = env.int("ACCESS_DAYS_AFTER_APPOINTMENT", default=90)
# The network meeting on one call (docs/network-meeting.md): working hours in which the
# slot search proposes common free time, the work type its appointment has, and the
# overlap warning's window (docs/metrics.md).
NETWORK_MEETING_HOURS = ("08:00", "16:00")
NETWORK_MEETING_WORK_TYPE = env.str("NETWORK_MEETING_WORK_TYPE", default="Verkostopalaveri")
OVERLAP_WEEKS = env.int("OVERLAP_WEEKS", default=6)
# A family with this many services or more should have a responsible worker or family
# partner (the suggestions and the managers' report).
MANY_SERVICES = env.int("MANY_SERVICES", default=3)
# Disclosure between services (docs/access.md): the mode for a pair of services that no
# DisclosureRule names; from this age a person's own consent is needed (a guardian's
# before it); how long an emergency (break-glass) access lasts.
DISCLOSURE_DEFAULT = env("DISCLOSURE_DEFAULT", default="consent")
CONSENT_OWN_AGE = env.int("CONSENT_OWN_AGE", default=12)
BREAK_GLASS_HOURS = env.int("BREAK_GLASS_HOURS", default=4)

# --- Resource steering -------------------------------------------------------------
# What happens when a booking falls outside the worker's shifts: "warn" (the coordinator
# confirms) or "refuse".
BOOKING_OUTSIDE_SHIFT = env("BOOKING_OUTSIDE_SHIFT", default="warn")
# The hours the timeline draws of each day (local time).
TIMELINE_DAY_START_HOUR = env.int("TIMELINE_DAY_START_HOUR", default=6)
TIMELINE_DAY_END_HOUR = env.int("TIMELINE_DAY_END_HOUR", default=22)
# Rows of the resource view rendered per chunk; further chunks load as they scroll in.
RESOURCE_VIEW_CHUNK = env.int("RESOURCE_VIEW_CHUNK", default=60)
# The iCalendar feed covers this window around today.
ICAL_DAYS_BACK = env.int("ICAL_DAYS_BACK", default=30)
ICAL_DAYS_AHEAD = env.int("ICAL_DAYS_AHEAD", default=180)

# --- Intake (docs/clocks.md) ----------------------------------------------------------
# A child-protection social worker's caseload cap (Child Welfare Act s. 13 b).
# Allocation (docs/allocation.md): time kept free before and after a home visit for
# travel, and the detour of road distance over straight-line distance.
ALLOCATION_TRAVEL_MINUTES = env.int("ALLOCATION_TRAVEL_MINUTES", default=20)
# CP-SAT search workers for a queue proposal: deterministic for a seed, a time limit and
# this number (docs/allocation.md)
ALLOCATION_SOLVER_WORKERS = env.int("ALLOCATION_SOLVER_WORKERS", default=1)
ALLOCATION_SOLVER_SECONDS = env.int("ALLOCATION_SOLVER_SECONDS", default=10)
# A day's route (PyVRP): seconds of search in the request (a day is tens of visits)
ROUTE_SOLVER_SECONDS = env.float("ROUTE_SOLVER_SECONDS", default=1.0)
# An OSRM-compatible routing server for travel times (its /table API); empty: the
# straight-line estimate (allocation/travel.py)
OSRM_URL = env("OSRM_URL", default="")
# Background tasks (queue proposals): django-tasks with its database backend needs no
# extra service; `manage.py db_worker` runs them (make run starts one). Tests and a
# single-process setup may use "django_tasks.backends.immediate.ImmediateBackend".
TASKS = {"default": {"BACKEND": env("TASKS_BACKEND", default="django_tasks_db.DatabaseBackend")}}
TRAVEL_DETOUR_FACTOR = env.float("TRAVEL_DETOUR_FACTOR", default=1.35)
CHILD_PROTECTION_CASELOAD_CAP = env.int("CHILD_PROTECTION_CASELOAD_CAP", default=30)
# The public help button: submissions per client address per window (seconds), and the
# largest request body accepted. Behind a proxy, set HELP_CLIENT_IP_HEADER (e.g.
# HTTP_X_FORWARDED_FOR) to the header the proxy sets; the first address in it counts.
HELP_RATE_LIMIT = env.int("HELP_RATE_LIMIT", default=5)
HELP_RATE_WINDOW = env.int("HELP_RATE_WINDOW", default=600)
HELP_LOOKUP_RATE_LIMIT = env.int("HELP_LOOKUP_RATE_LIMIT", default=10)
HELP_MAX_BODY_BYTES = env.int("HELP_MAX_BODY_BYTES", default=20_000)
HELP_CLIENT_IP_HEADER = env("HELP_CLIENT_IP_HEADER", default="")
