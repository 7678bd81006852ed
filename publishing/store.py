"""The stored public form: one row per public page, kept in step with the content.

Work that depends only on content is done when content changes, not when it
is read. Publishing, unpublishing, moving or restricting a page refreshes
that page's subtree in the same transaction (`refresh_subtree`): membership,
public paths and windows of every page below are checked in a few set-based
queries, and only pages whose public form can have changed are made again.
Pages whose body *shows* something that changed (a contact person, a linked
page's title or path, a document, an image) are marked stale at once and
made again by the worker (`refresh_stale`); until then readers make their
body on the spot, so nothing out of date is ever served.

Every write takes the content version's row lock first (by bumping it), so
writers of the store run one after another and each reads what the previous
one committed.

`check` compares the store with the visibility rule, page by page.
"""

import dataclasses
import threading
from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_tasks import task
from wagtail.models import Page, Site

from .events import ChangeSet, pages_stored, pending_changes, referrers_stale
from .languages import site_roots
from .models import PublicPage, PublicReference
from .records import PageRecord, build_records, references
from .specific import specific_pages
from .version import bump_content_version
from .visibility import Window, member_pages, page_windows, public_pages, public_path

FIELDS = [field.name for field in dataclasses.fields(PageRecord)]
# Written on every refresh; the row's identity (site, page) is not.
UPDATED = [name for name in FIELDS if name not in ("site_id", "page_id")] + ["stale", "refreshed_at"]
BATCH = 500
STALE_BATCH = 200


def record_of(row: PublicPage) -> PageRecord:
    return PageRecord(**{name: getattr(row, name) for name in FIELDS})


def _row(record: PageRecord) -> PublicPage:
    return PublicPage(**{name: getattr(record, name) for name in FIELDS}, stale=False)


def sites_containing(path: str) -> list[Site]:
    """The sites whose trees (one per language) hold this tree path."""
    return [
        site
        for site in Site.objects.select_related("root_page")
        if any(path.startswith(root.path) for root in site_roots(site))
    ]


def with_translations(model, ids) -> set[int]:
    """The ids and those of every translation of them: a page or person shown in another language
    is shown as its translation there, so a change to any of them changes what the others show."""
    ids = set(ids)
    if not ids:
        return ids
    keys = model.objects.filter(pk__in=ids).values("translation_key")
    return ids | set(model.objects.filter(translation_key__in=keys).values_list("pk", flat=True))


def _visible(window: Window | None, now) -> bool:
    return window is not None and window.contains(now)


def _same(old: PublicPage, new: PageRecord) -> bool:
    return not old.stale and all(getattr(old, name) == getattr(new, name) for name in FIELDS)


