"""The public form of a page: what every channel shows of it, worked out once.

A `PageRecord` holds what a reader needs of one public page: where it is
(site, language, public path, place in the tree), what it is called, when it
is public, and its body with every reference resolved through the visibility
rule: rich text with internal links turned into public URLs (or dropped,
keeping their text), related links with their targets' titles and URLs, the
contact people it shows, its image. The store keeps one per public page
(`publishing.store`), made when content changes; inside a transaction readers
make them on the spot with this same code (`publishing.reader`), so the two
can only differ in *when* they were made, which `manage.py check_public_store`
checks.

A body that shows something with its own go-live or expiry (a contact person,
a linked page) is only right until that moment: `valid_until`.
"""

import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from wagtail.models import Page

from content_models.blocks import section_anchors
from content_models.models import ContactPerson

from .languages import fallbacks, language_of
from .richtext import internal_link_ids, render_public_html
from .visibility import (
    ALWAYS,
    Window,
    member_pages,
    page_windows,
    public_documents,
    public_images,
    public_path,
    snippet_window,
)

CONTACT_FIELDS = ("name", "job_title", "responsibility", "email", "phone")


@dataclass(slots=True)
class PageRecord:
    page_id: int
    site_id: int
    locale: str
    translation_key: uuid.UUID
    path: str
    depth: int
    parent_id: int | None
    url_path: str
    slug: str
    title: str
    seo_title: str
    search_description: str
    content_type_id: int
    type_name: str
    show_in_menus: bool
    first_published_at: datetime | None
    last_published_at: datetime | None
    visible_from: datetime | None
    visible_until: datetime | None
    valid_until: datetime | None
    data: dict = field(default_factory=dict)

    @property
    def pk(self) -> int:
        return self.page_id

    @property
    def id(self) -> int:
        return self.page_id

    @property
    def window(self) -> Window:
        return Window(self.visible_from, self.visible_until)

    @property
    def intro(self) -> str:
        return self.data.get("intro", "")

    @property
    def image(self) -> dict | None:
        return self.data.get("image")

    @property
    def body(self) -> list[dict]:
        return self.data.get("body") or []


def iter_stream_refs(raw_stream):
    """Yield (kind, id) for every page, document and contact a body refers to."""
    for child in raw_stream or []:
        value = child.get("value") or {}
        kind = child.get("type")
        if kind == "section":
            pages, documents = internal_link_ids(value.get("body", ""))
            yield from (("page", pk) for pk in pages)
            yield from (("document", pk) for pk in documents)
        elif kind == "related_links":
            for item in value.get("links") or []:
                link = item.get("value", item) if isinstance(item, dict) else {}
                if isinstance(link.get("page"), int):
                    yield "page", link["page"]
                if isinstance(link.get("document"), int):
                    yield "document", link["document"]
        elif kind == "contacts":
            for item in value.get("contacts") or []:
                pk = item.get("value") if isinstance(item, dict) else item
                if isinstance(pk, int):
                    yield "contact", pk


def references(page) -> set[tuple[str, int]]:
    """Everything the page's public form depends on besides the page itself, shown or not."""
    refs = set(iter_stream_refs(page.body.raw_data)) if hasattr(page, "body") else set()
    if getattr(page, "image_id", None):
        refs.add(("image", page.image_id))
    return refs


@dataclass(slots=True)
class _PageTarget:
    title: str
    url_path: str
    window: Window


class Resolver:
    """Resolves what a set of bodies refer to, through the visibility rule, for one site at one moment.

    Targets are loaded in one query per kind for all pages at once. Whatever
    is not public now is left out; `expiry` collects the earliest moment any
    of it changes, after which the result must be made again.
    """

    def __init__(self, site, now):
        self.site = site
        self.now = now
        # Linked pages and contact people are shown in the language of the page that shows them, where they
        # have a translation: chosen item id -> its translation group, group -> language -> the public one.
        self.page_groups: dict[int, object] = {}
        self.pages: dict[object, dict[str, _PageTarget]] = defaultdict(dict)
        self.contact_groups: dict[int, object] = {}
        self.contacts: dict[object, dict[str, tuple[dict, Window]]] = defaultdict(dict)
        self.documents: dict[int, tuple[str, str]] = {}
        self.images: dict[int, dict] = {}

    def load(self, pages):
        wanted = defaultdict(set)
        for page in pages:
            for kind, pk in references(page):
                wanted[kind].add(pk)
        if wanted["page"]:
            self.page_groups = dict(Page.objects.filter(pk__in=wanted["page"]).values_list("pk", "translation_key"))
            targets = list(member_pages(self.site).filter(translation_key__in=set(self.page_groups.values())))
            windows = page_windows(targets)
            for target in targets:
                shown = _PageTarget(target.title, public_path(target, self.site), windows[target.pk])
                self.pages[target.translation_key][language_of(target)] = shown
        if wanted["contact"]:
            chosen = ContactPerson.objects.filter(pk__in=wanted["contact"]).values_list("pk", "translation_key")
            self.contact_groups = dict(chosen)
            for person in ContactPerson.objects.filter(translation_key__in=set(self.contact_groups.values())):
                window = snippet_window(person)
                if window is not None:
                    # The window goes along for the search index, which applies it at query time.
                    shown = {
                        "id": person.pk,
                        **_fields(person, CONTACT_FIELDS),
                        "locale": language_of(person),
                        **_window_fields(window),
                    }
                    self.contacts[person.translation_key][language_of(person)] = (shown, window)
        if wanted["document"]:
            for document in public_documents().filter(pk__in=wanted["document"]):
                self.documents[document.pk] = (document.title, document.url)
        if wanted["image"]:
            for image in public_images().filter(pk__in=wanted["image"]):
                self.images[image.pk] = {
                    "id": image.pk,
                    "title": image.title,
                    "alt": image.description or "",
                    "width": image.width,
                    "height": image.height,
                }


