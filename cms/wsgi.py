import gc
import os
from importlib import import_module

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")
# Web requests get the statement timeout (cms/settings/production.py); commands and the worker do not.
os.environ["CMS_SERVES_REQUESTS"] = "1"

application = get_wsgi_application()
# What is loaded now lives as long as the process (the URLconf, the GraphQL schema). Frozen
# out of the garbage collector's sight, a full collection no longer walks it: such collections stalled
# every thread of a worker for 0.26-0.34 s, several times a minute under load (docs/performance.md).
get_resolver().url_patterns  # noqa: B018 -- loads the URLconf now rather than on the first request
import_module("api.schema")  # which the GraphQL view loads on its first request
gc.collect()
gc.freeze()
