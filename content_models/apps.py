from django.apps import AppConfig


class ContentModelsConfig(AppConfig):
    name = "content_models"
    label = "content_models"
    verbose_name = "Innhold"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .preview_tokens import connect_revocation

        connect_revocation()
