import secrets

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from wagtail.models import Page


def new_key() -> str:
    return secrets.token_urlsafe(24)


class PreviewSnapshot(models.Model):
    """A page as an editor previewed it, for a headless frontend to fetch by signed token.

    Wagtail builds previews from unsaved form data that only the editor's
    session holds; the frontend runs elsewhere, so the previewed content is
    stored here for as long as its token lives.
    """

    key = models.CharField(max_length=64, unique=True, default=new_key, editable=False)
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="+")
    content = models.JSONField(encoder=DjangoJSONEncoder)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "forhåndsvisning"
        verbose_name_plural = "forhåndsvisninger"

    def __str__(self) -> str:
        return f"{self.page_id} @ {self.created_at:%Y-%m-%d %H:%M}"

    def as_page(self):
        return self.page.specific.with_content_json(self.content)
