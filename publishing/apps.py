from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "publishing"
    verbose_name = "Publisering"

    def ready(self):
        from django.db.models.signals import post_migrate

        from . import signals

        # Here rather than in a URL-loaded module, so changes made by management commands and the worker count too.
        signals.connect()
        post_migrate.connect(_locales_after_migrate, sender=self)
        post_migrate.connect(_store_after_migrate, sender=self)


def _locales_after_migrate(**kwargs):
    from .languages import ensure_locales

    ensure_locales()


def _store_after_migrate(using="default", **kwargs):
    """A database that has pages but no stored public form yet (new, or from before the store) gets one."""
    from wagtail.models import Page

    from .models import PublicPage
    from .store import rebuild

    if not PublicPage.objects.using(using).exists() and Page.objects.using(using).filter(depth__gt=1).exists():
        rebuild()
