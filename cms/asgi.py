import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")
# Web requests get the statement timeout (cms/settings/production.py); commands and the worker do not.
os.environ["CMS_SERVES_REQUESTS"] = "1"

application = get_asgi_application()
