from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = "Søk"

    def ready(self):
        # Signal receivers: synonym cache, keeping the search index in step with public content.
        from . import indexing, synonyms  # noqa: F401

        indexing.connect()