class _Refresh:
    """One refresh of part of one site's stored form, and what it changed."""

    def __init__(self, site: Site, changes: ChangeSet | None, now):
        self.site = site
        self.changes = changes
        self.now = now
        # Pages whose title, path or visibility changed: whatever links to them is made again.
        self.moved_or_renamed: set[int] = set()
        # Pages announced as items, and with which event.
        self.announced: dict[int, str] = {}

    def run(self, *, under: str | None = None, ids=None, always=()):
        """Refresh the pages below `under` (a tree path) or with these `ids`; always make `always` again."""
        if under is not None:
            # The pages below the path now, and the stored rows that were below it: a move shifts
            # paths (siblings' too), so a row found by its old path may belong to a page elsewhere now.
            wanted = Q(pk__in=Page.objects.filter(path__startswith=under).values("pk")) | Q(
                pk__in=PublicPage.objects.filter(site=self.site, path__startswith=under).values("page_id")
            )
        else:
            wanted = Q(pk__in=ids)
        members = member_pages(self.site).filter(wanted).exclude(pk__in=_being_deleted())
        members = list(members.only("pk", "path", "depth", "url_path", "locale_id"))
        considered = Page.objects.filter(wanted).values("pk")
        stored = {
            row.page_id: row for row in PublicPage.objects.filter(site=self.site, page_id__in=considered).defer("data")
        }
        windows = page_windows(members)
        redo, shifted = [], []
        for member in members:
            row = stored.get(member.pk)
            if (
                member.pk in always
                or row is None
                or row.stale
                or row.url_path != public_path(member, self.site)
                or row.window != windows[member.pk]
            ):
                redo.append(member.pk)
            elif row.path != member.path:
                # Only its place among its siblings changed: nothing the public sees but the order.
                row.path, row.depth = member.path, member.depth
                shifted.append(row)
        gone = [stored[pk] for pk in stored.keys() - {member.pk for member in members}]
        self._write(redo, windows, stored)
        PublicPage.objects.bulk_update(shifted, ["path", "depth"], batch_size=BATCH)
        if shifted and self.changes is not None:
            parents = {row.parent_id for row in shifted}
            self.changes.also(self.site.hostname, paths=_visible_paths(self.site, parents, self.now))
        self._remove(gone)

    def _write(self, ids: list[int], windows, stored: dict[int, PublicPage]):
        for start in range(0, len(ids), BATCH):
            batch = ids[start : start + BATCH]
            pages = specific_pages(Page.objects.filter(pk__in=batch))
            records = build_records(self.site, pages, windows, now=self.now)
            old_data = dict(PublicPage.objects.filter(site=self.site, page_id__in=batch).values_list("page_id", "data"))
            changed = []
            for record in records:
                old = stored.get(record.page_id)
                if old is not None:
                    old.data = old_data.get(record.page_id, {})
                    if _same(old, record):
                        continue
                changed.append(record)
                self._note(old, record)
            if changed:
                PublicPage.objects.bulk_create(
                    [_row(record) for record in changed],
                    update_conflicts=True,
                    unique_fields=["site", "page"],
                    update_fields=UPDATED,
                )
                pages_stored.send(sender=_Refresh, site=self.site, records=changed)
            PublicReference.objects.filter(site=self.site, page_id__in=batch).delete()
            PublicReference.objects.bulk_create(
                PublicReference(site=self.site, page_id=page.pk, kind=kind, target_id=target)
                for page in pages
                for kind, target in references(page)
            )

    def _remove(self, rows: list[PublicPage]):
        if not rows:
            return
        ids = [row.page_id for row in rows]
        existing = set(Page.objects.filter(pk__in=ids).values_list("pk", flat=True)) - _being_deleted()
        for row in rows:
            self._note(row, None, deleted=row.page_id not in existing)
        PublicPage.objects.filter(site=self.site, page_id__in=ids).delete()
        PublicReference.objects.filter(site=self.site, page_id__in=ids).delete()
        pages_stored.send(sender=_Refresh, site=self.site, removed=ids)

    def _note(self, old: PublicPage | None, new: PageRecord | None, *, deleted: bool = False):
        before = _visible(old.window if old is not None else None, self.now)
        after = _visible(new.window if new is not None else None, self.now)
        identity_changed = (
            old is None
            or new is None
            or old.title != new.title
            or old.url_path != new.url_path
            or old.window != new.window
        )
        page = new or old
        if identity_changed:
            self.moved_or_renamed.add(page.page_id)
        if self.changes is None or not (before or after):
            return
        host, tag = self.site.hostname, f"page:{page.page_id}"
        paths = [row.url_path for row, shown in ((new, after), (old, before)) if row is not None and shown]
        if before and after and old.url_path != new.url_path:
            event = "page.moved"
            if old.parent_id == new.parent_id and old.slug == new.slug:
                # Moved along with an ancestor: that ancestor is the item; this page's paths and tag go with it.
                self.changes.add(event, host, paths=paths, tags=[tag])
                return
        elif (before and after) or after:
            event = "page.published"
        else:
            event = "page.deleted" if deleted else "page.unpublished"
        item = {"type": "page", "id": page.page_id, "locale": page.locale}
        if event == "page.published" and not before:
            self.changes.appeared(host, item, paths)
        elif event != "page.published" and not after and self.changes.retract(host, item):
            # Public only inside this transaction: there is nothing to tell, not even its path.
            self.announced.pop(page.page_id, None)
            return
        self.changes.add(event, host, item=item, paths=paths, tags=[tag])
        # Its parent's listing shows it.
        parents = {row.parent_id for row in (old, new) if row is not None} - {None}
        self.changes.add(
            event,
            host,
            paths=_visible_paths(self.site, parents, self.now),
            tags=[f"page:{parent}" for parent in sorted(parents)],
        )
        self.announced[page.page_id] = event

    def announce_referrers(self):
        """Pages showing a page announced here (its title, its path in a link) are told with it."""
        for page_id, event in self.announced.items():
            for path, referrer in _showing(self.site, "page", [page_id], self.now):
                self.changes.add(event, self.site.hostname, paths=[path], tags=[f"page:{referrer}"])


