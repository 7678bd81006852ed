"""The search index follows the stored public form: whatever the store writes, the index writes too.

The store (`publishing.store`) decides what changed and what the public may
see; it tells `pages_stored` in the same transaction, so the index changes
exactly when the stored form does, and rolls back with it. Pages whose body
the worker makes again (a contact person's new phone number) are indexed
again then too. Until then, a contact person who changed is taken out of
the pages that showed them (`hide_people`): an unpublished or deleted person
must not stay findable by name, nor quoted in excerpts, while the worker is
behind or down.
"""

from publishing.events import pages_stored, referrers_stale

from . import store


def _stored(sender, records=(), removed=(), **kwargs):
    if removed:
        store.remove(removed)
    if records:
        store.index(records)


def _referrers_stale(sender, kind, target_ids, pages, **kwargs):
    if kind == "contact":
        store.hide_people(pages, target_ids)


def connect():
    pages_stored.connect(_stored, dispatch_uid="search.indexing.pages_stored")
    referrers_stale.connect(_referrers_stale, dispatch_uid="search.indexing.referrers_stale")
