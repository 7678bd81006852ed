from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "GraphQL-API"

    def ready(self):
        from . import persisted

        persisted.connect_signals()
