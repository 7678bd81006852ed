"""Request-scoped, batched access to public content.

Resolvers never query the database for one object at a time. Pages handed to
the API are *remembered*; the first time any of them needs a parent, children,
breadcrumbs, a linked page, document or contact person, the loader scans every
remembered page at once and fetches each kind of object in a single query.
That keeps the number of SQL queries constant whether a response holds one
page or a hundred, and one block or fifty.
"""

from collections import defaultdict

from django.db.models.functions import Length, Substr
from django.utils.functional import cached_property
from wagtail.models import Page

from content_models.models import ContactPerson

from .richtext import internal_link_ids, render_public_html
from .visibility import public_documents, public_pages, public_path, public_snippets, site_for_request

STEPLEN = Page.steplen


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


class PublicContent:
    def __init__(self, request):
        self.request = request
        self._remembered: dict[int, Page] = {}
        self._scanned: set[int] = set()
        self._wanted: dict[str, set[int]] = defaultdict(set)
        self._by_id: dict[str, dict[int, object]] = defaultdict(dict)
        self._pages_by_path: dict[str, Page | None] = {}
        self._children: dict[str, list[Page]] = {}

    @classmethod
    def for_request(cls, request) -> "PublicContent":
        if not hasattr(request, "_public_content"):
            request._public_content = cls(request)
        return request._public_content

    @cached_property
    def site(self):
        site = site_for_request(self.request)
        if site is not None:
            # One query for the site root; every URL below is derived from it.
            site.root_page = Page.objects.get(pk=site.root_page_id)
        return site

    def pages(self):
        return public_pages(self.site)

    def remember(self, pages):
        for page in pages:
            if page is not None:
                self._remembered.setdefault(page.pk, page)
                self._pages_by_path.setdefault(page.path, page)
        return pages

    # URLs -------------------------------------------------------------------

    def path_of(self, page) -> str:
        return public_path(page, self.site)

    def absolute_url(self, path: str) -> str:
        return self.site.root_url.rstrip("/") + path if self.site.root_url else path

    def document_url(self, document) -> str:
        return self.request.build_absolute_uri(document.url)

    # Batched lookups ----------------------------------------------------------

    def _scan_remembered(self):
        for pk, page in self._remembered.items():
            if pk in self._scanned:
                continue
            self._scanned.add(pk)
            body = getattr(page, "body", None)
            if body is not None:
                for kind, ref in iter_stream_refs(body.raw_data):
                    self._wanted[kind].add(ref)

    def _load(self, kind: str, pk: int):
        cache = self._by_id[kind]
        if pk not in cache:
            self._scan_remembered()
            wanted = (self._wanted[kind] | {pk}) - cache.keys()
            queryset = {
                "page": lambda: self.pages().filter(pk__in=wanted).specific(),
                "document": lambda: public_documents().filter(pk__in=wanted),
                "contact": lambda: public_snippets(ContactPerson).filter(pk__in=wanted),
            }[kind]()
            found = {obj.pk: obj for obj in queryset}
            for ref in wanted:
                cache[ref] = found.get(ref)
            if kind == "page":
                self.remember(found.values())
        return cache[pk]

    def page(self, pk: int):
        return self._load("page", pk)

    def document(self, pk: int):
        return self._load("document", pk)

    def contact(self, pk: int):
        return self._load("contact", pk)

    def _ensure_paths(self, paths: set[str]):
        missing = paths - self._pages_by_path.keys()
        if missing:
            found = {page.path: page for page in self.pages().filter(path__in=missing).specific()}
            for path in missing:
                self._pages_by_path[path] = found.get(path)
            self.remember(found.values())

    def ancestors(self, page) -> list[Page]:
        """Visible ancestors from the site's home page down to the parent."""
        root_depth = self.site.root_page.depth
        wanted = {p.path[: STEPLEN * depth] for p in self._remembered.values() for depth in range(root_depth, p.depth)}
        self._ensure_paths(wanted | {page.path[: STEPLEN * d] for d in range(root_depth, page.depth)})
        chain = [self._pages_by_path.get(page.path[: STEPLEN * d]) for d in range(root_depth, page.depth)]
        # A hidden ancestor hides the page itself, so a gap here means the page is not public.
        return [p for p in chain if p is not None]

    def parent(self, page):
        if page.depth <= self.site.root_page.depth:
            return None
        ancestors = self.ancestors(page)
        return ancestors[-1] if ancestors else None

    def children(self, page) -> list[Page]:
        if page.path not in self._children:
            parents = {p.path for p in self._remembered.values()} - self._children.keys()
            parents.add(page.path)
            found = (
                self.pages()
                .filter(depth__in={len(path) // STEPLEN + 1 for path in parents})
                .annotate(parent_path=Substr("path", 1, Length("path") - STEPLEN))
                .filter(parent_path__in=parents)
                .specific()
            )
            grouped = defaultdict(list)
            for child in found:
                grouped[child.path[:-STEPLEN]].append(child)
            for path in parents:
                self._children[path] = grouped.get(path, [])
            self.remember(found)
        return self._children[page.path]

    def link(self, raw: dict) -> tuple[str, str, bool] | None:
        """(title, url, is_external) for a stored related link, or None if its target is hidden."""
        title = raw.get("title") or ""
        if isinstance(raw.get("page"), int):
            page = self.page(raw["page"])
            return (title or page.title, self.path_of(page), False) if page is not None else None
        if isinstance(raw.get("document"), int):
            document = self.document(raw["document"])
            return (title or document.title, self.document_url(document), False) if document is not None else None
        if raw.get("url"):
            return title or raw["url"], raw["url"], True
        return None

    # Rich text ----------------------------------------------------------------

    def resolve_link(self, linktype: str, pk: int) -> str | None:
        if linktype == "page":
            target = self.page(pk)
            return self.path_of(target) if target is not None else None
        if linktype == "document":
            document = self.document(pk)
            return self.document_url(document) if document is not None else None
        return None

    def rich_text(self, source: str) -> str:
        return render_public_html(source, self.resolve_link)
