"""Public content as a request reads it: a few indexed queries on the stored form.

Every channel reads pages through `PublicContent.for_request(request)`: the
GraphQL resolvers, the HTML site and search. A page comes back as a
`publishing.records.PageRecord` with its body already resolved, so a full
page is one query for the page and one for its ancestors and children
together, however many blocks, links and contacts it has.

Outside a transaction the records come from the stored form
(`publishing.models.PublicPage`), with the clock applied to each page's
window, so scheduled go-live and expiry take effect on the second. A row
whose body shows something that changed since it was stored (marked stale,
or past its `valid_until`) is made again on the spot until the worker has
stored the new one.

Inside a transaction (tests, admin actions) what is read may be uncommitted
and nothing may be kept: the same records are made on the spot from the
visibility rule itself (`publishing.sources`), with the same code the store uses.

What is read outside transactions is also kept in the process
(`publishing.memo`), keyed by the content version and bounded in bytes: a
repeated request runs no SQL.
"""

import threading
from functools import cached_property

import orjson
from django.conf import settings
from django.utils import timezone
from wagtail.models import Page, Site

from content_models.models import ContactPerson

from .languages import default_language, fallbacks, languages
from .memo import MISSING, ByteLRU
from .models import PublicPage
from .records import PageRecord
from .sources import MAX_SECONDS, STEPLEN, LiveSource, PageAndChildren, StoredSource, first_by_language, window_q
from .version import shared_version
from .visibility import public_images, public_pages, public_snippets

MAX_CHILDREN = 100
# Shorter than this, keeping something is not worth it.
MIN_SECONDS = 0.5


# Each pool has its own byte budget: a crawl through thousands of pages must not push out the answers to
# the popular searches, which cost far more to make again than a page, nor what every request needs (the
# site, the next scheduled change): docs/performance.md.
SITE_MEMO_BYTES = 1024 * 1024
_memos: dict[str, ByteLRU] = {}
_memos_lock = threading.Lock()


def _budget(pool: str) -> int:
    if pool == "site":
        return SITE_MEMO_BYTES
    return settings.PUBLISHING["SEARCH_MEMO_BYTES" if pool == "search" else "MEMO_BYTES"]


def memo_pool(pool: str = "pages") -> ByteLRU:
    found = _memos.get(pool)
    if found is None:
        with _memos_lock:
            found = _memos.setdefault(pool, ByteLRU(_budget(pool)))
    return found


def clear_memo():
    for memo in list(_memos.values()):
        memo.clear()


def _size(value) -> int:
    if isinstance(value, PageAndChildren):
        return _size(value.page) + _size(value.children)
    if isinstance(value, list):
        return 100 + sum(_size(item) for item in value)
    if isinstance(value, PageRecord):
        # Python objects take about three times their JSON form.
        return 600 + 3 * len(orjson.dumps(value.data))
    if isinstance(value, tuple):
        # A sitemap address: a path, a language code, a UUID and a datetime.
        return 400
    return 1000


def kept(
    version: int | None, site: Site | None, key: tuple, make, *, until: float | None = None, size=None, pool="pages"
):
    """`make()`, remembered in this process for the content version (never inside transactions).

    `until` (wall clock) ends the entry early: at the next scheduled change, for answers that depend on it.
    `pool` names the budget it counts against (`POOLS`).
    """
    if version is None or site is None:
        return make()
    key = (version, site.pk, *key)
    memo = memo_pool(pool)
    found = memo.get(key, MISSING)
    if found is MISSING:
        found = make()
        # A body showing something with its own window (a contact person who expires) is true only until then;
        # no signal marks that moment, so nothing may serve the body past it.
        ends = [t for t in (until, _body_valid_until(found)) if t is not None]
        memo.set(key, found, size if size is not None else _size(found), expires=min(ends) if ends else None)
    return found


def _body_valid_until(value) -> float | None:
    """The earliest `valid_until` (wall clock) of the records in what was read, if any has one."""
    if isinstance(value, PageAndChildren):
        records = [value.page, *value.children]
    else:
        records = value if isinstance(value, list) else [value]
    ends = [r.valid_until.timestamp() for r in records if isinstance(r, PageRecord) and r.valid_until is not None]
    return min(ends) if ends else None


