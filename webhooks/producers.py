"""Where webhook events come from, until the public store sends `public_content_changed`.

The one module to replace then: everything else in the app takes events
through `webhooks.events.emit` and does not care who calls it.

What the public sees is decided by `publishing.visibility` alone, compared
before and after each change:

- a page or contact is announced when it is public after the change
  (`*.published`) or was public before it and is not after (`*.unpublished`);
  a page saved, or published with a go-live time still ahead, changes
  nothing public and sends nothing;
- `paths` are public paths before or after: the page (and, when its
  visibility or URL changed, its subtree), its parent's listing, and every
  public page that shows it (Wagtail's `ReferenceIndex`: contact blocks,
  page links, documents, images);
- a view restriction added to or removed from a page counts as
  unpublishing or publishing what it hides or shows;
- a scheduled expiry is compared with what the public saw just before the
  expiry time, so frontends hear of it even though the API already hid it.

`pre_save`/`post_save` carry the same instance, so the state before a save
travels on it. Moves arrive as a pre/post pair in one call; deletions
arrive page by page, and a subtree is announced once, by its first page.
"""

import threading
import time
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.utils import timezone
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, ReferenceIndex, Site
from wagtail.signals import post_page_move, pre_page_move

from publishing.signals import DRAFT_ONLY_FIELDS
from publishing.visibility import public_documents, public_images, public_pages, public_path, snippet_is_public

from . import events

CONTACT_MODEL = "content_models.ContactPerson"
SNIPPET_DRAFT_ONLY_FIELDS = {"latest_revision", "has_unpublished_changes", "locked", "locked_at", "locked_by"}
BEFORE = "_webhooks_public_before"
# Moves and deletions in flight in this thread; an entry left by one that raised is ignored after this long.
IN_FLIGHT_SECONDS = 60
_in_flight = threading.local()

# site hostname -> {page id: public path}
PublicView = dict[str, dict[int, str]]


def _table(name: str) -> dict:
    table = _in_flight.__dict__.setdefault(name, {})
    now = time.monotonic()
    for key in [key for key, (at, _value) in table.items() if now - at > IN_FLIGHT_SECONDS]:
        del table[key]
    return table


def _public(condition: Q, *, now=None, rewrite: tuple[str, str] | None = None) -> PublicView:
    """Public pages matching `condition`, per site; `rewrite` maps an old URL prefix not yet updated to the new."""
    view: PublicView = {}
    for site in Site.objects.select_related("root_page"):
        pages = {}
        for page in public_pages(site, now=now).filter(condition).only("pk", "url_path"):
            if rewrite and page.url_path.startswith(rewrite[0]):
                page.url_path = rewrite[1] + page.url_path[len(rewrite[0]) :]
            pages[page.pk] = public_path(page, site)
        if pages:
            view[site.hostname] = pages
    return view


def _ids(*views: PublicView) -> set[int]:
    return {pk for view in views for pages in view.values() for pk in pages}


def _referencing_page_ids(model, pks) -> set[int]:
    """Pages whose content shows one of these objects (contact blocks, links, documents, images)."""
    if not pks:
        return set()
    page_type = ContentType.objects.get_for_model(Page)
    target_type = ContentType.objects.get_for_model(model)
    return {
        int(object_id)
        for object_id in ReferenceIndex.objects.filter(
            base_content_type=page_type, to_content_type=target_type, to_object_id__in=[str(pk) for pk in pks]
        ).values_list("object_id", flat=True)
    }


def _locale(obj) -> str:
    locale = getattr(obj, "locale", None)
    return locale.language_code if locale is not None else settings.LANGUAGE_CODE


def _item(kind: str, obj) -> dict:
    return {"type": kind, "id": obj.pk, "locale": _locale(obj)}


def _announce(event: str, items: list[dict], *views: PublicView):
    """One event per site with paths: the views' paths in order, each once (a moved page has two), and a tag per page."""
    sites: dict[str, dict[str, int]] = {}
    for view in views:
        for hostname, pages in view.items():
            merged = sites.setdefault(hostname, {})
            for pk, path in sorted(pages.items(), key=lambda entry: entry[1]):
                merged.setdefault(path, pk)
    item_tags = [f"{item['type']}:{item['id']}" for item in items]
    for hostname, pages in sites.items():
        tags = list(dict.fromkeys([*item_tags, *(f"page:{pk}" for pk in pages.values())]))
        events.emit(event, site=hostname, items=items, paths=list(pages), tags=tags)


def _just_before(expire_at):
    # What the public saw at the last moment before the expiry.
    return expire_at - timedelta(microseconds=1)


# Pages


def _page_saves_content(sender, update_fields) -> bool:
    return issubclass(sender, Page) and not (update_fields and set(update_fields) <= DRAFT_ONLY_FIELDS)


