"""Local development: debug on, GraphiQL and introspection on, a throwaway secret."""

import os

from .base import *  # noqa: F403
from .base import API, RATE_LIMITS, SECURITY_HEADERS, WEBHOOKS, env_bool, env_list

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
# No rate limits while developing; and no Content-Security-Policy, which would blank Django's debug pages
# (their styles and scripts are inline). The browser tests check the policy with production's settings.
RATE_LIMITS = {**RATE_LIMITS, "ENABLED": env_bool("RATE_LIMITS", False)}
SECURITY_HEADERS = {**SECURITY_HEADERS, "CONTENT_SECURITY_POLICY": env_bool("CONTENT_SECURITY_POLICY", False)}