class _Body:
    """One page's body being resolved, in the page's language: what it shows now, and until when that holds."""

    def __init__(self, resolver: Resolver, language: str):
        self.resolver = resolver
        self.languages = fallbacks(language)
        self.valid_until: datetime | None = None

    def _until(self, window: Window):
        change = window.next_change(self.resolver.now)
        if change is not None and (self.valid_until is None or change < self.valid_until):
            self.valid_until = change

    def _best(self, translations: dict, window_of):
        """The translation in the first language of the chain that is public now."""
        for language in self.languages:
            found = translations.get(language)
            if found is None:
                continue
            window = window_of(found)
            self._until(window)
            if window.contains(self.resolver.now):
                return found
        return None

    def page(self, pk: int) -> _PageTarget | None:
        group = self.resolver.page_groups.get(pk)
        return self._best(self.resolver.pages.get(group, {}), lambda target: target.window)

    def contact(self, pk: int) -> dict | None:
        group = self.resolver.contact_groups.get(pk)
        found = self._best(self.resolver.contacts.get(group, {}), lambda person: person[1])
        return found[0] if found is not None else None

    def url(self, linktype: str, pk: int) -> str | None:
        if linktype == "page":
            target = self.page(pk)
            return target.url_path if target else None
        if linktype == "document":
            document = self.resolver.documents.get(pk)
            return document[1] if document else None
        return None

    def link(self, raw: dict) -> dict | None:
        title = raw.get("title") or ""
        if isinstance(raw.get("page"), int):
            target = self.page(raw["page"])
            if target is None:
                return None
            return {"title": title or target.title, "url": target.url_path, "is_external": False, "kind": "page"}
        if isinstance(raw.get("document"), int):
            document = self.resolver.documents.get(raw["document"])
            if document is None:
                return None
            return {"title": title or document[0], "url": document[1], "is_external": False, "kind": "document"}
        if raw.get("url"):
            return {"title": title or raw["url"], "url": raw["url"], "is_external": True, "kind": "url"}
        return None

    def blocks(self, page) -> list[dict]:
        anchors = section_anchors(page.body)
        blocks = []
        for child in page.body.raw_data:
            kind = child.get("type")
            value = child.get("value") or {}
            block = {"id": child.get("id") or "", "block_type": kind, "heading": value.get("heading") or ""}
            if kind == "section":
                block["anchor"] = anchors.get(child.get("id"), "")
                block["html"] = render_public_html(value.get("body", ""), self.url)
            elif kind == "related_links":
                links = (self.link(item.get("value", item)) for item in value.get("links") or [])
                block["links"] = [link for link in links if link is not None]
            elif kind == "contacts":
                block["anchor"] = anchors.get(child.get("id"), "")
                block["intro"] = value.get("intro") or ""
                people = (_contact_pk(item) for item in value.get("contacts") or [])
                block["contacts"] = [person for pk in people if pk is not None and (person := self.contact(pk))]
            else:
                continue
            blocks.append(block)
        return blocks


def _window_fields(window: Window) -> dict:
    return {
        "go_live_at": window.start.isoformat() if window.start else None,
        "expire_at": window.end.isoformat() if window.end else None,
    }


def _contact_pk(item) -> int | None:
    pk = item.get("value") if isinstance(item, dict) else item
    return pk if isinstance(pk, int) else None


def _fields(obj, names) -> dict:
    return {name: getattr(obj, name) or "" for name in names}


def _data(page, body: _Body) -> dict:
    data = {"intro": getattr(page, "intro", "") or ""}
    if hasattr(page, "body"):
        data["image"] = body.resolver.images.get(page.image_id) if getattr(page, "image_id", None) else None
        data["body"] = body.blocks(page)
    return data


def build_records(site, pages, windows: dict[int, Window] | None = None, *, now=None) -> list[PageRecord]:
    """The public form of each of `pages` (specific pages that are members of `site`), as of `now`."""
    pages = list(pages)
    now = now or timezone.now()
    windows = windows if windows is not None else page_windows(pages)
    resolver = Resolver(site, now)
    resolver.load(pages)
    parent_ids = _parent_ids(pages, site)
    records = []
    for page in pages:
        body = _Body(resolver, language_of(page))
        data = _data(page, body)
        window = windows.get(page.pk, ALWAYS)
        records.append(
            PageRecord(
                page_id=page.pk,
                site_id=site.pk,
                locale=language_of(page),
                translation_key=page.translation_key,
                path=page.path,
                depth=page.depth,
                parent_id=parent_ids.get(page.path[: -Page.steplen]),
                url_path=public_path(page, site),
                slug=page.slug,
                title=page.title,
                seo_title=page.seo_title or "",
                search_description=page.search_description or "",
                content_type_id=page.content_type_id,
                type_name=type(page).__name__,
                show_in_menus=page.show_in_menus,
                first_published_at=page.first_published_at,
                last_published_at=page.last_published_at,
                visible_from=window.start,
                visible_until=window.end,
                valid_until=body.valid_until,
                data=data,
            )
        )
    return records


def _parent_ids(pages, site) -> dict[str, int]:
    """Parent path -> page id, for parents inside the site (the site's home page has none)."""
    root_depth = site.root_page.depth
    paths = {page.path[: -Page.steplen] for page in pages if page.depth > root_depth}
    return dict(Page.objects.filter(path__in=paths).values_list("path", "pk")) if paths else {}
