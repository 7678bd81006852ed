from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "GraphQL-API"

    def ready(self):
        from django.core import checks

        from . import content_version, graphiql, persisted

        # Here rather than in a URL-loaded module, so publishing from a management command invalidates too.
        content_version.connect_signals()
        persisted.connect_signals()
        checks.register(graphiql.check_assets)
