"""What changed in public content, told to whoever must react (webhooks, search).

The store (`publishing.store`) compares each page's public form before and
after a change, so a change is described only by what the public could see:
public paths, ids, languages. A draft title, a page that was never public, a
page not yet past its go-live: none of these ever appear here.

`public_content_changed` is sent once the change has committed, with every
`Change` it made (one per event kind and site).
"""

from collections import defaultdict
from dataclasses import dataclass, field

import django.dispatch
from django.db import transaction

public_content_changed = django.dispatch.Signal()

EVENTS = (
    "page.published",
    "page.unpublished",
    "page.moved",
    "page.deleted",
    "contact.published",
    "contact.unpublished",
    "document.changed",
    "image.changed",
)


@dataclass
class Change:
    event: str
    site: str
    items: list[dict] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


class ChangeSet:
    """Changes collected while the store is written, sent once the transaction commits."""

    def __init__(self):
        self._items: dict[tuple[str, str], dict[tuple, dict]] = defaultdict(dict)
        self._paths: dict[tuple[str, str], dict[str, None]] = defaultdict(dict)
        self._tags: dict[tuple[str, str], dict[str, None]] = defaultdict(dict)

    def add(self, event: str, site: str, *, item: dict | None = None, paths=(), tags=()):
        key = (event, site)
        if item is not None:
            self._items[key][(item["type"], item["id"], item.get("locale"))] = item
        self._paths[key].update(dict.fromkeys(p for p in paths if p))
        self._tags[key].update(dict.fromkeys(tags))

    def also(self, site: str, *, paths=(), tags=()):
        """Paths and tags a change touches besides its own items (listings, pages showing it)."""
        for event, key_site in list(self._items):
            if key_site == site:
                self.add(event, site, paths=paths, tags=tags)

    def changes(self) -> list[Change]:
        keys = sorted(set(self._items) | set(self._paths), key=lambda key: (EVENTS.index(key[0]), key[1]))
        return [
            Change(
                event,
                site,
                list(self._items[(event, site)].values()),
                list(self._paths[(event, site)]),
                list(self._tags[(event, site)]),
            )
            for event, site in keys
            if self._items[(event, site)]
        ]

    def send(self):
        changes = self.changes()
        if changes:
            public_content_changed.send(sender=ChangeSet, changes=changes)


def pending_changes() -> ChangeSet:
    """The changes of the current transaction, sent together once it commits (one delivery per event kind)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("Public content changes are collected inside a transaction.")
    outermost = connection.atomic_blocks[0]
    found = getattr(connection, "_public_changes", None)
    if found is not None and found[0] is outermost:
        return found[1]
    changes = ChangeSet()
    connection._public_changes = (outermost, changes)

    def send():
        connection._public_changes = None
        changes.send()

    transaction.on_commit(send)
    return changes