def _page_pre_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or not _page_saves_content(sender, update_fields) or instance.pk in _table("moving"):
        return
    if not events.anyone_listening():
        return
    old = None
    if instance.pk is not None:
        old = Page.objects.filter(pk=instance.pk).values("path", "url_path", "expired", "expire_at").first()
    if old is None:
        setattr(instance, BEFORE, ({}, None))
        return
    now = timezone.now()
    moment = None
    if instance.expired and not old["expired"] and old["expire_at"] and old["expire_at"] <= now:
        moment = _just_before(old["expire_at"])
    url_changed = instance.url_path != old["url_path"]
    may_hide = (
        not instance.live
        or instance.expired
        or url_changed
        or (instance.expire_at is not None and instance.expire_at <= now)
        or (instance.go_live_at is not None and instance.go_live_at > now)
    )
    # The subtree's visibility follows the page's: read it only when the page may disappear or move.
    condition = Q(path__startswith=old["path"]) if may_hide else Q(pk=instance.pk)
    setattr(instance, BEFORE, (_public(condition, now=moment), old["url_path"] if url_changed else None))


def _page_post_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or not _page_saves_content(sender, update_fields) or not hasattr(instance, BEFORE):
        return
    before, old_url_path = getattr(instance, BEFORE)
    delattr(instance, BEFORE)
    was_public = instance.pk in _ids(before)
    # Descendants' URLs are rewritten only after this signal: map them as they are about to be.
    rewrite = (old_url_path, instance.url_path) if old_url_path else None
    if was_public and not old_url_path:
        after = _public(Q(pk=instance.pk))
    else:
        after = _public(Q(path__startswith=instance.path), rewrite=rewrite)
    is_public = instance.pk in _ids(after)
    if not (was_public or is_public):
        return
    changed = _ids(before, after)
    related = _public(
        Q(path=instance.path[: -Page.steplen]) | Q(pk__in=_referencing_page_ids(Page, changed)), rewrite=rewrite
    )
    event = "page.published" if is_public else "page.unpublished"
    _announce(event, [_item("page", instance)], after, before, related)


def _page_pre_move(sender, instance, **kwargs):
    if not events.anyone_listening():
        return
    _table("moving")[instance.pk] = (time.monotonic(), _public(Q(path__startswith=instance.path)))


def _page_post_move(sender, instance, parent_page_before, parent_page_after, **kwargs):
    entry = _table("moving").pop(instance.pk, None)
    if entry is None:
        return
    before = entry[1]
    after = _public(Q(path__startswith=instance.path))
    if not (before or after):
        return
    changed = _ids(before, after)
    related = _public(
        Q(pk__in=[parent_page_before.pk, parent_page_after.pk]) | Q(pk__in=_referencing_page_ids(Page, changed))
    )
    _announce("page.moved", [_item("page", instance)], after, before, related)


def _deletion() -> object | None:
    # Django deletes inside an atomic block; its outermost block tells one deletion from the next.
    return connection.atomic_blocks[0] if connection.atomic_blocks else None


def _page_pre_delete(sender, instance, **kwargs):
    if not issubclass(sender, Page) or not events.anyone_listening():
        return
    deleted, deletion = _table("deleted"), _deletion()
    entry = deleted.get(instance.pk)
    if entry is not None and entry[1] is deletion:
        return  # announced with an ancestor deleted in the same go
    subtree = Page.objects.filter(path__startswith=instance.path)
    for pk in subtree.values_list("pk", flat=True):
        deleted[pk] = (time.monotonic(), deletion)
    before = _public(Q(path__startswith=instance.path))
    if not before:
        return
    gone = _ids(before)
    related = _public(Q(path=instance.path[: -Page.steplen]) | Q(pk__in=_referencing_page_ids(Page, gone)))
    items = [_item("page", page) for page in subtree.filter(pk__in=gone).select_related("locale").order_by("path")]
    _announce("page.deleted", items, before, related)


def _restriction_pre_change(sender, instance, raw=False, **kwargs):
    # A view restriction hides its page and subtree (and removing it shows them): the same as (un)publishing.
    if raw or instance.page_id is None or not events.anyone_listening():
        return
    page_obj = Page.objects.get(pk=instance.page_id)
    setattr(instance, BEFORE, (page_obj, _public(Q(path__startswith=page_obj.path))))


def _restriction_post_change(sender, instance, raw=False, **kwargs):
    if raw or not hasattr(instance, BEFORE):
        return
    page_obj, before = getattr(instance, BEFORE)
    delattr(instance, BEFORE)
    after = _public(Q(path__startswith=page_obj.path))
    if _ids(before) == _ids(after):
        return
    changed = _ids(before) ^ _ids(after)
    related = _public(Q(path=page_obj.path[: -Page.steplen]) | Q(pk__in=_referencing_page_ids(Page, changed)))
    event = "page.published" if page_obj.pk in _ids(after) else "page.unpublished"
    _announce(event, [_item("page", page_obj)], after, before, related)


