"""What counts as a change of public content, and what happens then.

Publishing, unpublishing, moving, restricting or deleting a page refreshes
the stored public form of its subtree (`publishing.store`) in the same
transaction. Publishing or unpublishing a contact person, and saving or
deleting a document, an image or a collection restriction, marks the stored
pages that show them for the worker to make again. Anything else the public
sees (sites, redirects, promotions, synonyms, settings, the persisted-query
allow-list) bumps the content version, so every cache drops what it kept.

Draft saves change nothing: the live page is unchanged. Scheduled go-live and
expiry need no signal: readers apply the stored windows with the clock.
"""

from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_delete
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection, CollectionViewRestriction, Page, PageViewRestriction, Site
from wagtail.signals import page_published, page_unpublished, post_page_move, published, unpublished

from content_models.models import ContactPerson

from . import store
from .events import pending_changes
from .languages import default_language, language_of
from .models import PublicPage
from .version import bump_content_version
from .visibility import snippet_is_public

# Saving these changes what the public sees, outside the stored page form.
INVALIDATING_MODELS = {
    "wagtailcore.locale",
    "wagtailredirects.redirect",
    "wagtailsearchpromotions.searchpromotion",
    "content_models.organisationsettings",
    "search.synonym",
    # The allow-list of persisted queries: a removed document must stop being answered.
    "api.persistedquery",
}
# Wagtail writes these when an editor saves a draft; the live object is unchanged.
DRAFT_ONLY_FIELDS = {
    "draft_title",
    "latest_revision",
    "latest_revision_created_at",
    "has_unpublished_changes",
    "locked",
    "locked_at",
    "locked_by",
}


def _historical(sender) -> bool:
    # Migrations save through historical models, before this app's tables may exist; nothing is served then.
    return sender.__module__ == "__fake__"


def _draft_only(update_fields) -> bool:
    return bool(update_fields) and set(update_fields) <= DRAFT_ONLY_FIELDS


# Pages ---------------------------------------------------------------------------


def _page_changed(sender, instance, **kwargs):
    # Read again: a move updates paths in the database, not on the instance it signals with.
    page = Page.objects.filter(pk=instance.pk).first()
    if page is not None:
        store.refresh_subtree(page)


def _refresh_followers(pages):
    """Refresh what shows the content of pages in these (just refreshed) subtrees from elsewhere in the tree.

    Their translations (a restriction on or above a page hides its translations) and their aliases (an alias
    is hidden wherever its original is restricted) are not below them, so refreshing a subtree does not reach
    them; nor does it reach what follows those in turn. Language trees mostly mirror each other, so most
    followers lie below a subtree already refreshed and are skipped.
    """
    done = [page.path for page in pages]
    frontier = list(pages)
    while frontier:
        under = Q()
        for page in frontier:
            under |= Q(path__startswith=page.path)
        below = Page.objects.filter(under)
        followers = Page.objects.filter(
            Q(translation_key__in=below.values("translation_key")) | Q(alias_of__in=below.values("pk"))
        ).order_by("path")
        frontier = []
        for follower in followers.only("pk", "path"):
            if not any(follower.path.startswith(path) for path in done):
                store.refresh_subtree(follower)
                done.append(follower.path)
                frontier.append(follower)


def _page_moved(sender, instance, parent_page_before=None, parent_page_after=None, **kwargs):
    # A move shifts the paths of siblings too, in the old place and the new one.
    for parent in {parent_page_before.pk, parent_page_after.pk} if parent_page_before and parent_page_after else ():
        page = Page.objects.filter(pk=parent).first()
        if page is not None:
            store.refresh_subtree(page)
    _page_changed(sender, instance)
    # Moved under a restricted page, the moved pages' translations and aliases elsewhere are hidden with them.
    # A new order among the same siblings changes no restriction on the way up.
    same_parent = parent_page_before is not None and parent_page_after is not None
    same_parent = same_parent and parent_page_before.pk == parent_page_after.pk
    moved = Page.objects.filter(pk=instance.pk).first()
    if moved is not None and not same_parent:
        _refresh_followers([moved])


def _page_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or _historical(sender) or _draft_only(update_fields):
        return
    store.refresh_subtree(instance)


def _restriction_changed(sender, instance, **kwargs):
    # A restriction hides the page's translations too (they show the same content).
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        translations = list(Page.objects.filter(translation_key=page.translation_key))
        for translation in translations:
            store.refresh_subtree(translation)
        _refresh_followers(translations)


@transaction.atomic
def _page_deleting(sender, instance, **kwargs):
    # Wagtail unpublishes a live page as it deletes it; that must not store it again (`store.deleting`).
    store.deleting(instance.pk)
    # Before the rows go (they cascade with the page): what the public could see of it.
    changes = pending_changes()
    for row in PublicPage.objects.filter(page_id=instance.pk).select_related("site"):
        if row.window.contains(timezone.now()):
            item = {"type": "page", "id": row.page_id, "locale": row.locale}
            changes.add(
                "page.deleted", row.site.hostname, item=item, paths=[row.url_path], tags=[f"page:{row.page_id}"]
            )


@transaction.atomic
def _page_deleted(sender, instance, **kwargs):
    bump_content_version()
    store.forget_page(instance.pk)
    store.deleted(instance.pk)
    changes = pending_changes()
    store.mark_referrers_stale("page", [instance.pk], changes)
    changes.save()


# Snippets, documents, images ---------------------------------------------------


