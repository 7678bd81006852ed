"""Request-scoped, batched access to public content.

Resolvers never query the database for one object at a time. Pages handed to
the API are *remembered*; the first time any of them needs a parent, children,
breadcrumbs, a linked page, document or contact person, the loader scans every
remembered page at once and fetches each kind of object in a single query.
That keeps the number of SQL queries constant whether a response holds one
page or a hundred, and one block or fifty.

What is fetched is kept for later requests in the process's generation for
the current content version (`api.content_memo`), so a repeated request runs
no SQL at all.
"""

from collections import defaultdict
from functools import cache

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils.functional import cached_property
from wagtail.models import Page, get_page_models

from content_models.models import ContactPerson
from publishing.version import shared_version
from publishing.visibility import public_documents, public_images, public_path, public_snippets

from .content_memo import deadline_for, generation_for
from .images import RENDITION_FILTERS
from .richtext import internal_link_ids, render_public_html
from .visibility_cache import request_pages, request_site

STEPLEN = Page.steplen


@cache
def _specific_paths() -> dict[type, tuple[str, ...]]:
    """Model -> chain of reverse parent links from `Page` down to it, e.g. ("themepage",)."""
    paths = {}
    for model in get_page_models():
        chain, current = [], model
        while current is not Page:
            parent, link = next(iter(current._meta.parents.items()))
            chain.append(link.related_query_name())
            current = parent
        if chain:
            paths[model] = tuple(reversed(chain))
    return paths


def with_specific(queryset):
    """The queryset with every page type's own columns joined in (see `specific_page`).

    Wagtail's `.specific()` costs one query plus one per page type in the
    result; left-joining each type's table keeps it to exactly one.
    """
    return queryset.select_related(*("__".join(path) for path in _specific_paths().values()))


def specific_page(page: Page) -> Page:
    """The typed page from a row of `with_specific`, without another query."""
    model = ContentType.objects.get_for_id(page.content_type_id).model_class()
    path = _specific_paths().get(model)
    if path is None:
        return page
    specific = page
    for name in path:
        specific = getattr(specific, name)
    return specific


