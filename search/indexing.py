"""When public content changes, the search index follows (the producer of change events for search).

Until the publishing app sends one `public_content_changed` signal with what
changed, this module listens to Django's and Wagtail's own signals and calls
`search.store`; it is the one module to replace then. Everything runs in the
writing request, at once, so a publish is searchable the moment it returns.

- a page saved (other than a draft save), published or unpublished: that page;
  its subtree too when its public path, window or liveness changed;
- a page moved: the subtree (every public path changed);
- a page deleted: its rows go (and its terms from the vocabulary);
- a view restriction added or removed: the subtree (and aliases of its pages);
- a contact person saved, published or unpublished: every page that shows them
  (Wagtail's reference index);
- a site saved or deleted: that site, rebuilt.
"""

from django.contrib.contenttypes.models import ContentType
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.dispatch import receiver
from wagtail.models import Page, PageViewRestriction, ReferenceIndex, Site
from wagtail.signals import page_unpublished, post_page_move, published, unpublished

from api.content_version import DRAFT_ONLY_FIELDS
from content_models.models import ContactPerson

from . import store
from .models import IndexedPage


def pages_showing(person) -> list[int]:
    page_type = ContentType.objects.get_for_model(Page)
    ids = (
        ReferenceIndex.get_references_to(person).filter(base_content_type=page_type).values_list("object_id", flat=True)
    )
    return [int(pk) for pk in ids]


def refresh_page(page):
    before = IndexedPage.objects.filter(page_id=page.pk).values_list("url_path", "go_live_at", "expire_at").first()
    store.refresh([page.pk])
    after = IndexedPage.objects.filter(page_id=page.pk).values_list("url_path", "go_live_at", "expire_at").first()
    if page.numchild and before != after:
        store.refresh_subtree(page)


def _page_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or not isinstance(instance, Page):
        return
    if update_fields and set(update_fields) <= DRAFT_ONLY_FIELDS:
        return
    refresh_page(instance)


def _page_unpublished(sender, instance, **kwargs):
    refresh_page(instance)


def _page_moved(sender, instance, **kwargs):
    store.refresh_subtree(instance)


def _page_deleting(sender, instance, **kwargs):
    # Wagtail announces a deleted live page as unpublished while it is still in the database;
    # indexing it then would leave a row pointing at a deleted page.
    if isinstance(instance, Page):
        store.deleting(instance.pk)
        store.remove([instance.pk])


def _page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page):
        store.deleted(instance.pk)


@receiver([post_save, post_delete], sender=PageViewRestriction)
def _restriction_changed(sender, instance, **kwargs):
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        store.refresh_subtree(page)


@receiver(post_save, sender=ContactPerson)
def _contact_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        store.refresh(pages_showing(instance))


def _contact_published(sender, instance, **kwargs):
    if isinstance(instance, ContactPerson):
        store.refresh(pages_showing(instance))


@receiver(pre_save, sender=Site)
def _site_saving(sender, instance, **kwargs):
    instance._search_root_before = Site.objects.filter(pk=instance.pk).values_list("root_page_id", flat=True).first()


@receiver(post_save, sender=Site)
def _site_saved(sender, instance, raw=False, **kwargs):
    # Paths are stored relative to the site's root; a new host name changes nothing indexed.
    if not raw and getattr(instance, "_search_root_before", None) != instance.root_page_id:
        store.rebuild([instance])


def connect():
    post_save.connect(_page_saved, dispatch_uid="search.indexing.page_saved")
    pre_delete.connect(_page_deleting, dispatch_uid="search.indexing.page_deleting")
    post_delete.connect(_page_deleted, dispatch_uid="search.indexing.page_deleted")
    page_unpublished.connect(_page_unpublished, dispatch_uid="search.indexing.page_unpublished")
    post_page_move.connect(_page_moved, dispatch_uid="search.indexing.page_moved")
    for signal in (published, unpublished):
        signal.connect(_contact_published, dispatch_uid=f"search.indexing.contact.{signal!r}")