def _visible_paths(site, page_ids, now) -> list[str]:
    if not page_ids:
        return []
    rows = PublicPage.objects.filter(site=site, page_id__in=page_ids).values_list(
        "url_path", "visible_from", "visible_until"
    )
    return [path for path, start, end in rows if Window(start, end).contains(now)]


def pages_showing(kind: str, target_ids) -> list[tuple[str, str, int]]:
    """(site host name, public path, page id) of every stored page, public now, that shows one of these targets."""
    now = timezone.now()
    sources = PublicReference.objects.filter(kind=kind, target_id__in=list(target_ids))
    rows = PublicPage.objects.filter(page_id__in=sources.values("page_id"), site_id__in=sources.values("site_id"))
    columns = ("site__hostname", "url_path", "page_id", "visible_from", "visible_until")
    return [
        (hostname, path, page_id)
        for hostname, path, page_id, start, end in rows.values_list(*columns)
        if Window(start, end).contains(now)
    ]


def _showing(site, kind: str, target_ids, now) -> list[tuple[str, int]]:
    """(public path, page id) of the site's stored pages, public now, that show one of these targets."""
    sources = PublicReference.objects.filter(site=site, kind=kind, target_id__in=list(target_ids))
    rows = PublicPage.objects.filter(site=site, page_id__in=sources.values("page_id"))
    return [
        (path, page_id)
        for path, page_id, start, end in rows.values_list("url_path", "page_id", "visible_from", "visible_until")
        if Window(start, end).contains(now)
    ]


def mark_referrers_stale(kind: str, target_ids, changes: ChangeSet | None = None) -> int:
    """Mark every stored page that shows one of these targets as stale; the worker makes them again."""
    target_ids = list(target_ids)
    if not target_ids:
        return 0
    sources = PublicReference.objects.filter(kind=kind, target_id__in=target_ids)
    rows = PublicPage.objects.filter(page_id__in=sources.values("page_id"), site_id__in=sources.values("site_id"))
    if changes is not None:
        for site, path, page_id in pages_showing(kind, target_ids):
            changes.also(site, paths=[path], tags=[f"page:{page_id}"])
    pages = list(rows.values_list("page_id", flat=True).distinct())
    marked = rows.update(stale=True)
    if pages:
        referrers_stale.send(sender=mark_referrers_stale, kind=kind, target_ids=target_ids, pages=pages)
    if marked:
        # After commit: a change can go on after this in the same transaction (the admin saves a collection's
        # form, then moves it), and a worker that runs tasks at once would otherwise store what it was before.
        # If the process dies between commit and enqueue, the periodic `public-stale-pages` job catches up.
        transaction.on_commit(refresh_stale_pages.enqueue)
    return marked


# Pages being deleted in this thread: Django collects the rows that cascade before it sends
# pre_delete, so a row stored from a signal sent then would outlive its page.
_deleting = threading.local()


def deleting(pk: int):
    _being_deleted().add(pk)


