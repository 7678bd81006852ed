from django.db import models


class ContentVersion(models.Model):
    """One row: the number every cache of public content is keyed by (see `publishing.version`).

    It lives in the database, not in a cache, so every process (web workers, the
    task worker, management commands) sees a change exactly when the change
    itself commits, with or without Redis, and no eviction can lose it.
    """

    number = models.BigIntegerField()

    class Meta:
        verbose_name = "innholdsversjon"
        verbose_name_plural = "innholdsversjoner"

    def __str__(self) -> str:
        return str(self.number)
