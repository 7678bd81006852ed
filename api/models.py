from django.db import models


class PersistedQuery(models.Model):
    """A query document registered ahead of time: the allow-list in `PERSISTED_QUERIES_ONLY` mode.

    Registered with `manage.py register_persisted_queries`, by the frontend's build.
    """

    sha256 = models.CharField("SHA-256", max_length=64, primary_key=True)
    query = models.TextField("spørring")
    name = models.CharField("navn", max_length=200, blank=True)
    created_at = models.DateTimeField("registrert", auto_now_add=True)

    class Meta:
        verbose_name = "lagret spørring"
        verbose_name_plural = "lagrede spørringer"

    def __str__(self) -> str:
        return self.name or self.sha256[:12]
