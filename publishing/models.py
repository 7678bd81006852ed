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


class PublicPage(models.Model):
    """One public page as every channel shows it: a stored `publishing.records.PageRecord`.

    Rows exist for pages that are *members* of a site's public tree (see
    `publishing.visibility`); readers add the time window (`visible_from` /
    `visible_until`), so scheduled go-live and expiry take effect on the
    second with no writes. `stale` marks a body that shows something changed
    since it was made; readers make such a body again until the worker has
    stored the new one.
    """

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    locale = models.CharField(max_length=16)
    translation_key = models.UUIDField(db_index=True)
    path = models.CharField(max_length=255)
    depth = models.PositiveIntegerField()
    parent_id = models.BigIntegerField(null=True)
    url_path = models.TextField()
    slug = models.CharField(max_length=255)
    title = models.CharField(max_length=255)
    seo_title = models.CharField(max_length=255, blank=True)
    search_description = models.TextField(blank=True)
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE, related_name="+")
    type_name = models.CharField(max_length=100)
    show_in_menus = models.BooleanField(default=False)
    first_published_at = models.DateTimeField(null=True)
    last_published_at = models.DateTimeField(null=True)
    visible_from = models.DateTimeField(null=True)
    visible_until = models.DateTimeField(null=True)
    valid_until = models.DateTimeField(null=True)
    data = models.JSONField(default=dict)
    stale = models.BooleanField(default=False)
    refreshed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "publisert side (lagret form)"
        verbose_name_plural = "publiserte sider (lagret form)"
        constraints = [
            models.UniqueConstraint(fields=["site", "page"], name="publicpage_site_page"),
            models.UniqueConstraint(fields=["site", "url_path"], name="publicpage_site_url_path"),
        ]
        indexes = [
            models.Index(fields=["site", "path"], name="publicpage_site_path"),
            models.Index(fields=["site", "parent_id", "path"], name="publicpage_children"),
            models.Index(fields=["site", "slug"], name="publicpage_site_slug"),
            models.Index(fields=["site", "content_type", "path"], name="publicpage_site_type"),
            models.Index(fields=["visible_from"], name="publicpage_visible_from"),
            models.Index(fields=["visible_until"], name="publicpage_visible_until"),
            models.Index(fields=["valid_until"], name="publicpage_valid_until"),
            models.Index(fields=["stale"], name="publicpage_stale", condition=models.Q(stale=True)),
        ]

    def __str__(self) -> str:
        return self.url_path

    @property
    def window(self):
        from .visibility import Window

        return Window(self.visible_from, self.visible_until)


class PublicReference(models.Model):
    """Something a stored page's public form shows, visible or not: when it changes, the page is made again."""

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    page_id = models.BigIntegerField()
    kind = models.CharField(max_length=16)  # page, document, contact or image
    target_id = models.BigIntegerField()

    class Meta:
        verbose_name = "referanse"
        verbose_name_plural = "referanser"
        indexes = [
            models.Index(fields=["kind", "target_id"], name="publicreference_target"),
            models.Index(fields=["site", "page_id"], name="publicreference_source"),
        ]

    def __str__(self) -> str:
        return f"{self.page_id} → {self.kind}:{self.target_id}"


class PendingChange(models.Model):
    """A change of public content not yet told to its listeners (webhooks): an outbox row.

    Written in the same transaction as the change itself, so a change is told
    once it commits even if the process that made it dies right after: the
    worker sends what is left (`publishing.events.flush`).
    """

    batch = models.UUIDField(db_index=True)
    event = models.CharField(max_length=40)
    site = models.CharField(max_length=255)
    items = models.JSONField(default=list)
    paths = models.JSONField(default=list)
    tags = models.JSONField(default=list)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "endring som ikke er varslet"
        verbose_name_plural = "endringer som ikke er varslet"
        constraints = [models.UniqueConstraint(fields=["batch", "event", "site"], name="pendingchange_once")]

    def __str__(self) -> str:
        return f"{self.event} {self.site}"


class WindowSweep(models.Model):
    """One row: up to when scheduled go-live and expiry of stored pages have been told (`publishing.events`)."""

    swept_until = models.DateTimeField()

    class Meta:
        verbose_name = "tidsvindu-gjennomgang"
        verbose_name_plural = "tidsvindu-gjennomganger"

    def __str__(self) -> str:
        return self.swept_until.isoformat()
