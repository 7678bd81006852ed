from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "webhooks"
    verbose_name = "Webhooks"

    def ready(self):
        from . import producers

        # Here rather than in a URL-loaded module: the worker's scheduled publishing produces events too.
        producers.connect()
