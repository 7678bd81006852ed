"""The search index follows the stored public form: whatever the store writes, the index writes too.

The store (`publishing.store`) decides what changed and what the public may
see; it tells `pages_stored` in the same transaction, so the index changes
exactly when the stored form does, and rolls back with it. Pages whose body
the worker makes again (a contact person's new phone number) are indexed
again then too. Until then, a contact person who changed is taken out of
the pages that showed them (`hide_people`): an unpublished or deleted person
must not stay findable by name, nor quoted in excerpts, while the worker is
behind or down.

What every search depends on besides the index (synonyms, promotions, sites,
languages) moves the search epoch on when it changes (`search.answers`).
"""

from django.apps import apps
from django.db.models.signals import post_delete, post_save

from publishing.events import pages_stored, referrers_stale

from . import store

EPOCH_MODELS = (
    "search.Synonym",
    "wagtailsearchpromotions.SearchPromotion",
    "wagtailcore.Site",
    "wagtailcore.Locale",
)


def _stored(sender, site=None, records=(), removed=(), **kwargs):
    # A page may be in two sites: what one site's store wrote leaves the other's index alone.
    site_id = site.pk if site is not None else None
    if removed:
        store.remove(removed, site_id)
    if records:
        store.index(records, site_id)


def _referrers_stale(sender, kind, target_ids, pages, **kwargs):
    if kind == "contact":
        store.hide_people(pages, target_ids)


def _epoch_changed(sender, raw=False, **kwargs):
    if raw:
        return
    # The epoch with the version (again, if the change already moved it): a process that sees the new
    # version sees the new epoch, and no answer kept from before is taken for still true.
    store.touch_epoch()


def connect():
    pages_stored.connect(_stored, dispatch_uid="search.indexing.pages_stored")
    referrers_stale.connect(_referrers_stale, dispatch_uid="search.indexing.referrers_stale")
    for label in EPOCH_MODELS:
        model = apps.get_model(label)
        for signal in (post_save, post_delete):
            signal.connect(_epoch_changed, sender=model, dispatch_uid=f"search.indexing.epoch.{label}.{signal!r}")
