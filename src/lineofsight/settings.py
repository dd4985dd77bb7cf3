"""Line of Sight settings: one module, read from the environment.

Every value comes from an environment variable with a safe default for a local install.
A value that cannot be understood stops the process with a message naming the variable,
rather than being silently replaced by a default.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import os
import sys
import zoneinfo
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("LOS_DATA_DIR", Path.cwd() / "var")).resolve()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"{name}={raw!r} is not a boolean; use one of 1/0, true/false, yes/no."
    )


def env_int(name: str, default: int, minimum: int = 0) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be at least {minimum}.")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


DEBUG = env_bool("LOS_DEBUG", False)
# Under pytest the suite is hermetic: fast hashing, mail kept in memory.
TESTING = env_bool("LOS_TESTING", "pytest" in sys.modules)

# The secret key: LOS_SECRET_KEY, else the one `scripts/run` made for this install beside the
# database (so `lineofsight ...` works from a fresh shell in the project).
SECRET_KEY_FILE = DATA_DIR / "secret_key"
SECRET_KEY = os.environ.get("LOS_SECRET_KEY", "").strip()
if not SECRET_KEY and SECRET_KEY_FILE.is_file():
    try:
        SECRET_KEY = SECRET_KEY_FILE.read_text(encoding="utf-8").strip()
    except OSError as exc:
        raise ImproperlyConfigured(f"{SECRET_KEY_FILE} cannot be read: {exc}") from None
    if not SECRET_KEY:
        raise ImproperlyConfigured(f"{SECRET_KEY_FILE} is empty; delete it or set LOS_SECRET_KEY.")
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-local-development-key-do-not-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            f"LOS_SECRET_KEY is not set and there is no {SECRET_KEY_FILE}. Set LOS_SECRET_KEY "
            "to a long random string, run scripts/run once (it makes the file), or set "
            "LOS_DATA_DIR to the folder that holds it (or LOS_DEBUG=1 for a local development "
            "server)."
        )

ALLOWED_HOSTS = env_list("LOS_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("LOS_CSRF_TRUSTED_ORIGINS", [])

TIME_ZONE = os.environ.get("LOS_TIME_ZONE", "UTC")
try:
    zoneinfo.ZoneInfo(TIME_ZONE)
except (zoneinfo.ZoneInfoNotFoundError, ValueError):
    raise ImproperlyConfigured(f"LOS_TIME_ZONE={TIME_ZONE!r} is not a known time zone.") from None
USE_TZ = True
USE_I18N = True
LANGUAGE_CODE = "en-gb"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "ninja",
    "lineofsight.core",
    "lineofsight.people",
    "lineofsight.goals",
    "lineofsight.insights",
    "lineofsight.search",
    "lineofsight.integrations",
    "lineofsight.reviews",
    "lineofsight.discussion",
    "lineofsight.coach",
    "lineofsight.oneonones",
    "lineofsight.access",
    "lineofsight.privacy",
    "lineofsight.api",
    "lineofsight.demo",
]

MIDDLEWARE = [
    # First: a request id and timing for every request (and its log line), then the health
    # and metrics endpoints, answered before anything that needs the host name or the
    # database; then django-prometheus's request metrics around everything else.
    "lineofsight.core.observability.RequestMiddleware",
    "lineofsight.core.observability.OperationsEndpointsMiddleware",
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "lineofsight.people.middleware.OrganisationTimezoneMiddleware",
    # Ends revoked sign-in sessions; sends HR admins who need a second factor to set one up.
    "lineofsight.people.middleware.SignInSessionMiddleware",
    # Last: turns a sign-in refused for too many failures into the lockout page.
    "axes.middleware.AxesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "lineofsight.urls"
WSGI_APPLICATION = "lineofsight.wsgi.application"
AUTH_USER_MODEL = "people.Person"
AUTHENTICATION_BACKENDS = [
    # First: refuses a sign-in while its username and address are locked out.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "lineofsight.core.backends.HRAdminBackend",
    # Single sign-on: answers only the callback of an identity provider HR set up.
    "lineofsight.people.sso.backend.ProviderBackend",
]
# Single sign-on (OpenID Connect): plain http:// issuers are refused unless this is on (a
# provider on the same machine, tests); how long to wait for a provider; the clock skew
# allowed when checking an ID token's times.
SSO_ALLOW_HTTP = env_bool("LOS_SSO_ALLOW_HTTP", DEBUG or TESTING)
SSO_TIMEOUT_SECONDS = env_int("LOS_SSO_TIMEOUT", 10, minimum=1)
SSO_CLOCK_SKEW_SECONDS = env_int("LOS_SSO_CLOCK_SKEW", 60)
# Sign-in throttling (django-axes). After LOS_LOGIN_FAILURE_LIMIT failed passwords a sign-in
# is refused for LOS_LOGIN_COOLOFF_MINUTES (or until HR unlocks it), counted per
# LOS_LOGIN_LOCKOUT: "username+ip" (default: a guesser elsewhere cannot lock a person out),
# "username", "ip", or several, comma-separated ("username+ip,ip" also stops one address
# trying a password on many accounts). API tokens are not affected.
_LOCKOUT_CRITERIA = {
    "username+ip": ["username", "ip_address"],
    "ip+username": ["username", "ip_address"],
    "username": "username",
    "ip": "ip_address",
}
AXES_FAILURE_LIMIT = env_int("LOS_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOS_LOGIN_COOLOFF_MINUTES", 15, minimum=1))
_lockout = [c.lower() for c in env_list("LOS_LOGIN_LOCKOUT", ["username+ip"])]
if not _lockout or any(c not in _LOCKOUT_CRITERIA for c in _lockout):
    raise ImproperlyConfigured(
        f"LOS_LOGIN_LOCKOUT={os.environ.get('LOS_LOGIN_LOCKOUT')!r}: give one or more of "
        "username+ip, username, ip (comma-separated)."
    )
AXES_LOCKOUT_PARAMETERS = [_LOCKOUT_CRITERIA[c] for c in _lockout]
AXES_RESET_ON_SUCCESS = True  # a good password clears the count for that username and address
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the wait does not grow while locked
AXES_LOCKOUT_CALLABLE = "lineofsight.core.lockout.locked_out"
AXES_DISABLE_ACCESS_LOG = True  # failures are kept (for the lockout); successes are not
AXES_ENABLE_ADMIN = False  # HR unlocks through the product, which records it
AXES_VERBOSE = False
# The client's address: the connection's own, unless LOS_PROXY_COUNT proxies in front of
# the server add it to X-Forwarded-For (never trusted otherwise: a client could forge it).
_proxies = env_int("LOS_PROXY_COUNT", 0)
AXES_IPWARE_PROXY_COUNT = _proxies or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR") if _proxies else ("REMOTE_ADDR",)
)

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# Authenticator apps show this issuer beside the account name.
OTP_TOTP_ISSUER = "Line of Sight"

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
                "lineofsight.people.context.organisation",
                "lineofsight.goals.tracking.check_ins_due.due_navigation",
                "lineofsight.integrations.inbox.inbox_navigation",
            ],
        },
    },
]

_default_sqlite = DATA_DIR / "lineofsight.sqlite3"
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    try:
        _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("LOS_DB_CONN_MAX_AGE", 60))
    except Exception as exc:  # dj_database_url raises several types for bad URLs
        raise ImproperlyConfigured(f"DATABASE_URL could not be parsed: {exc}") from None
    if not _db.get("ENGINE"):
        raise ImproperlyConfigured("DATABASE_URL names an unknown database scheme.")
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    _db = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(_default_sqlite)}

if _db["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers carry on while one writer commits; IMMEDIATE takes the write lock at
    # the start of a transaction so a roll-up never reads a snapshot another writer has
    # already replaced.
    _db.setdefault("OPTIONS", {})
    _db["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA foreign_keys=ON; PRAGMA cache_size=-64000; PRAGMA temp_store=MEMORY;"
            ),
        }
    )
    _db.setdefault("TEST", {})
if _db["ENGINE"] == "django.db.backends.postgresql" and not env_bool("LOS_PG_JIT", False):
    # PostgreSQL's JIT compiler spends tens of milliseconds compiling the short queries a
    # page runs (it triggers on row estimates, not on actual work); off unless asked for.
    _db.setdefault("OPTIONS", {})
    _db["OPTIONS"]["options"] = (_db["OPTIONS"].get("options", "") + " -c jit=off").strip()
if _db["ENGINE"] == "django.db.backends.postgresql":
    # Bind parameters on the server, so repeated statements (the roll-up climbs the cascade
    # with the same few) are prepared once per connection instead of planned every time.
    _db.setdefault("OPTIONS", {})
    if env_bool("LOS_PG_PREPARE", True):
        _db["OPTIONS"].setdefault("server_side_binding", True)
        _db["OPTIONS"].setdefault("prepare_threshold", 5)
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

STATIC_URL = "/static/"
# Under tests static files come straight from the apps (no collectstatic, no folder).
STATIC_ROOT = None if TESTING else DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# Background work goes through Django Tasks. Running the product, the queue is a table in
# the database (django-tasks-db) that `lineofsight worker` takes tasks from; the tests run
# each task at once in the process that enqueues it, unless a test asks for the queue.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "LOS_TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend",
        ),
        # "recurring": the scheduled jobs (core.schedule), kept apart so one thread of each
        # worker is always free for the short tasks of the default queue.
        "QUEUES": ["default", "recurring"],
    }
}
# The worker (`lineofsight worker`): how often an idle worker looks for tasks, how often it
# says it is alive, and after how long without a sign of life its running task is given to
# another worker. A task a worker without heartbeats (the plain `db_worker`) left running is
# given back after LOS_TASK_LEASE_SECONDS; a task whose workers died LOS_TASK_MAX_RUNS times
# is marked failed instead of being tried again.
WORKER_POLL_SECONDS = env_int("LOS_WORKER_POLL_SECONDS", 1, minimum=1)
WORKER_HEARTBEAT_SECONDS = env_int("LOS_WORKER_HEARTBEAT_SECONDS", 10, minimum=1)
WORKER_STALE_SECONDS = env_int("LOS_WORKER_STALE_SECONDS", 60, minimum=2)
TASK_LEASE_SECONDS = env_int("LOS_TASK_LEASE_SECONDS", 3600, minimum=60)
TASK_MAX_RUNS = env_int("LOS_TASK_MAX_RUNS", 3, minimum=1)
# The recurring jobs the worker's scheduler enqueues, and the seconds between two runs of
# each (see docs/operations.md). A job runs once per slot of its interval, whatever the
# number of workers.
SCHEDULE = {
    "snapshot": {
        "task": "lineofsight.insights.tasks.refresh_figures",
        "every": env_int("LOS_SNAPSHOT_INTERVAL", 900, minimum=10),
    },
    "figures-after-check-ins": {
        "task": "lineofsight.insights.tasks.refresh_changed_figures",
        "every": env_int("LOS_FIGURES_INTERVAL", 30, minimum=5),
    },
    "remind": {
        "task": "lineofsight.integrations.tasks.send_reminders",
        "every": env_int("LOS_REMIND_INTERVAL", 300, minimum=10),
    },
    "deliver": {
        "task": "lineofsight.integrations.tasks.deliver_outbox",
        "every": env_int("LOS_DELIVERY_INTERVAL", 60, minimum=5),
    },
    "end-of-cycle-figures": {
        "task": "lineofsight.integrations.tasks.keep_end_of_cycle_figures",
        "every": env_int("LOS_END_FIGURES_INTERVAL", 3600, minimum=60),
    },
    "data-sources": {
        "task": "lineofsight.integrations.sources.tasks.sync_due_sources",
        "every": env_int("LOS_DATA_SOURCES_INTERVAL", 300, minimum=10),
    },
    "prune-task-results": {
        "task": "lineofsight.core.queue.prune_finished",
        "every": 3600,
    },
}
# Finished tasks (their results) and past schedule slots are kept this many days.
TASK_RESULTS_KEEP_DAYS = env_int("LOS_TASK_RESULTS_KEEP_DAYS", 7, minimum=1)

EMAIL_BACKEND = os.environ.get(
    "LOS_EMAIL_BACKEND",
    "django.core.mail.backends.locmem.EmailBackend"
    if TESTING
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("LOS_FROM_EMAIL", "lineofsight@localhost")
# For the SMTP backend (LOS_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend).
EMAIL_HOST = os.environ.get("LOS_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("LOS_EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = os.environ.get("LOS_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("LOS_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("LOS_EMAIL_TLS", False)
EMAIL_USE_SSL = env_bool("LOS_EMAIL_SSL", False)
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("Set at most one of LOS_EMAIL_TLS and LOS_EMAIL_SSL.")
EMAIL_TIMEOUT = env_int("LOS_EMAIL_TIMEOUT", 30, minimum=1)

# Notifications: the address people open the product at (for links in reminders and
# digests), and which hosts teams' chat webhooks may point at besides Slack's and Microsoft
# Teams' own ("*" for any), whether plain http is allowed for them, and their time-out.
# The coach's optional semantic similarity for copy-paste cascading: the dotted path of a
# function (text, text) -> 0.0-1.0 run on this machine, e.g. over a local sentence-embedding
# model. Empty: lexical similarity only.
COACH_SIMILARITY = os.environ.get("LOS_COACH_SIMILARITY", "").strip()
# The coach reads wording by meaning with the word-embedding model shipped in the wordllama
# package (read from its folder, never downloaded); 0 keeps it to its word lists.
COACH_MEANING = env_bool("LOS_COACH_MEANING", True)

# Without LOS_SITE_URL, links point at the address `scripts/run` serves (LOS_HOST, LOS_PORT).
SERVE_HOST = os.environ.get("LOS_HOST", "127.0.0.1").strip() or "127.0.0.1"
SERVE_PORT = env_int("LOS_PORT", 8000, minimum=1)
if SERVE_PORT > 65535:
    raise ImproperlyConfigured(f"LOS_PORT={SERVE_PORT} is not a port (1-65535).")
SITE_URL = (
    os.environ.get("LOS_SITE_URL", "").strip() or f"http://{SERVE_HOST}:{SERVE_PORT}"
).rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured(f"LOS_SITE_URL={SITE_URL!r} must start with http:// or https://.")
# SCIM 2.0 provisioning (/scim/v2/, django-scim2): people and teams as Users and Groups,
# written through the organisation's named actions; see docs/identity.md.
SCIM_SERVICE_PROVIDER = {
    "USER_ADAPTER": "lineofsight.people.scim.adapters.PersonAdapter",
    "GROUP_ADAPTER": "lineofsight.people.scim.adapters.TeamAdapter",
    "GROUP_MODEL": "lineofsight.people.models.Team",
    "SERVICE_PROVIDER_CONFIG_MODEL": "lineofsight.people.scim.views.ServiceProviderConfig",
    "BASE_LOCATION_GETTER": "lineofsight.people.scim.adapters.base_location",
    "NETLOC": SITE_URL.split("://", 1)[1],
    "AUTHENTICATION_SCHEMES": [{"type": "oauthbearertoken", "name": "Bearer token"}],
    "WWW_AUTHENTICATE_HEADER": 'Bearer realm="scim"',
}
WEBHOOK_EXTRA_HOSTS = env_list("LOS_WEBHOOK_HOSTS", [])
WEBHOOK_ALLOW_HTTP = env_bool("LOS_WEBHOOK_ALLOW_HTTP", False)
WEBHOOK_TIMEOUT_SECONDS = env_int("LOS_WEBHOOK_TIMEOUT", 10, minimum=1)
# Direct messages in Slack and Microsoft Teams (docs/integrations.md, "Direct messages"):
# where each service's API answers. Only tests and unusual set-ups change these.
SLACK_API_URL = os.environ.get("LOS_SLACK_API_URL", "https://slack.com/api/").strip()
TEAMS_SERVICE_URL = os.environ.get(
    "LOS_TEAMS_SERVICE_URL", "https://smba.trafficmanager.net/teams/"
).strip()
TEAMS_TOKEN_URL = os.environ.get(
    "LOS_TEAMS_TOKEN_URL", "https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token"
).strip()
TEAMS_OPENID_METADATA_URL = os.environ.get(
    "LOS_TEAMS_OPENID_METADATA_URL",
    "https://login.botframework.com/v1/.well-known/openidconfiguration",
).strip()
for _name, _value in (
    ("LOS_SLACK_API_URL", SLACK_API_URL),
    ("LOS_TEAMS_SERVICE_URL", TEAMS_SERVICE_URL),
    ("LOS_TEAMS_TOKEN_URL", TEAMS_TOKEN_URL),
    ("LOS_TEAMS_OPENID_METADATA_URL", TEAMS_OPENID_METADATA_URL),
):
    if not _value.startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"{_name}={_value!r} must start with http:// or https://.")
# Outbound webhooks (docs/integrations.md, "Webhooks"): receivers must be public https
# addresses. LOS_OUTBOUND_WEBHOOKS_ALLOW_LOCAL lets them be localhost over plain http (on by
# default only in development and tests); LOS_OUTBOUND_WEBHOOKS_ALLOW_PRIVATE lets them be in
# private networks (10/8, 172.16/12, 192.168/16...). Link-local addresses are never allowed.
OUTBOUND_WEBHOOKS_ALLOW_LOCAL = env_bool("LOS_OUTBOUND_WEBHOOKS_ALLOW_LOCAL", DEBUG or TESTING)
OUTBOUND_WEBHOOKS_ALLOW_PRIVATE = env_bool("LOS_OUTBOUND_WEBHOOKS_ALLOW_PRIVATE", False)
OUTBOUND_WEBHOOK_TIMEOUT_SECONDS = env_int("LOS_OUTBOUND_WEBHOOK_TIMEOUT", 10, minimum=1)
# Failed attempts in a row (over all its deliveries) after which a subscription turns off.
OUTBOUND_WEBHOOK_DISABLE_AFTER = env_int("LOS_OUTBOUND_WEBHOOK_DISABLE_AFTER", 15, minimum=1)
# Key results' data sources (docs/integrations.md, "Data sources"): their addresses follow the
# outbound webhooks' rules above; each read waits at most LOS_DATA_SOURCE_TIMEOUT seconds
# and takes at most LOS_DATA_SOURCE_MAX_BYTES; LOS_DATA_SOURCE_PAUSE_AFTER failures in a row
# pause a source. SQLite files are read only from the folders in LOS_DATA_SOURCE_SQLITE_DIRS
# (comma-separated; none by default), never the product's own database.
DATA_SOURCE_TIMEOUT_SECONDS = env_int("LOS_DATA_SOURCE_TIMEOUT", 10, minimum=1)
DATA_SOURCE_MAX_BYTES = env_int("LOS_DATA_SOURCE_MAX_BYTES", 2_000_000, minimum=1024)
DATA_SOURCE_PAUSE_AFTER = env_int("LOS_DATA_SOURCE_PAUSE_AFTER", 5, minimum=1)
DATA_SOURCE_SQLITE_DIRS = env_list("LOS_DATA_SOURCE_SQLITE_DIRS", [])

# HTTPS. LOS_HTTPS=1 (the production set-up) turns on secure cookies, the redirect to HTTPS
# and a year of HSTS; each can still be set on its own.
HTTPS = env_bool("LOS_HTTPS", False)
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("LOS_SECURE_COOKIES", HTTPS)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("LOS_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = env_int("LOS_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("LOS_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("LOS_HSTS_PRELOAD", False)
if (SECURE_HSTS_INCLUDE_SUBDOMAINS or SECURE_HSTS_PRELOAD) and not SECURE_HSTS_SECONDS:
    raise ImproperlyConfigured(
        "LOS_HSTS_INCLUDE_SUBDOMAINS and LOS_HSTS_PRELOAD need HSTS on: set LOS_HTTPS=1 or "
        "LOS_HSTS_SECONDS."
    )
# Behind a proxy that terminates HTTPS: trust its X-Forwarded-Proto header (only then).
if env_bool("LOS_PROXY_HTTPS_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy (django-csp): the product's pages load scripts, styles, images and
# fonts only from the server itself, run no inline script or style and cannot be framed.
# LOS_CSP: "enforce" (default), "report-only" (browsers report violations, block nothing)
# or "off"; LOS_CSP_REPORT_URI: where browsers send their reports.
_CSP_MODES = ("enforce", "report-only", "off")
CSP_MODE = os.environ.get("LOS_CSP", "enforce").strip().lower()
if CSP_MODE not in _CSP_MODES:
    raise ImproperlyConfigured(f"LOS_CSP={CSP_MODE!r}: use one of {', '.join(_CSP_MODES)}.")
_SELF, _NONE = "'self'", "'none'"
_csp_directives: dict[str, list[str]] = {
    "default-src": [_SELF],
    "script-src": [_SELF],
    "style-src": [_SELF],
    "img-src": [_SELF, "data:"],  # data: for the icons inside the API docs' stylesheet
    "font-src": [_SELF],
    "connect-src": [_SELF],
    "form-action": [_SELF],
    "frame-ancestors": [_NONE],
    "base-uri": [_SELF],
    "object-src": [_NONE],
}
CSP_REPORT_URI = os.environ.get("LOS_CSP_REPORT_URI", "").strip()
if CSP_REPORT_URI:
    _csp_directives["report-uri"] = [CSP_REPORT_URI]
if CSP_MODE == "enforce":
    CONTENT_SECURITY_POLICY = {"DIRECTIVES": _csp_directives}
elif CSP_MODE == "report-only":
    CONTENT_SECURITY_POLICY_REPORT_ONLY = {"DIRECTIVES": _csp_directives}

PASSWORD_HASHERS = (
    ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if TESTING
    else [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.ScryptPasswordHasher",
    ]
)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500

# Logs go to the console (standard error): human-readable lines by default, or JSON lines
# (LOS_LOG_FORMAT=json) with the request id, and for a request's own line the person's id
# (never an email), method, path, status and duration. LOS_REQUEST_LOG logs one line per
# request (on by default with JSON, where it replaces gunicorn's access log).
LOG_FORMAT = os.environ.get("LOS_LOG_FORMAT", "text").strip().lower()
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOS_LOG_FORMAT={LOG_FORMAT!r}: use text or json.")
REQUEST_LOG = env_bool("LOS_REQUEST_LOG", LOG_FORMAT == "json")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "one_line_refusals": {"()": "lineofsight.core.log_filters.OneLineRefusals"},
        "request_id": {"()": "lineofsight.core.log_filters.RequestIdFilter"},
    },
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "lineofsight.core.log_filters.JsonLinesFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOS_LOG_LEVEL", "INFO")},
    "loggers": {
        # A refused request is one warning line naming the path, without a traceback.
        "django.request": {"filters": ["one_line_refusals"]},
        "django.db.backends": {"level": "INFO"},
        # One line per background task is noise at scale; failures are logged by the product.
        "django_tasks": {"level": os.environ.get("LOS_TASKS_LOG_LEVEL", "WARNING")},
        # Sign-in throttling logs failures and lockouts as warnings; every sign-in is noise.
        "axes": {"level": "WARNING"},
        # One line per request (LOS_REQUEST_LOG); health checks only at DEBUG.
        "lineofsight.requests": {"level": "INFO" if REQUEST_LOG else "WARNING"},
    },
}

# Health checks (/healthz, /readyz): the queue counts as behind once its oldest ready task
# has waited LOS_QUEUE_MAX_WAIT seconds, and a task as stuck once it has run for
# LOS_TASK_STUCK_AFTER seconds.
QUEUE_MAX_WAIT_SECONDS = env_int("LOS_QUEUE_MAX_WAIT", 900, minimum=1)
TASK_STUCK_AFTER_SECONDS = env_int("LOS_TASK_STUCK_AFTER", 3600, minimum=1)

# Prometheus metrics at /metrics (django-prometheus): off (404) unless LOS_METRICS_TOKEN (a
# bearer token, 24 characters or more) or LOS_METRICS_ALLOWED_IPS (addresses or networks
# whose connections may scrape without a token) is set.
METRICS_TOKEN = os.environ.get("LOS_METRICS_TOKEN", "").strip()
if METRICS_TOKEN and len(METRICS_TOKEN) < 24:
    raise ImproperlyConfigured("LOS_METRICS_TOKEN must be at least 24 characters long.")
METRICS_ALLOWED_IPS = env_list("LOS_METRICS_ALLOWED_IPS", [])
for _network in METRICS_ALLOWED_IPS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError:
        raise ImproperlyConfigured(
            f"LOS_METRICS_ALLOWED_IPS: {_network!r} is not an IP address or network."
        ) from None
# django-prometheus's own metrics are named django_*; no per-model or cache metrics.
PROMETHEUS_EXPORT_MIGRATIONS = False