# Contact people


def _contact_model():
    return apps.get_model(CONTACT_MODEL)


def _contact_pre_save(sender, instance, raw=False, update_fields=None, **kwargs):
    if raw or (update_fields and set(update_fields) <= SNIPPET_DRAFT_ONLY_FIELDS) or not events.anyone_listening():
        return
    old = sender.objects.filter(pk=instance.pk).first() if instance.pk is not None else None
    moment = None
    if old is not None and instance.expired and not old.expired and old.expire_at and old.expire_at <= timezone.now():
        moment = _just_before(old.expire_at)
    setattr(instance, BEFORE, snippet_is_public(old, now=moment))


def _contact_post_save(sender, instance, raw=False, **kwargs):
    if raw or not hasattr(instance, BEFORE):
        return
    was_public = getattr(instance, BEFORE)
    delattr(instance, BEFORE)
    is_public = snippet_is_public(instance)
    if was_public or is_public:
        _announce_contact("contact.published" if is_public else "contact.unpublished", instance)


def _contact_pre_delete(sender, instance, **kwargs):
    if snippet_is_public(instance) and events.anyone_listening():
        _announce_contact("contact.unpublished", instance)


def _pages_showing(obj) -> PublicView:
    """Public pages that show `obj`; when none does, the default site with no paths (frontends may list it)."""
    pages = _public(Q(pk__in=_referencing_page_ids(type(obj), [obj.pk])))
    if not pages:
        default_site = Site.objects.filter(is_default_site=True).first() or Site.objects.first()
        pages = {default_site.hostname: {}} if default_site else {}
    return pages


def _announce_contact(event, contact):
    _announce(event, [_item("contact", contact)], _pages_showing(contact))


# Documents and images


def _media_public(model, pk) -> bool:
    public = public_documents() if model is get_document_model() else public_images()
    return pk is not None and public.filter(pk=pk).exists()


def _media_kind(sender) -> str | None:
    if sender is get_document_model():
        return "document"
    if sender is get_image_model():
        return "image"
    return None


def _media_pre_save(sender, instance, raw=False, **kwargs):
    if raw or _media_kind(sender) is None or not events.anyone_listening():
        return
    setattr(instance, BEFORE, _media_public(sender, instance.pk))


def _media_post_save(sender, instance, raw=False, **kwargs):
    if raw or not hasattr(instance, BEFORE):
        return
    was_public = getattr(instance, BEFORE)
    delattr(instance, BEFORE)
    if was_public or _media_public(sender, instance.pk):
        _announce_media(sender, instance)


def _media_pre_delete(sender, instance, **kwargs):
    if _media_kind(sender) is not None and events.anyone_listening() and _media_public(sender, instance.pk):
        _announce_media(sender, instance)


def _announce_media(model, obj):
    kind = _media_kind(model)
    _announce(f"{kind}.changed", [_item(kind, obj)], _pages_showing(obj))


def connect():
    uid = "webhooks.producers"
    pre_save.connect(_page_pre_save, dispatch_uid=f"{uid}.page_pre_save")
    post_save.connect(_page_post_save, dispatch_uid=f"{uid}.page_post_save")
    pre_delete.connect(_page_pre_delete, dispatch_uid=f"{uid}.page_pre_delete")
    pre_page_move.connect(_page_pre_move, dispatch_uid=f"{uid}.page_pre_move")
    post_page_move.connect(_page_post_move, dispatch_uid=f"{uid}.page_post_move")

    for signal, receiver in (
        (pre_save, _restriction_pre_change),
        (post_save, _restriction_post_change),
        (pre_delete, _restriction_pre_change),
        (post_delete, _restriction_post_change),
    ):
        signal.connect(receiver, sender=PageViewRestriction, dispatch_uid=f"{uid}.restriction_{receiver.__name__}")

    contact = _contact_model()
    pre_save.connect(_contact_pre_save, sender=contact, dispatch_uid=f"{uid}.contact_pre_save")
    post_save.connect(_contact_post_save, sender=contact, dispatch_uid=f"{uid}.contact_post_save")
    pre_delete.connect(_contact_pre_delete, sender=contact, dispatch_uid=f"{uid}.contact_pre_delete")

    for model in (get_document_model(), get_image_model()):
        pre_save.connect(_media_pre_save, sender=model, dispatch_uid=f"{uid}.{model._meta.label_lower}_pre_save")
        post_save.connect(_media_post_save, sender=model, dispatch_uid=f"{uid}.{model._meta.label_lower}_post_save")
        pre_delete.connect(_media_pre_delete, sender=model, dispatch_uid=f"{uid}.{model._meta.label_lower}_pre_delete")
