from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Søk"

    def ready(self):
        # Signal receivers: synonym cache, contact re-indexing.
        from . import indexing, synonyms  # noqa: F401
