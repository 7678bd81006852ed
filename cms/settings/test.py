"""Test runs: fast hashing, temporary media; GraphiQL and introspection on (tests switch them off to check production)."""

import os
import tempfile

from .base import *  # noqa: F403
from .base import API, RATE_LIMITS, WEBHOOKS, env_bool, env_float, task_backend

DEBUG = False
SECRET_KEY = "test-only-key-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="cms-test-media-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Changes made in this process drop the version lease at once; a long lease keeps slow test machines from
# reading the version again mid-test (tests of the lease set their own; tests that run several processes set
# GRAPHQL_CONTENT_VERSION_TTL to production's).
API = {
    **API,
    "GRAPHIQL": True,
    "INTROSPECTION": True,
    "CONTENT_VERSION_TTL": env_float("GRAPHQL_CONTENT_VERSION_TTL", 30),
}
WAGTAILADMIN_BASE_URL = "http://testserver"
# Statistics are written as each search ends, so tests can read them at once.
SEARCH_STATISTICS_FLUSH_SECONDS = 0
# Tasks run inside the call that enqueues them; tests of the worker process set TASKS_BACKEND=database.
TASKS = task_backend(os.environ.get("TASKS_BACKEND", "immediate"))
# Receivers in tests listen on this machine.
WEBHOOKS = {**WEBHOOKS, "ALLOWED_PRIVATE_HOSTS": ["localhost", "127.0.0.1", "::1"]}
# Tests send many queries from one address; the rate-limit tests switch the limits on.
RATE_LIMITS = {**RATE_LIMITS, "ENABLED": env_bool("RATE_LIMITS", False)}
