"""What counts as a change of public content, and what happens then.

Publishing, unpublishing, moving or deleting a page, publishing or
unpublishing a snippet, and saving or deleting anything else the public sees
bump the content version (`publishing.version`). Draft saves do not: the live
page is unchanged. Scheduled go-live and expiry send no signal; readers bound
what they keep by the next scheduled time instead.
"""

from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move, published, unpublished

from .version import bump_content_version

# Saving these (or any page type) changes what the public sees.
INVALIDATING_MODELS = {
    "wagtailcore.site",
    "wagtailcore.locale",
    "wagtailcore.pageviewrestriction",
    "wagtailcore.collection",
    "wagtailcore.collectionviewrestriction",
    "wagtaildocs.document",
    "wagtailimages.image",
    "wagtailredirects.redirect",
    "wagtailsearchpromotions.searchpromotion",
    "content_models.contactperson",
    "content_models.organisationsettings",
    "search.synonym",
    # The allow-list of persisted queries: a removed document must stop being answered.
    "api.persistedquery",
}
# Wagtail writes these when an editor saves a draft; the live page is unchanged.
DRAFT_ONLY_FIELDS = {
    "draft_title",
    "latest_revision",
    "latest_revision_created_at",
    "has_unpublished_changes",
    "locked",
    "locked_at",
    "locked_by",
}


def content_changed(**kwargs):
    bump_content_version()


def _historical(sender) -> bool:
    # Migrations save through historical models, before this app's table may exist; nothing is served then.
    return sender.__module__ == "__fake__"


def _model_saved(sender, instance=None, update_fields=None, **kwargs):
    if _historical(sender):
        return
    if issubclass(sender, Page):
        if update_fields and set(update_fields) <= DRAFT_ONLY_FIELDS:
            return
    elif sender._meta.label_lower not in INVALIDATING_MODELS:
        return
    content_changed()


def _model_deleted(sender, **kwargs):
    if _historical(sender):
        return
    if issubclass(sender, Page) or sender._meta.label_lower in INVALIDATING_MODELS:
        content_changed()


def connect():
    for signal in (page_published, page_unpublished, post_page_move, published, unpublished):
        signal.connect(content_changed, dispatch_uid=f"publishing.signals.{signal!r}")
    post_save.connect(_model_saved, dispatch_uid="publishing.signals.post_save")
    post_delete.connect(_model_deleted, dispatch_uid="publishing.signals.post_delete")
