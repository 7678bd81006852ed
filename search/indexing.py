"""The search index follows the stored public form: whatever the store writes, the index writes too.

The store (`publishing.store`) decides what changed and what the public may
see; it tells `pages_stored` in the same transaction, so the index changes
exactly when the stored form does, and rolls back with it. Pages whose body
the worker makes again (a contact person's new phone number) are indexed
again then too.
"""

from publishing.events import pages_stored

from . import store


def _stored(sender, records=(), removed=(), **kwargs):
    if removed:
        store.remove(removed)
    if records:
        store.index(records)


def connect():
    pages_stored.connect(_stored, dispatch_uid="search.indexing.pages_stored")
