"""Production: refuses to start without a real secret; HTTPS hardening on."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, SECRET_KEY, env_bool, env_int, logging_setting

INSECURE_SECRET_MARKERS = ("insecure", "change-me", "changeme", "dev-only", "test-only")

if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or any(m in SECRET_KEY.lower() for m in INSECURE_SECRET_MARKERS):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a long random value in production "
        "(at least 50 characters), e.g. "
        "`python -c 'import secrets; print(secrets.token_urlsafe(64))'`."
    )

DEBUG = False
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
# Orchestrators probe the container over plain HTTP: a redirect to https would read as a failed probe.
SECURE_REDIRECT_EXEMPT = [r"^health/(live|ready)$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# Wagtail's live preview shows the page in a same-origin iframe, so SAMEORIGIN
# (set in base) is required; DENY would break editing.
SILENCED_SYSTEM_CHECKS = ["security.W019"]

# A backstop for anything the API's limits misjudge: no statement a web request runs takes longer than this
# (PostgreSQL). Only the web entry points (cms/wsgi.py, cms/asgi.py) set it: the worker and management commands
# (a whole-site store rebuild, a search reindex, a migration) legitimately run longer statements.
if DATABASES["default"]["ENGINE"].endswith("postgresql") and os.environ.get("CMS_SERVES_REQUESTS"):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        f"-c statement_timeout={env_int('DB_STATEMENT_TIMEOUT_MS', 10000)}"
    )

# One JSON object per line for the log shipper (ops/logs.py); LOG_FORMAT=text for reading by eye.
LOGGING = logging_setting("json")
