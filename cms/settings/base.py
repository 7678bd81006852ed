"""Settings shared by every environment.

Everything here is safe for production: debug is off, secrets and hosts come
from the environment, and environment-specific modules only loosen or tighten
what they must.
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from ops.logs import FORMATS, logging_config

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    normalised = value.strip().lower()
    if normalised in {"1", "true", "yes", "on"}:
        return True
    if normalised in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (true/false), got {value!r}")


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def _env_number(name: str, default, parse, what: str):
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return parse(value)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be {what}, got {value!r}") from exc


def env_int(name: str, default: int) -> int:
    return _env_number(name, default, int, "an integer")


def env_float(name: str, default: float) -> float:
    return _env_number(name, default, float, "a number")


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1")

INSTALLED_APPS = [
    "content_models",
    "publishing",
    "search",
    "api",
    "web",
    "webhooks",
    "worker",
    "ops",
    "django_tasks",
    "django_tasks_db",
    "corsheaders",
    "wagtail.contrib.settings",
    "wagtail.contrib.search_promotions",
    "wagtail.contrib.redirects",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    # The translation workflow: translating pages and contact people, and the admin's list of locales.
    "wagtail_localize",
    "wagtail_localize.locales",
    "modelcluster",
    "taggit",
    "django_filters",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "graphene_django",
]

MIDDLEWARE = [
    # First, so every answer is timed, logged and numbered, those of the middleware below too (ops/requests.py).
    "ops.requests.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "ops.headers.SecurityHeadersMiddleware",
    "ops.nul.RefuseNulInAdminMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cms.throttling.LoginThrottleMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Wagtail's redirects, followed only to public pages (web/redirects.py).
    "web.redirects.PublicRedirectMiddleware",
]

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

# The SQLite file is the zero-setup default; production sets DATABASE_URL.
DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and DATABASES["default"]["NAME"] != ":memory:":
    # The web server and the worker are two processes on one file. WAL lets readers go on while one
    # writes; IMMEDIATE takes the write lock when a transaction starts, so a transaction that reads and
    # then writes waits for the other process (up to `timeout`) instead of failing with "database is locked".
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": env_int("SQLITE_TIMEOUT", 20),
        }
    )
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # A database that does not answer is down: a request (or a readiness probe) says so within seconds,
    # rather than holding a server thread for the operating system's TCP timeout.
    DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int("DB_CONNECT_TIMEOUT", 5)
    # The page lookups every request makes are prepared after this many runs on a connection
    # (publishing/statements.py); 0 turns it off, behind a pooling proxy that cannot keep prepared statements.
    DATABASES["default"]["OPTIONS"]["prepare_threshold"] = env_int("DB_PREPARE_THRESHOLD", 2) or None
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Content languages (docs/languages.md). Bokmål is the default: its pages are at unprefixed URLs, the others
# under /nn/, /se/. Adding one (Kven: ("fkv", "Kvääni")) is a change of this list only: its locale is
# created after the next migrate, and it falls back to the default language unless LANGUAGE_FALLBACKS says more.
LANGUAGE_CODE = "nb"
# The admin's bokmål where Wagtail's own catalogue lacks it (docs/upstream-translations.md); found before the packages'.
LOCALE_PATHS = [BASE_DIR / "locale"]
CONTENT_LANGUAGES = [("nb", "Norsk bokmål"), ("nn", "Norsk nynorsk"), ("se", "Davvisámegiella")]
# Where a page or contact person has no (public) translation in the language asked for, the languages tried
# next, in order. A language not named here falls back to LANGUAGE_CODE.
LANGUAGE_FALLBACKS = {"nn": ["nb"], "se": ["nb"]}
LANGUAGES = CONTENT_LANGUAGES
WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = CONTENT_LANGUAGES
# The admin itself is in bokmål, for every editor.
WAGTAILADMIN_PERMITTED_LANGUAGES = [("nb", "Norsk bokmål")]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Third-party browser files (GraphiQL, React, …) copied from node_modules by `make assets`, served as /static/vendor/.
STATICFILES_DIRS = [("vendor", BASE_DIR / "vendor")]

WAGTAIL_SITE_NAME = "Troms fylkeskommune"
WAGTAILADMIN_USER_LOGIN_FORM = "cms.admin_login.LoginForm"
WAGTAILADMIN_BASE_URL = os.environ.get("WAGTAILADMIN_BASE_URL", "http://localhost:8000")
WAGTAILDOCS_EXTENSIONS = ["csv", "docx", "odt", "pdf", "pptx", "rtf", "txt", "xlsx"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
# Documents are served through Django so collection view restrictions apply.
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Wagtail's own index serves only the admin's search; the public site search has its own (search/).
WAGTAILSEARCH_BACKENDS = {
    "default": {
        "BACKEND": "wagtail.search.backends.database",
        "SEARCH_CONFIG": os.environ.get("SEARCH_CONFIG", "norwegian"),
    }
}

# Search statistics are counted per process and written at most this often (search/statistics.py).
SEARCH_STATISTICS_FLUSH_SECONDS = env_float("SEARCH_STATISTICS_FLUSH_SECONDS", 5)

# Background work (docs/worker.md): web requests only enqueue; `manage.py worker` runs the tasks and the
# periodic jobs. The database backend needs no other service, and queued tasks survive restarts.
TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    # Runs each task inside the call that enqueues it (tests; a site with no worker at all).
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}


def task_backend(name: str) -> dict:
    if name not in TASK_BACKENDS:
        raise ImproperlyConfigured(f"TASKS_BACKEND must be one of {', '.join(TASK_BACKENDS)}, got {name!r}")
    return {"default": {"BACKEND": TASK_BACKENDS[name], "QUEUES": ["default"]}}


TASKS = task_backend(os.environ.get("TASKS_BACKEND", "database"))

WORKER = {
    # How long an idle worker waits before looking for a task again: the bulk of publish-to-webhook latency.
    "POLL_INTERVAL": env_float("WORKER_POLL_INTERVAL", 0.2),
    # How often a worker checks whether a periodic job is due (one worker of all of them runs it).
    "BEAT_INTERVAL": env_float("WORKER_BEAT_INTERVAL", 1),
    # name: (function, every N seconds). Each run is a task; a job never runs twice at once.
    "PERIODIC_JOBS": {
        "scheduled-publishing": (
            "publishing.scheduling.publish_scheduled",
            env_float("SCHEDULED_PUBLISHING_INTERVAL", 10),
        ),
        # Changes a process committed but died before telling; go-live and expiry as the clock passes them;
        # stored pages waiting to be made again.
        "public-changes": ("publishing.events.flush_left_behind", 5),
        "public-windows": ("publishing.events.sweep_windows", 5),
        "public-stale-pages": ("publishing.store.refresh_stale_all", 5),
        "webhook-deliveries": ("webhooks.delivery.resume_overdue", env_float("WEBHOOKS_RESUME_INTERVAL", 5)),
        "webhook-log-cleanup": ("webhooks.delivery.prune_old", 3600),
        "search-upkeep": ("search.upkeep.run", 3600),
        "task-results-cleanup": ("worker.upkeep.prune_task_results", 3600),
        # Tasks and leases of workers that stopped beating (killed outright) are handed back (worker/liveness.py).
        "worker-reclaim": ("worker.liveness.reclaim", env_float("WORKER_RECLAIM_INTERVAL", 5)),
    },
    # Each worker writes a heartbeat this often; one silent for HEARTBEAT_TIMEOUT seconds is taken for dead.
    # The timeout must outlast a database restart or a long pause, or a live worker's task runs twice;
    # below the webhook delivery lease (60 s), so a dead worker's delivery is sent again before that lapses.
    "HEARTBEAT_INTERVAL": env_float("WORKER_HEARTBEAT_INTERVAL", 5),
    "HEARTBEAT_TIMEOUT": env_float("WORKER_HEARTBEAT_TIMEOUT", 30),
    # Finished task rows are kept this long (the queue table stays small).
    "TASK_RESULTS_RETENTION_DAYS": env_int("TASK_RESULTS_RETENTION_DAYS", 7),
}

# Webhooks to frontends (docs/webhooks.md).
WEBHOOKS = {
    # Seconds to wait after failed attempt 1, 2, ...; after the last the delivery is marked failed.
    "RETRY_DELAYS": [float(d) for d in env_list("WEBHOOKS_RETRY_DELAYS", "30,120,600,3600,21600")],
    "TIMEOUT": env_float("WEBHOOKS_TIMEOUT", 10),
    # Deliveries and their attempt logs are deleted this long after they finished.
    "RETENTION_DAYS": env_int("WEBHOOKS_RETENTION_DAYS", 30),
    # Host names or networks (CIDR) that may resolve to loopback, private or link-local addresses.
    # Everything else that does is refused, when an endpoint is saved and again at each delivery.
    "ALLOWED_PRIVATE_HOSTS": env_list("WEBHOOKS_ALLOWED_PRIVATE_HOSTS"),
}

GRAPHENE = {"SCHEMA": "api.schema.schema"}

# The public API never sends credentials cross-origin; origins come from the environment.
CORS_URLS_REGEX = r"^/graphql/?$"
CORS_ALLOWED_ORIGINS = env_list("CORS_ALLOWED_ORIGINS")
CORS_ALLOW_CREDENTIALS = False
CORS_ALLOW_METHODS = ["GET", "POST", "OPTIONS"]

API = {
    "GRAPHIQL": env_bool("GRAPHQL_GRAPHIQL", False),
    "INTROSPECTION": env_bool("GRAPHQL_INTROSPECTION", False),
    # Headless preview: the frontend page that takes `?token=` and calls `page(token:)`.
    "PREVIEW_FRONTEND_URL": os.environ.get("PREVIEW_FRONTEND_URL", ""),
    "PREVIEW_TOKEN_MAX_AGE": env_int("PREVIEW_TOKEN_MAX_AGE", 3600),
    # Server-side cache of anonymous GET answers, dropped on every publish (see api/caching.py).
    # The timeout bounds how late scheduled go-live/expiry shows, since those send no signal.
    "RESPONSE_CACHE": env_bool("GRAPHQL_RESPONSE_CACHE", True),
    "RESPONSE_CACHE_TIMEOUT": env_int("GRAPHQL_RESPONSE_CACHE_TIMEOUT", 60),
    "RESPONSE_CACHE_ALIAS": "default",
    # Browser/CDN freshness of GET answers; ETag revalidation (304) makes a short max-age cheap.
    "CACHE_MAX_AGE": env_int("GRAPHQL_CACHE_MAX_AGE", 1),
    # Off by default: a shared cache could otherwise go on serving an unpublished page that long.
    "CACHE_STALE_WHILE_REVALIDATE": env_int("GRAPHQL_CACHE_STALE_WHILE_REVALIDATE", 0),
    # How long a process trusts the content version it read (publishing/version.py): the bound on how
    # long another process's publish can take to show. Publishes in the same process show at once.
    "CONTENT_VERSION_TTL": env_float("GRAPHQL_CONTENT_VERSION_TTL", 0.25),
    # Automatic persisted queries (Apollo APQ); allow-list mode runs only registered documents.
    "PERSISTED_QUERIES_ONLY": env_bool("GRAPHQL_PERSISTED_QUERIES_ONLY", False),
    # Anyone may register automatic persisted queries: each is kept a day, and at most so many a day are taken.
    "PERSISTED_QUERY_TIMEOUT": env_int("GRAPHQL_PERSISTED_QUERY_TIMEOUT", 24 * 3600),
    "PERSISTED_QUERY_MAX_PER_DAY": env_int("GRAPHQL_PERSISTED_QUERY_MAX_PER_DAY", 5000),
}

PUBLISHING = {
    # What each server process keeps of public content it read (publishing/memo.py), least recently used out first.
    "MEMO_BYTES": env_int("PUBLIC_MEMO_MEGABYTES", 32) * 1024 * 1024,
    # Search answers apart, so a crawl through many pages does not push out the popular searches.
    "SEARCH_MEMO_BYTES": env_int("SEARCH_MEMO_MEGABYTES", 8) * 1024 * 1024,
}

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "cms",
    }
}
if os.environ.get("REDIS_URL"):
    CACHES["default"] = {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": os.environ["REDIS_URL"],
        # Redis down or stalled: every cache call fails fast and the request goes on from the database.
        # Without timeouts a paused Redis would hold each request until the kernel gave up on it.
        "OPTIONS": {
            "IGNORE_EXCEPTIONS": True,
            "SOCKET_CONNECT_TIMEOUT": env_float("REDIS_CONNECT_TIMEOUT", 0.25),
            "SOCKET_TIMEOUT": env_float("REDIS_TIMEOUT", 0.5),
        },
    }


def logging_setting(default_format: str) -> dict:
    """Console logs as JSON lines (LOG_FORMAT=json, production's default) or plain text (ops/logs.py)."""
    log_format = os.environ.get("LOG_FORMAT") or default_format
    if log_format not in FORMATS:
        raise ImproperlyConfigured(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, got {log_format!r}")
    # Wagtail logs every page action and background task at INFO; keep them for the audit log only
    # (each task run gets one line of its own from ops/tasks.py).
    return logging_config(
        log_format,
        level=os.environ.get("LOG_LEVEL", "INFO"),
        quiet_level=os.environ.get("LOG_LEVEL_WAGTAIL", "WARNING"),
        quiet=("wagtail", "django_tasks", "django_tasks_db", "django.tasks", "modelsearch"),
    )


LOGGING = logging_setting("text")

# Password guessing on the admin login and page password forms (cms/throttling.py); 0 turns it off.
LOGIN_THROTTLE = {
    "ATTEMPTS": env_int("LOGIN_THROTTLE_ATTEMPTS", 5),
    "WINDOW_SECONDS": env_int("LOGIN_THROTTLE_WINDOW_SECONDS", 900),
}
# How many reverse proxies in front of the app append to X-Forwarded-For (0: use the connection's address).
NUM_PROXIES = env_int("NUM_PROXIES", 0)

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "SAMEORIGIN"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Content-Security-Policy and Permissions-Policy (ops/headers.py); report-only to try a change of policy first.
SECURITY_HEADERS = {
    "CONTENT_SECURITY_POLICY": env_bool("CONTENT_SECURITY_POLICY", True),
    "CONTENT_SECURITY_POLICY_REPORT_ONLY": env_bool("CONTENT_SECURITY_POLICY_REPORT_ONLY", False),
    "PERMISSIONS_POLICY": True,
}
# The admin calls no other site: editors' e-mail addresses (hashed) would go to gravatar.com with every admin
# page (the admin shows initials instead), and its dashboard would ask releases.wagtail.org for Wagtail's
# latest version (upgrades are the operators' business). The admin's policy (ops/headers.py) would block both.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False

# Per-client limits on the API's expensive requests (ops/ratelimit.py, api/rate_limits.py): so many per
# client in each window, counted in the shared cache; 0 turns one off. Off in development.
RATE_LIMITS = {
    "ENABLED": env_bool("RATE_LIMITS", True),
    "WINDOW_SECONDS": env_int("RATE_LIMIT_WINDOW_SECONDS", 60),
    "LIMITS": {
        # Uncached POST queries (GETs are cached and not counted).
        "post": env_int("RATE_LIMIT_POST", 120),
        # Each `siteSearch` run, GET or POST.
        "search": env_int("RATE_LIMIT_SEARCH", 30),
        # Each `searchSuggest` run: a search box asks as the user types.
        "suggest": env_int("RATE_LIMIT_SUGGEST", 120),
    },
    # Networks (CIDR) never limited: a frontend's servers that call the API for all their visitors.
    "EXEMPT": env_list("RATE_LIMIT_EXEMPT"),
    "CACHE_ALIAS": "default",
}
