"""Local development: debug on, GraphiQL and introspection on, a throwaway secret."""

import os

from .base import *  # noqa: F403
from .base import API, WEBHOOKS, env_bool, env_list

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or "dev-only-insecure-key-never-used-in-production"
ALLOWED_HOSTS = ["*"]
API = {
    **API,
    "GRAPHIQL": env_bool("GRAPHQL_GRAPHIQL", True),
    "INTROSPECTION": env_bool("GRAPHQL_INTROSPECTION", True),
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
# Frontends under development run on this machine.
WEBHOOKS = {
    **WEBHOOKS,
    "ALLOWED_PRIVATE_HOSTS": env_list("WEBHOOKS_ALLOWED_PRIVATE_HOSTS", "localhost,127.0.0.1,::1"),
}
