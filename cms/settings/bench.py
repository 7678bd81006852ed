"""Benchmark server (`make bench`): production settings plus the comparison endpoints.

Production hardening stays on, except the HTTPS redirect (the benchmark talks
plain HTTP on loopback). The secret key is generated per run by bench/run.py.
Wagtail's REST API v2 and a bare JSON view are mounted here only, in
`bench.urls`, never in the real site.
"""

import os

from .production import *  # noqa: F403
from .production import DATABASES, INSTALLED_APPS, RATE_LIMITS

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
# Production's per-client limits stay on. The load generators stand for the site's own frontend servers,
# exempt as docs/operations.md advises; hostile traffic comes from another address (bench/hostile.py).
RATE_LIMITS = {**RATE_LIMITS, "EXEMPT": [*RATE_LIMITS["EXEMPT"], "127.0.0.1/32"]}
ROOT_URLCONF = "bench.urls"
INSTALLED_APPS = [*INSTALLED_APPS, "wagtail.api.v2", "rest_framework"]
# The API renders no templates; skip the collectstatic manifest the production storage needs.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
# A query that runs longer than a client would wait only steals CPU from the scenarios being timed;
# the setup (page generation, store rebuild, indexing) runs as commands, without the timeout.
if os.environ.get("CMS_SERVES_REQUESTS"):
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c statement_timeout=10000"