def visible_pages(site: Site | None, version: int | None, now=None):
    """The site's public pages as a `Page` queryset, for filters such as the search backend's."""
    now = now or timezone.now()
    if site is None:
        return Page.objects.none()
    if version is None:
        public = public_pages(site, now=now).values("pk")
    else:
        public = PublicPage.objects.filter(window_q(now), site_id=site.pk).values("page_id")
    # A plain `pk IN (...)` filter: search backends accept nothing more complex.
    return Page.objects.filter(pk__in=public).order_by("path")


def site_deadline(site: Site | None, version: int | None, now=None) -> float:
    """Until when (wall clock) what is read from the site's public content now stays true."""
    now = now or timezone.now()
    if site is None:
        return now.timestamp() + MAX_SECONDS
    source = (StoredSource if version is not None else LiveSource)(site, now)
    if version is None:
        return source.deadline()
    key = (version, site.pk, "deadline")
    found = memo_pool("site").get(key)
    if found is None:
        found = source.deadline()
        memo_pool("site").set(key, found, 100, expires=found)
    return found


class PublicContent:
    """What one request reads of public content (see the module docstring)."""

    def __init__(self, request):
        self.request = request
        self.now = timezone.now()
        # Pages handed out as results: their children and breadcrumbs are what a client asks for next.
        self._results: dict[int, PageRecord] = {}
        self._by_path: dict[str, PageRecord | None] = {}
        # parent id -> (how many were asked for, the first that many public children)
        self._children: dict[int, tuple[int, list[PageRecord]]] = {}
        # page id -> the language it was asked for in, where that is not its own (a fallback)
        self._served: dict[int, str] = {}

    @classmethod
    def for_request(cls, request) -> "PublicContent":
        if not hasattr(request, "_public_content"):
            request._public_content = cls(request)
        return request._public_content

    @cached_property
    def version(self) -> int | None:
        """The content version this request is answered from; None inside a transaction, where nothing is kept."""
        return shared_version(self.request)

    @cached_property
    def site(self) -> Site | None:
        if self.version is None:
            return Site.find_for_request(self.request)
        key = ("site", self.request.get_host(), self.request.get_port(), self.version)
        site = memo_pool("site").get(key, MISSING)
        if site is MISSING:
            site = Site.find_for_request(self.request)
            memo_pool("site").set(key, site, 500)
        return site

    @cached_property
    def source(self):
        cls = StoredSource if self.version is not None else LiveSource
        return cls(self.site, self.now)

    @cached_property
    def origin(self) -> str:
        """Scheme and host of the request: documents are served from the host the client used."""
        return f"{self.request.scheme}://{self.request.get_host()}"

    def absolute_url(self, path: str) -> str:
        root = self.site.root_url if self.site is not None else ""
        return root.rstrip("/") + path if root else path

    def document_url(self, url: str) -> str:
        return self.origin + url if url.startswith("/") else url

    def html(self, html: str) -> str:
        """Stored rich text with its document links made absolute for this request's host."""
        return html.replace('href="/documents/', f'href="{self.origin}/documents/') if "/documents/" in html else html

    # Keeping what was read ------------------------------------------------------

    def _kept(self, key, make, *, until: float | None = None, size=None):
        return kept(self.version, self.site, key, make, until=until, size=size)

    def deadline(self) -> float:
        """Until when (wall clock) what this request reads stays true."""
        return site_deadline(self.site, self.version, self.now)

    def _visible(self, record: PageRecord | None) -> PageRecord | None:
        if record is None or not record.window.contains(self.now):
            return None
        return record

    # Lookups ------------------------------------------------------------------------

    def remember(self, records, *, result=True):
        for record in records:
            if record is not None:
                self._by_path.setdefault(record.path, record)
                if result:
                    self._results.setdefault(record.page_id, record)
        return records

    def page_by_path(self, url_path: str, language: str | None = None, *, children: int = 0) -> PageRecord | None:
        """The public page at this path, or (with `language`) its translation there or in a fallback.

        `children`: how many of its children the caller will ask for next, read in the same statement.
        """
        if self.site is None:
            return None
        return self._result(self._page("path", url_path, children), language)

    def page_by_id(self, pk: int, language: str | None = None, *, children: int = 0) -> PageRecord | None:
        if self.site is None:
            return None
        return self._result(self._page("id", pk, children), language)

    def _page(self, key: str, value, children: int) -> PageRecord | None:
        if not children:
            lookup = self.source.by_id if key == "id" else self.source.by_path
            return self._kept((key, value), lambda: lookup(value))
        record, found = self._kept(
            (key, value, "children", children),
            lambda: self.source.with_children(key, value, children),
            until=self.deadline(),
        )
        if record is not None and record.page_id not in self._children:
            self._children[record.page_id] = (children, found)
        return record

    def page_by_slug(self, slug: str, language: str | None = None) -> PageRecord | None:
        """The first public page with this slug in the language (by default the default one), or a fallback."""
        if self.site is None:
            return None
        chain = fallbacks(language or default_language())
        found = self._kept(("slug", slug, *chain), lambda: self.source.by_slug(slug, chain), until=self.deadline())
        return self._result(found, language)

    def _result(self, record, language=None):
        record = self._visible(record)
        if record is not None and language is not None:
            record = self.in_language(record, language)
        if record is not None:
            self.remember([record])
        return record

    def pages(
        self, *, content_type_id: int | None = None, window: slice, language: str | None = None
    ) -> list[PageRecord]:
        """Public pages in menu order, optionally of one type, in a language (each in a fallback where it has to be)."""
        if self.site is None:
            return []
        chain = fallbacks(language) if language else [default_language()]
        found = self._kept(
            ("list", content_type_id, window.start, window.stop, *chain),
            lambda: self.source.listing(content_type_id, window, chain),
            until=self.deadline(),
        )
        records = [r for r in found if self._visible(r)]
        self._serve(records, chain[0])
        return self.remember(records)

    def addresses(self) -> list[tuple]:
        """Where every public page is (for sitemaps): (url_path, locale, translation_key, last_published_at)."""
        if self.site is None:
            return []
        return self._kept(("addresses",), self.source.addresses, until=self.deadline())

    # Languages -------------------------------------------------------------------------

    def _serve(self, records, language: str):
        for record in records:
            if record.locale != language:
                self._served[record.page_id] = language

    def served_language(self, record: PageRecord) -> str:
        """The language the page was asked for in: its own, or one it stands in for."""
        return self._served.get(record.page_id, record.locale)

    def is_fallback(self, record: PageRecord) -> bool:
        return self.served_language(record) != record.locale

    def _translations(self, keys: set, chain: list[str]) -> list[PageRecord]:
        if not keys:
            return []
        found = self._kept(
            ("translations", frozenset(keys), *chain),
            lambda: self.source.translations(keys, chain),
            size=None,
        )
        return [r for r in found if self._visible(r)]

    def in_language(self, record: PageRecord, language: str) -> PageRecord | None:
        """The page's public translation in `language`, or in the first of its fallbacks that has one."""
        return self.all_in_language([record], language)[0]

    def all_in_language(self, records: list[PageRecord], language: str) -> list[PageRecord | None]:
        """`in_language` for many pages with one query; None where no language of the chain has the page."""
        chain = fallbacks(language)
        wanted = {r.translation_key for r in records if r.locale != language}
        translations = self._translations(wanted, chain)
        chosen = []
        for record in records:
            if record.locale == language:
                chosen.append(record)
                continue
            found = first_by_language([t for t in translations if t.translation_key == record.translation_key], chain)
            if found is not None:
                self._serve([found], language)
            chosen.append(found)
        return chosen

    def translated(self, page_ids, languages_: list[str]) -> set[int]:
        """Which of these pages have a public translation in one of the languages."""
        keys = (
            dict(
                PublicPage.objects.filter(site_id=self.site.pk, page_id__in=list(page_ids)).values_list(
                    "page_id", "translation_key"
                )
            )
            if self.site is not None
            else {}
        )
        found = {r.translation_key for r in self._translations(set(keys.values()), languages_)}
        return {pk for pk, key in keys.items() if key in found}

    def translations(self, record: PageRecord) -> list[PageRecord]:
        """The page's public translations in the other languages."""
        others = [language for language in languages() if language != record.locale]
        return [r for r in self._translations({record.translation_key}, others) if r.page_id != record.page_id]

    def _fill_ancestors(self, record: PageRecord):
        """Fetch the ancestors of every result page in one query, whoever asks first."""
        root_depth = self.site.root_page.depth
        sources = {**self._results, record.page_id: record}.values()
        paths = {r.path[: STEPLEN * d] for r in sources for d in range(root_depth, r.depth)} - self._by_path.keys()
        if not paths:
            return
        found = {r.path: r for r in self._kept(("ancestors", frozenset(paths)), lambda: self.source.ancestors(paths))}
        for path in paths:
            self._by_path[path] = found.get(path)

    def ancestors(self, record: PageRecord) -> list[PageRecord]:
        """Public ancestors from the site's home page down to the parent."""
        root_depth = self.site.root_page.depth
        wanted = [record.path[: STEPLEN * d] for d in range(root_depth, record.depth)]
        if any(path not in self._by_path for path in wanted):
            self._fill_ancestors(record)
        chain = [self._visible(self._by_path.get(path)) for path in wanted]
        # A hidden ancestor hides the page itself, so a gap here means the page is not public.
        found = [r for r in chain if r is not None]
        return self._in_served_language(record, found)

    def _in_served_language(self, record: PageRecord, related: list[PageRecord]) -> list[PageRecord]:
        """Pages shown with a page served in another language (a fallback) are shown in that language too."""
        language = self.served_language(record)
        if language == record.locale:
            return related
        translated = self.all_in_language(related, language)
        return [found or original for found, original in zip(translated, related, strict=True)]

    def parent(self, record: PageRecord) -> PageRecord | None:
        if record.depth <= self.site.root_page.depth:
            return None
        found = self.ancestors(record)
        return found[-1] if found else None

    def children(self, record: PageRecord, *, limit: int = MAX_CHILDREN, offset: int = 0) -> list[PageRecord]:
        """Public children in menu order; fetched for every result page at once, whoever asks first."""
        bound = offset + limit
        known = self._children.get(record.page_id)
        if known is None or known[0] < bound:
            sources = {**self._results, record.page_id: record}.values()
            parents = {r.page_id for r in sources if self._children.get(r.page_id, (0,))[0] < bound}
            found = self._kept(
                ("children", frozenset(parents), bound),
                lambda: self.source.children(parents, bound),
                until=self.deadline(),
            )
            for parent in parents:
                self._children[parent] = (bound, [r for r in found if r.parent_id == parent])
        # Results of this request, so their own children and breadcrumbs are batched too.
        return self.remember(self._in_served_language(record, self._children[record.page_id][1][offset:bound]))

    # Other public content ------------------------------------------------------------

    def image_rendition(self, image_id: int, filter_spec: str):
        """A rendition of a public image, made on first use (callers allow a fixed set of filters)."""
        image = self._kept(
            ("image", image_id), lambda: public_images().filter(pk=image_id).prefetch_renditions().first(), size=5000
        )
        return image.get_rendition(filter_spec) if image is not None else None

    def contact_people(self, window: slice, language: str | None = None) -> list[ContactPerson]:
        """Public contact people in name order, each in the language (or its first fallback that has them)."""
        chain = fallbacks(language or default_language())
        return self._kept(
            ("contacts", window.start, window.stop, *chain),
            lambda: _in_chain(public_snippets(ContactPerson, now=self.now), chain)[window],
            until=self.deadline(),
        )

    def contact_person(self, pk: int, language: str | None = None) -> ContactPerson | None:
        def find():
            public = public_snippets(ContactPerson, now=self.now)
            person = public.filter(pk=pk).first()
            if person is None or language is None:
                return person
            found = _in_chain(public.filter(translation_key=person.translation_key), fallbacks(language))
            return found[0] if found else None

        return self._kept(("contact", pk, language), find, until=self.deadline())


def _in_chain(people, chain: list[str]) -> list:
    """One person per translation group, in the first language of the chain they have; in name order."""
    best: dict = {}
    for person in people.filter(locale__language_code__in=chain).select_related("locale"):
        rank = chain.index(person.locale.language_code)
        if person.translation_key not in best or rank < best[person.translation_key][0]:
            best[person.translation_key] = (rank, person)
    return sorted((person for _, person in best.values()), key=lambda person: (person.name, person.pk))
