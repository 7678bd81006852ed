import logging

from django.apps import AppConfig
from django.conf import settings


class OpsConfig(AppConfig):
    name = "ops"
    verbose_name = "Drift"

    def ready(self):
        from . import tasks

        tasks.connect()
        if settings.LOGGING.get("handlers", {}).get("console", {}).get("formatter") == "json":
            # Python's warnings are written straight to stderr otherwise: the one line a shipper could not read.
            logging.captureWarnings(True)