def specific_pages(queryset) -> list[Page]:
    return [specific_page(page) for page in with_specific(queryset)]


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
        # Pages handed out as results (not ancestors or link targets): their
        # children and breadcrumbs are what a client asks for next.
        self._results: dict[int, Page] = {}
        # Pages this request was handed, by path; a preview's draft lives here and never in `shared`.
        self._local_by_path: dict[str, Page] = {}
        self._scanned: set[int] = set()
        self._wanted: dict[str, set[int]] = defaultdict(set)
        self._expected: set[str] = set()

    @classmethod
    def for_request(cls, request) -> "PublicContent":
        if not hasattr(request, "_public_content"):
            request._public_content = cls(request)
        return request._public_content

    @cached_property
    def version(self):
        """The content version this request is answered from; None inside a transaction, where nothing is shared."""
        return shared_version(self.request)

    @cached_property
    def site(self):
        # One query: Wagtail's site lookup joins in the root page that every URL is derived from.
        return request_site(self.request, self.version)

    @cached_property
    def origin(self) -> tuple[str, str]:
        """(scheme, host), worked out once per request, not for every link and section."""
        return self.request.scheme, self.request.get_host()

    @cached_property
    def shared(self):
        return generation_for(self.site, self.version)

    def deadline(self) -> float:
        """Until when (wall clock) what this request reads stays true (see `api.content_memo.deadline_for`)."""
        return deadline_for(self.site, self.version)

    @cached_property
    def _public_pages(self):
        # The rule's result, cached until content or the schedule changes; the
        # rule itself (ancestor checks on every row) runs only on a cache miss.
        return request_pages(self.site)

    def pages(self):
        """The public pages of this request's site (one rule, built once per request)."""
        return self._public_pages.all()

    def remember(self, pages, *, result=True):
        for page in pages:
            if page is not None:
                self._remembered.setdefault(page.pk, page)
                self._local_by_path.setdefault(page.path, page)
                if result:
                    self._results.setdefault(page.pk, page)
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
            if getattr(page, "image_id", None):
                self._wanted["image"].add(page.image_id)
            body = getattr(page, "body", None)
            if body is not None:
                for kind, ref in iter_stream_refs(body.raw_data):
                    self._wanted[kind].add(ref)

    def find_page(self, field: str, value):
        """The first public page (in tree order) whose `field` is `value`, or None."""
        lookups = self.shared.lookups
        key = (field, value)
        if key not in lookups:
            found = specific_pages(self.pages().filter(**{field: value})[:1])
            lookups[key] = found[0] if found else None
        page = lookups[key]
        return self.remember([page])[0] if page is not None else None

    def _page_at(self, path: str):
        return self._local_by_path.get(path) or self.shared.pages_by_path.get(path)

    def _known_paths(self, paths: set[str]) -> set[str]:
        return {p for p in paths if p in self._local_by_path or p in self.shared.pages_by_path}

    def expect(self, fields: set[str]):
        """Note which page fields the query selects, so their lookups can share one query."""
        self._expected |= fields

    def _load(self, kind: str, pk: int):
        cache = self.shared.by_id[kind]
        if pk not in cache:
            if kind == "page":
                self._fill_pages(links=True, extra_pk=pk)
                return cache[pk]
            self._scan_remembered()
            wanted = (self._wanted[kind] | {pk}) - cache.keys()
            queryset = {
                "document": lambda: public_documents().filter(pk__in=wanted),
                "contact": lambda: public_snippets(ContactPerson).filter(pk__in=wanted),
                "image": lambda: public_images().filter(pk__in=wanted).prefetch_renditions(*RENDITION_FILTERS),
            }[kind]()
            found = {obj.pk: obj for obj in queryset}
            for ref in wanted:
                cache[ref] = found.get(ref)
        return cache[pk]

    def page(self, pk: int):
        return self._load("page", pk)

    def document(self, pk: int):
        return self._load("document", pk)

    def contact(self, pk: int):
        return self._load("contact", pk)

    def image(self, pk: int):
        return self._load("image", pk)

    def image_url(self, image, filter_spec: str) -> str:
        return self.request.build_absolute_uri(image.get_rendition(filter_spec).url)

    def _fill_pages(self, *, page=None, ancestors=False, children=False, links=False, extra_pk=None):
        """Fetch ancestors, children and linked pages of every result page in one query.

        What the query is known to select (see `expect`) is fetched along with
        what is asked for now, so a full page costs one query here, not three.
        """
        ancestors = ancestors or bool(self._expected & {"breadcrumbs", "parent"})
        children = children or "children" in self._expected
        links = links or "body" in self._expected
        sources = [*self._results.values(), *([page] if page is not None else [])]
        root_depth = self.site.root_page.depth

        paths: set[str] = set()
        if ancestors:
            paths = {p.path[: STEPLEN * d] for p in sources for d in range(root_depth, p.depth)}
            paths -= self._known_paths(paths)
        shared = self.shared
        parents: set[str] = set()
        if children:
            parents = {p.path for p in sources} - shared.children.keys()
        pks: set[int] = set()
        if links:
            self._scan_remembered()
            pks = (self._wanted["page"] | ({extra_pk} if extra_pk is not None else set())) - shared.by_id["page"].keys()
        if not (paths or parents or pks):
            return

        condition = Q(path__in=paths) | Q(pk__in=pks)
        for parent_path in parents:
            # A prefix match on the indexed path (not a computed parent path) keeps this an index scan.
            condition |= Q(path__startswith=parent_path, depth=len(parent_path) // STEPLEN + 1)
        found = specific_pages(self.pages().filter(condition))
        grouped = defaultdict(list)
        for found_page in found:
            parent_path = found_page.path[:-STEPLEN]
            if parent_path in parents:
                grouped[parent_path].append(found_page)
        # Misses are recorded too: a hidden page is never looked up twice.
        by_path = {p.path: p for p in found}
        by_pk = {p.pk: p for p in found}
        for path in paths:
            shared.pages_by_path[path] = by_path.get(path)
        for pk in pks:
            shared.by_id["page"][pk] = by_pk.get(pk)
        for path in parents:
            shared.children[path] = grouped.get(path, [])
        self.remember([p for p in found if p.path in paths or p.pk in pks], result=False)
        # Children are results: a client that lists them usually reads their fields next.
        self.remember([child for path in parents for child in grouped.get(path, [])])

    def ancestors(self, page) -> list[Page]:
        """Visible ancestors from the site's home page down to the parent."""
        root_depth = self.site.root_page.depth
        wanted = {page.path[: STEPLEN * d] for d in range(root_depth, page.depth)}
        if wanted - self._known_paths(wanted):
            self._fill_pages(page=page, ancestors=True)
        chain = [self._page_at(page.path[: STEPLEN * d]) for d in range(root_depth, page.depth)]
        # A hidden ancestor hides the page itself, so a gap here means the page is not public.
        return [p for p in chain if p is not None]

    def parent(self, page):
        if page.depth <= self.site.root_page.depth:
            return None
        ancestors = self.ancestors(page)
        return ancestors[-1] if ancestors else None

    def children(self, page) -> list[Page]:
        children = self.shared.children
        if page.path not in children:
            # Batched over result pages only: an ancestor's children (a whole
            # section of the site) are fetched only when someone asks for them.
            self._fill_pages(page=page, children=True)
        # Results of this request whichever request fetched them, so their links are batched too.
        return self.remember(children[page.path])

    def _target(self, linktype: str, pk: int) -> tuple[str, str] | None:
        """(title, public URL) of a linked page or document, or None if the public cannot see it."""
        if linktype == "page":
            page = self.page(pk)
            return (page.title, self.path_of(page)) if page is not None else None
        if linktype == "document":
            document = self.document(pk)
            return (document.title, self.document_url(document)) if document is not None else None
        return None

    def link(self, raw: dict) -> tuple[str, str, bool] | None:
        """(title, url, is_external) for a stored related link, or None if its target is hidden."""
        title = raw.get("title") or ""
        for linktype in ("page", "document"):
            if isinstance(raw.get(linktype), int):
                target = self._target(linktype, raw[linktype])
                return (title or target[0], target[1], False) if target is not None else None
        if raw.get("url"):
            return title or raw["url"], raw["url"], True
        return None

    # Rich text ----------------------------------------------------------------

    def resolve_link(self, linktype: str, pk: int) -> str | None:
        target = self._target(linktype, pk)
        return target[1] if target is not None else None

    def rich_text(self, source: str) -> str:
        # Document links are absolute URLs on the request's own scheme and host.
        key = (*self.origin, source)
        rendered = self.shared.rich_text
        if key not in rendered:
            rendered[key] = render_public_html(source, self.resolve_link)
        return rendered[key]
