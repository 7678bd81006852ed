from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = "GraphQL-API"

    def ready(self):
        from django.core import checks

        from . import graphiql

        checks.register(graphiql.check_assets)
