from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "GraphQL-API"

    def ready(self):
        from .content_version import connect_signals

        # Here rather than in a URL-loaded module, so publishing from a management command invalidates too.
        connect_signals()
