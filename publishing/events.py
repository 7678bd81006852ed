"""What changed in public content, told to whoever must react (webhooks).

The store (`publishing.store`) compares each page's public form before and
after a change, so a change is described only by what the public could see:
public paths, ids, languages. A draft title, a page that was never public, a
page not yet past its go-live: none of these ever appear here.

Changes are collected per transaction (`pending_changes`) and written as
outbox rows (`PendingChange`) in that same transaction. Once it commits,
`flush` claims the rows and sends `public_content_changed` with one `Change`
per event kind and site, inside the claiming transaction: a listener that
records deliveries there records them exactly once. Rows a crashed process
left behind are flushed by the worker's periodic job.

Time alone also changes what the public sees: `sweep_windows` tells the
go-live and expiry of stored pages as they happen.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

import django.dispatch
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import PendingChange, PublicPage, PublicReference, WindowSweep

public_content_changed = django.dispatch.Signal()
# Sent inside the writing transaction whenever stored public pages are written (`records`) or removed (`removed`,
# page ids): for what is derived from the stored form itself (the search index).
pages_stored = django.dispatch.Signal()
# Sent inside the writing transaction when stored pages that show changed items (`kind`, `target_ids`) are marked
# stale (`pages`, page ids): readers make those bodies again on the spot, but what is derived from the stored form
# (the search index) must stop showing the items now, not when the worker stores the pages again.
referrers_stale = django.dispatch.Signal()

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
# Rows older than this are taken to be left by a process that died before it could flush them.
ORPHAN_SECONDS = 10


@dataclass
class Change:
    event: str
    site: str
    items: list[dict] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


class ChangeSet:
    """Changes collected while the store is written; `save` writes them as outbox rows of this transaction."""

    def __init__(self):
        self.batch = uuid.uuid4()
        self._items: dict[tuple[str, str], dict[tuple, dict]] = defaultdict(dict)
        self._paths: dict[tuple[str, str], dict[str, None]] = defaultdict(dict)
        self._tags: dict[tuple[str, str], dict[str, None]] = defaultdict(dict)
        # Items that became public in this transaction: (site, item key) -> their paths. Hidden again before
        # it commits (a copy of a restricted page, published, then given its restriction), nobody ever saw them.
        self._appeared: dict[tuple[str, tuple], list[str]] = {}

    @staticmethod
    def _key(item: dict) -> tuple:
        return (item["type"], item["id"], item.get("locale"))

    def appeared(self, site: str, item: dict, paths):
        self._appeared.setdefault((site, self._key(item)), list(paths))

    def retract(self, site: str, item: dict) -> bool:
        """Take back an item that became public in this transaction and is hidden again; False if it was public before."""
        paths = self._appeared.pop((site, self._key(item)), None)
        if paths is None:
            return False
        key = ("page.published", site)
        self._items[key].pop(self._key(item), None)
        for path in paths:
            self._paths[key].pop(path, None)
        self._tags[key].pop(f"{item['type']}:{item['id']}", None)
        return True

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
        keys = sorted((key for key, items in self._items.items() if items), key=lambda k: (EVENTS.index(k[0]), k[1]))
        return [
            Change(event, site, list(self._items[key].values()), list(self._paths[key]), list(self._tags[key]))
            for key in keys
            for event, site in [key]
        ]

    def save(self):
        told = self.changes()
        for change in told:
            PendingChange.objects.update_or_create(
                batch=self.batch,
                event=change.event,
                site=change.site,
                defaults={"items": change.items, "paths": change.paths, "tags": change.tags},
            )
        # A row saved earlier in this transaction whose items were all taken back (`retract`).
        kept = {(change.event, change.site) for change in told}
        for event, site in [key for key in self._items if key not in kept]:
            PendingChange.objects.filter(batch=self.batch, event=event, site=site).delete()


def pending_changes() -> ChangeSet:
    """The changes of the current transaction, told together once it commits (one delivery per event kind)."""
    if not connection.in_atomic_block:
        raise RuntimeError("Public content changes are collected inside a transaction.")
    outermost = connection.atomic_blocks[0]
    found = getattr(connection, "_public_changes", None)
    if found is not None and found[0] is outermost:
        return found[1]
    changes = ChangeSet()
    connection._public_changes = (outermost, changes)

    def committed():
        connection._public_changes = None
        flush(batch=changes.batch)

    transaction.on_commit(committed)
    return changes


class _TakenElsewhere(Exception):
    pass


def flush(*, batch: uuid.UUID | None = None) -> int:
    """Tell the listeners of one batch (or of every batch left behind), once; returns how many changes."""
    rows = PendingChange.objects.all()
    if batch is not None:
        rows = rows.filter(batch=batch)
    else:
        rows = rows.filter(created_at__lte=timezone.now() - timedelta(seconds=ORPHAN_SECONDS))
    try:
        with transaction.atomic():
            claimed = list(rows.select_for_update(skip_locked=True).order_by("pk"))
            if not claimed:
                return 0
            # Deleting is the claim: another process that got here first leaves nothing to delete.
            if PendingChange.objects.filter(pk__in=[row.pk for row in claimed]).delete()[0] != len(claimed):
                raise _TakenElsewhere
            by_batch = defaultdict(list)
            for row in claimed:
                by_batch[row.batch].append(Change(row.event, row.site, row.items, row.paths, row.tags))
            for changes in by_batch.values():
                changes.sort(key=lambda change: (EVENTS.index(change.event), change.site))
                public_content_changed.send(sender=ChangeSet, changes=changes)
    except _TakenElsewhere:
        return 0
    return len(claimed)


def flush_left_behind():
    """The worker's periodic job: changes whose process died between commit and flush."""
    flush()


@transaction.atomic
def sweep_windows(now=None) -> int:
    """Tell the scheduled go-live and expiry of stored pages that happened since the last sweep.

    Readers apply windows with the clock, so a page appears or disappears on
    the second with no write; this tells frontends so, within the worker's
    interval. Pages that show a page whose window changed are listed too.
    """
    now = now or timezone.now()
    sweep = WindowSweep.objects.select_for_update().filter(pk=1).first()
    if sweep is None:
        WindowSweep.objects.create(pk=1, swept_until=now)
        return 0
    since = sweep.swept_until
    changes = pending_changes()
    # Only windows that opened or closed on a row stored before: a row stored after its go-live (a scheduled
    # revision the worker published) was told when it was stored.
    opened = PublicPage.objects.filter(
        visible_from__gt=since, visible_from__lte=now, refreshed_at__lt=F("visible_from")
    )
    closed = PublicPage.objects.filter(
        visible_until__gt=since, visible_until__lte=now, refreshed_at__lt=F("visible_until")
    )
    told = 0
    for event, rows in (("page.published", opened), ("page.unpublished", closed)):
        for row in rows.select_related("site"):
            told += 1
            host = row.site.hostname
            item = {"type": "page", "id": row.page_id, "locale": row.locale}
            changes.add(event, host, item=item, paths=[row.url_path], tags=[f"page:{row.page_id}"])
            parent = PublicPage.objects.filter(site=row.site, page_id=row.parent_id).values_list("url_path", flat=True)
            changes.add(event, host, paths=list(parent), tags=[f"page:{row.parent_id}"] if row.parent_id else [])
            referrers = PublicReference.objects.filter(kind="page", target_id=row.page_id).values("page_id")
            showing = PublicPage.objects.filter(Q(page_id__in=referrers), site=row.site)
            changes.add(event, host, paths=list(showing.values_list("url_path", flat=True)))
    sweep.swept_until = now
    sweep.save(update_fields=["swept_until"])
    changes.save()
    return told