def _announce(event: str, item: dict, shown: list[tuple[str, str, int]], *, everywhere: bool):
    """Add a change of a shown item: the paths of the pages showing it, per site."""
    changes = pending_changes()
    tag = f"{item['type']}:{item['id']}"
    sites = {site for site, _, _ in shown}
    if everywhere:
        # Lists of it (`contactPeople`) change in every site, shown on a page or not.
        sites |= set(Site.objects.values_list("hostname", flat=True))
    for site in sites:
        here = [(path, page_id) for where, path, page_id in shown if where == site]
        changes.add(
            event,
            site,
            item=item,
            paths=[path for path, _ in here],
            tags=[tag, *(f"page:{page_id}" for _, page_id in here)],
        )
    changes.save()


@transaction.atomic
def _contact_changed(instance, *, unpublished: bool = False):
    bump_content_version()
    public = snippet_is_public(instance) and not unpublished
    shown = store.pages_showing("contact", [instance.pk])
    if public or shown or unpublished:
        event = "contact.published" if public else "contact.unpublished"
        item = {"type": "contact", "id": instance.pk, "locale": language_of(instance)}
        _announce(event, item, shown, everywhere=True)
    store.mark_referrers_stale("contact", store.with_translations(ContactPerson, [instance.pk]))


def _snippet_published(sender, instance, **kwargs):
    if isinstance(instance, ContactPerson):
        _contact_changed(instance, unpublished=kwargs.get("signal") is unpublished)


def _snippet_saved(sender, instance, update_fields=None, raw=False, **kwargs):
    if raw or _historical(sender) or _draft_only(update_fields):
        return
    if isinstance(instance, ContactPerson):
        _contact_changed(instance)


@transaction.atomic
def _shown_item_changed(kind: str, pks):
    bump_content_version()
    for pk in pks:
        shown = store.pages_showing(kind, [pk])
        if shown:
            item = {"type": kind, "id": pk, "locale": default_language()}
            _announce(f"{kind}.changed", item, shown, everywhere=False)
    store.mark_referrers_stale(kind, pks)


def _document_changed(sender, instance, raw=False, **kwargs):
    if not raw and not _historical(sender):
        _shown_item_changed("document", [instance.pk])


def _image_changed(sender, instance, raw=False, **kwargs):
    if not raw and not _historical(sender):
        _shown_item_changed("image", [instance.pk])


def _collection_changed(sender, instance, raw=False, **kwargs):
    # A restriction on a collection hides or shows every document and image in it and below it.
    if raw or _historical(sender):
        return
    collection = instance if isinstance(instance, Collection) else instance.collection
    below = Collection.objects.filter(path__startswith=collection.path)
    documents = get_document_model().objects.filter(collection__in=below).values_list("pk", flat=True)
    images = get_image_model().objects.filter(collection__in=below).values_list("pk", flat=True)
    _shown_item_changed("document", list(documents))
    _shown_item_changed("image", list(images))


# Everything else -----------------------------------------------------------------


def _site_changed(sender, instance, raw=False, **kwargs):
    # A new root or host name changes every path of the site: rare enough to make it all again.
    if not raw and not _historical(sender):
        store.rebuild(instance)


def _other_saved(sender, instance=None, update_fields=None, raw=False, **kwargs):
    if raw or _historical(sender) or sender._meta.label_lower not in INVALIDATING_MODELS:
        return
    bump_content_version()


def connect():
    uid = "publishing.signals"
    for signal in (page_published, page_unpublished):
        signal.connect(_page_changed, dispatch_uid=f"{uid}.page.{signal!r}")
    post_page_move.connect(_page_moved, dispatch_uid=f"{uid}.page.moved")
    post_save.connect(_page_saved_any, dispatch_uid=f"{uid}.post_save")
    post_delete.connect(_deleted_any, dispatch_uid=f"{uid}.post_delete")
    pre_delete.connect(_deleting_any, dispatch_uid=f"{uid}.pre_delete")
    for signal in (published, unpublished):
        signal.connect(_snippet_published, dispatch_uid=f"{uid}.snippet.{signal!r}")


def _page_saved_any(sender, **kwargs):
    if issubclass(sender, Page):
        _page_saved(sender, **kwargs)
    elif issubclass(sender, PageViewRestriction):
        _restriction_changed(sender, **kwargs)
    elif issubclass(sender, ContactPerson):
        _snippet_saved(sender, **kwargs)
    elif issubclass(sender, get_document_model()):
        _document_changed(sender, **kwargs)
    elif issubclass(sender, get_image_model()):
        _image_changed(sender, **kwargs)
    elif issubclass(sender, (Collection, CollectionViewRestriction)):
        _collection_changed(sender, **kwargs)
    elif issubclass(sender, Site):
        _site_changed(sender, **kwargs)
    else:
        _other_saved(sender, **kwargs)


def _deleting_any(sender, **kwargs):
    if issubclass(sender, Page) and not _historical(sender):
        _page_deleting(sender, **kwargs)


def _deleted_any(sender, **kwargs):
    if _historical(sender):
        return
    if issubclass(sender, Page):
        _page_deleted(sender, **kwargs)
    elif issubclass(sender, PageViewRestriction):
        _restriction_changed(sender, **kwargs)
    elif issubclass(sender, ContactPerson):
        _contact_changed(kwargs["instance"])
    elif issubclass(sender, get_document_model()):
        _document_changed(sender, **kwargs)
    elif issubclass(sender, get_image_model()):
        _image_changed(sender, **kwargs)
    elif issubclass(sender, (Collection, CollectionViewRestriction)):
        _collection_changed(sender, **kwargs)
    elif issubclass(sender, Site):
        bump_content_version()
    else:
        _other_saved(sender, **kwargs)