def deleted(pk: int):
    _being_deleted().discard(pk)


def _being_deleted() -> set[int]:
    if not hasattr(_deleting, "pks"):
        _deleting.pks = set()
    return _deleting.pks


def forget_page(pk: int):
    """A deleted page's references (its rows went with it)."""
    PublicReference.objects.filter(page_id=pk).delete()
    pages_stored.send(sender=forget_page, site=None, removed=[pk])


def _lock():
    # Every store write is a change of public content; taking the version row first also
    # makes concurrent writers wait for each other (see the module docstring).
    bump_content_version()


@transaction.atomic
def refresh_subtree(page: Page):
    """Make the stored form of `page` and everything below it agree with the rule now."""
    _lock()
    changes = pending_changes()
    for site in sites_containing(page.path):
        refresh = _Refresh(site, changes, timezone.now())
        refresh.run(under=page.path, always={page.pk})
        refresh.announce_referrers()
        mark_referrers_stale("page", with_translations(Page, refresh.moved_or_renamed))
    changes.save()


@transaction.atomic
def rebuild(site: Site | None = None) -> int:
    """Make the whole stored form again (after bulk imports, or to repair it); returns the rows kept."""
    _lock()
    sites = [site] if site is not None else list(Site.objects.select_related("root_page"))
    kept = 0
    for each in sites:
        refresh = _Refresh(each, None, timezone.now())
        refresh.run(under="", always=set(member_pages(each).values_list("pk", flat=True)))
        kept += PublicPage.objects.filter(site=each).count()
    return kept


@transaction.atomic
def refresh_stale(limit: int = STALE_BATCH) -> int:
    """Make again the stored pages marked stale or past `valid_until`; returns how many were looked at."""
    now = timezone.now()
    outdated = PublicPage.objects.filter(Q(stale=True) | Q(valid_until__lte=now))
    # Taking the lock is a change of the content version, which ends what every process keeps: the worker
    # asks every few seconds, and must not do that when there is nothing to make.
    if not outdated.exists():
        return 0
    _lock()
    due = list(outdated.values_list("site_id", "page_id")[:limit])
    by_site = defaultdict(set)
    for site_id, page_id in due:
        by_site[site_id].add(page_id)
    for site in Site.objects.select_related("root_page").filter(pk__in=by_site):
        refresh = _Refresh(site, None, now)
        refresh.run(ids=by_site[site.pk], always=by_site[site.pk])
        mark_referrers_stale("page", with_translations(Page, refresh.moved_or_renamed))
    return len(due)


def refresh_stale_all():
    """Make again every stored page marked stale or past `valid_until` (the worker's periodic job)."""
    while refresh_stale() >= STALE_BATCH:
        pass


@task()
def refresh_stale_pages():
    refresh_stale_all()


def check(site: Site, *, now=None) -> list[str]:
    """Differences between the stored form and the rule's answer now; empty when they agree.

    Pages marked stale are compared as readers serve them: made again on the spot.
    """
    now = now or timezone.now()
    problems = []
    public = list(public_pages(site, now=now).values_list("pk", flat=True))
    stored = {row.page_id: row for row in PublicPage.objects.filter(site=site) if row.window.contains(now)}
    for pk in sorted(set(public) - stored.keys()):
        problems.append(f"page {pk} is public but not stored")
    for pk in sorted(stored.keys() - set(public)):
        problems.append(f"page {pk} ({stored[pk].url_path}) is stored but not public")
    both = [pk for pk in public if pk in stored and not stored[pk].stale]
    for start in range(0, len(both), BATCH):
        pages = specific_pages(Page.objects.filter(pk__in=both[start : start + BATCH]))
        for record in build_records(site, pages, now=now):
            row = stored[record.page_id]
            for name in FIELDS:
                if getattr(row, name) != getattr(record, name):
                    problems.append(f"page {record.page_id} ({record.url_path}): stored {name} differs from the rule")
    return problems
