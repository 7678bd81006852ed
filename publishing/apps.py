from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = "Publisering"

    def ready(self):
        from . import signals

        # Here rather than in a URL-loaded module, so changes made by management commands and the worker count too.
        signals.connect()
