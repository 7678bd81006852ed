"""Test runs: fast hashing, temporary media; GraphiQL and introspection on (tests switch them off to check production)."""

import tempfile

from .base import *  # noqa: F403
from .base import API

DEBUG = False
SECRET_KEY = "test-only-key-not-secret"  # noqa: S105
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = tempfile.mkdtemp(prefix="cms-test-media-")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Tests change content and clear caches between requests of one process: every request reads the
# version afresh (tests of the lease itself set a TTL).
API = {**API, "GRAPHIQL": True, "INTROSPECTION": True, "CONTENT_VERSION_TTL": 0}
WAGTAILADMIN_BASE_URL = "http://testserver"
# Statistics are written as each search ends, so tests can read them at once.
SEARCH_STATISTICS_FLUSH_SECONDS = 0
