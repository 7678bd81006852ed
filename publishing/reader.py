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
visibility rule itself (`LiveSource`), with the same code the store uses.

What is read outside transactions is also kept in the process
(`publishing.memo`), keyed by the content version and bounded in bytes: a
repeated request runs no SQL.
"""

import datetime
from functools import cached_property

import orjson
from django.conf import settings
from django.db import connection
from django.db.models import Case, F, Min, OuterRef, Q, Subquery, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from wagtail.models import Page, Site

from content_models.models import ContactPerson

from .languages import default_language, fallbacks, languages, site_roots, url_prefix
from .memo import MISSING, ByteLRU
from .models import PublicPage
from .records import PageRecord, build_records
from .specific import specific_pages
from .store import FIELDS
from .version import shared_version
from .visibility import member_pages, page_windows, public_images, public_pages, public_snippets, site_pages

STEPLEN = Page.steplen
MAX_CHILDREN = 100
# Longest that anything read is kept without looking at the schedule again.
MAX_SECONDS = 300
# Shorter than this, keeping something is not worth it.
MIN_SECONDS = 0.5


def _memo() -> ByteLRU:
    global _process_memo
    if _process_memo is None:
        _process_memo = ByteLRU(settings.PUBLISHING["MEMO_BYTES"])
    return _process_memo


_process_memo: ByteLRU | None = None


def clear_memo():
    if _process_memo is not None:
        _process_memo.clear()


def _size(value) -> int:
    if isinstance(value, list):
        return 100 + sum(_size(item) for item in value)
    if isinstance(value, PageRecord):
        # Python objects take about three times their JSON form.
        return 600 + 3 * len(orjson.dumps(value.data))
    return 1000


def kept(version: int | None, site: Site | None, key: tuple, make, *, until: float | None = None, size=None):
    """`make()`, remembered in this process for the content version (never inside transactions).

    `until` (wall clock) ends the entry early: at the next scheduled change, for answers that depend on it.
    """
    if version is None or site is None:
        return make()
    key = (version, site.pk, *key)
    found = _memo().get(key, MISSING)
    if found is MISSING:
        found = make()
        _memo().set(key, found, size if size is not None else _size(found), expires=until)
    return found


def visible_pages(site: Site | None, version: int | None, now=None):
    """The site's public pages as a `Page` queryset, for filters such as the search backend's."""
    now = now or timezone.now()
    if site is None:
        return Page.objects.none()
    if version is None:
        public = public_pages(site, now=now).values("pk")
    else:
        public = PublicPage.objects.filter(_window_q(now), site_id=site.pk).values("page_id")
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
    found = _memo().get(key)
    if found is None:
        found = source.deadline()
        _memo().set(key, found, 100, expires=found)
    return found


def _window_q(now) -> Q:
    return (Q(visible_from__isnull=True) | Q(visible_from__lte=now)) & (
        Q(visible_until__isnull=True) | Q(visible_until__gt=now)
    )


class StoredSource:
    """Records from the stored form; stale bodies made again on the spot."""

    def __init__(self, site: Site, now):
        self.site = site
        self.now = now

    def _select(self, condition: Q, *, window=False, window_slice=None, order=("path",)) -> list[PageRecord]:
        rows = PublicPage.objects.filter(condition, site_id=self.site.pk)
        if window:
            rows = rows.filter(_window_q(self.now))
        rows = rows.order_by(*order).values_list(*FIELDS, "stale")
        if window_slice is not None:
            rows = rows[window_slice]
        records, outdated = [], []
        for *values, stale in rows:
            record = PageRecord(*values)
            if stale or (record.valid_until is not None and record.valid_until <= self.now):
                outdated.append(record)
            records.append(record)
        if outdated:
            fresh = self._remake(outdated)
            records = [fresh.get(record.page_id, record) for record in records]
        return records

    def _remake(self, records) -> dict[int, PageRecord]:
        pages = specific_pages(Page.objects.filter(pk__in=[r.page_id for r in records]))
        windows = {r.page_id: r.window for r in records}
        return {r.page_id: r for r in build_records(self.site, pages, windows, now=self.now)}

    def by_path(self, url_path: str) -> PageRecord | None:
        found = self._select(Q(url_path=url_path))
        return found[0] if found else None

    def by_id(self, pk: int) -> PageRecord | None:
        found = self._select(Q(page_id=pk))
        return found[0] if found else None

    def by_slug(self, slug: str, languages: list[str]) -> PageRecord | None:
        """The first public page (in menu order) with this slug, in the first of the languages that has one."""
        return _first_by_language(self._select(Q(slug=slug, locale__in=languages), window=True), languages)

    def ancestors(self, paths: set[str]) -> list[PageRecord]:
        return self._select(Q(path__in=paths))

    def translations(self, keys: set, languages: list[str]) -> list[PageRecord]:
        return self._select(Q(translation_key__in=keys, locale__in=languages))

    def children(self, parent_ids: set[int], bound: int) -> list[PageRecord]:
        """The first `bound` public children of each parent, in menu order."""
        rank = Window(RowNumber(), partition_by=F("parent_id"), order_by=F("path").asc())
        ranked = PublicPage.objects.filter(_window_q(self.now), site_id=self.site.pk, parent_id__in=parent_ids)
        first = ranked.annotate(rank=rank).filter(rank__lte=bound).values("pk")
        return self._select(Q(pk__in=first))

    def listing(self, content_type_id: int | None, window_slice: slice, languages: list[str]) -> list[PageRecord]:
        """Public pages in the first of the languages each has, in the default language's menu order."""
        rows = PublicPage.objects.filter(_window_q(self.now), site_id=self.site.pk, locale__in=languages)
        if content_type_id:
            rows = rows.filter(content_type_id=content_type_id)
        if len(languages) == 1:
            return self._select(Q(pk__in=rows.values("pk")), window_slice=window_slice)
        preference = Case(*(When(locale=language, then=Value(i)) for i, language in enumerate(languages)))
        rank = Window(RowNumber(), partition_by=F("translation_key"), order_by=preference.asc())
        best = rows.annotate(rank=rank).filter(rank=1).values("pk")
        # Ordered where the default language has the page in its menu, else where the page itself is.
        in_default = PublicPage.objects.filter(
            site_id=self.site.pk, translation_key=OuterRef("translation_key"), locale=default_language()
        ).values("path")[:1]
        order = (Coalesce(Subquery(in_default), F("path")).asc(), "path")
        return self._select(Q(pk__in=best), window_slice=window_slice, order=order)

    def deadline(self) -> float:
        """When (wall clock) what is read now may stop being true: the next window to open or close.

        One statement: the earliest future time in each indexed column, pages and contact people alike.
        """
        pages, people = PublicPage._meta.db_table, ContactPerson._meta.db_table
        branches = [(pages, column, True) for column in ("visible_from", "visible_until", "valid_until")]
        branches += [(people, column, False) for column in ("go_live_at", "expire_at")]
        # Table and column names are this module's constants; every value is a parameter.
        sql = " UNION ALL ".join(
            f"SELECT MIN({column}) AS t FROM {table} WHERE {column} > %s"  # noqa: S608
            + (" AND site_id = %s" if by_site else "")
            for table, column, by_site in branches
        )
        params = [
            value for _, _, by_site in branches for value in ([self.now, self.site.pk] if by_site else [self.now])
        ]
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT MIN(t) FROM ({sql}) AS upcoming", params)  # noqa: S608
            (found,) = cursor.fetchone()
        if isinstance(found, str):
            # SQLite hands back the text it stores.
            found = parse_datetime(found)
        if found is not None and timezone.is_naive(found):
            found = timezone.make_aware(found, datetime.UTC)
        return _deadline(self.now, [found])


class LiveSource:
    """The same records, made on the spot from the visibility rule (inside transactions)."""

    def __init__(self, site: Site, now):
        self.site = site
        self.now = now

    def _make(self, pages) -> list[PageRecord]:
        pages = specific_pages(pages)
        return build_records(self.site, pages, page_windows(pages), now=self.now)

    def _members(self, condition: Q) -> list[PageRecord]:
        return self._make(member_pages(self.site).filter(condition))

    def by_path(self, url_path: str) -> PageRecord | None:
        # Wagtail's url_path runs from the tree root; a public path from a language's home page.
        tree_paths = [root.url_path + url_path[1:] for root in site_roots(self.site)]
        for language in languages():
            prefix = url_prefix(language)
            if prefix and url_path.startswith(prefix + "/"):
                tree_paths += [root.url_path + url_path[len(prefix) + 1 :] for root in site_roots(self.site)]
        found = [r for r in self._members(Q(url_path__in=tree_paths)) if r.url_path == url_path]
        return found[0] if found else None

    def by_id(self, pk: int) -> PageRecord | None:
        found = self._members(Q(pk=pk))
        return found[0] if found else None

    def by_slug(self, slug: str, languages: list[str]) -> PageRecord | None:
        pages = public_pages(self.site, now=self.now).filter(slug=slug, locale__language_code__in=languages)
        return _first_by_language(self._make(pages), languages)

    def ancestors(self, paths: set[str]) -> list[PageRecord]:
        return self._members(Q(path__in=paths))

    def translations(self, keys: set, languages: list[str]) -> list[PageRecord]:
        return self._members(Q(translation_key__in=keys, locale__language_code__in=languages))

    def children(self, parent_ids: set[int], bound: int) -> list[PageRecord]:
        found = []
        for path in Page.objects.filter(pk__in=parent_ids).values_list("path", flat=True):
            below = Q(path__startswith=path, depth=len(path) // STEPLEN + 1)
            found += self._make(public_pages(self.site, now=self.now).filter(below)[:bound])
        return found

    def listing(self, content_type_id: int | None, window_slice: slice, languages: list[str]) -> list[PageRecord]:
        pages = public_pages(self.site, now=self.now).filter(locale__language_code__in=languages)
        if content_type_id:
            pages = pages.filter(content_type_id=content_type_id)
        rows = list(pages.values_list("pk", "translation_key", "locale__language_code", "path"))
        in_default = {key: path for _, key, language, path in rows if language == default_language()}
        best: dict = {}
        for pk, key, language, path in rows:
            if key not in best or languages.index(language) < languages.index(best[key][1]):
                best[key] = (pk, language, in_default.get(key, path), path)
        chosen = sorted(best.values(), key=lambda found: (found[2], found[3]))[window_slice]
        made = {r.page_id: r for r in self._make(Page.objects.filter(pk__in=[found[0] for found in chosen]))}
        return [made[found[0]] for found in chosen]

    def deadline(self) -> float:
        now = self.now
        found = site_pages(self.site).aggregate(
            start=Min("go_live_at", filter=Q(go_live_at__gt=now)), end=Min("expire_at", filter=Q(expire_at__gt=now))
        )
        return _deadline(now, [*found.values(), *_contact_times(now)])


def _first_by_language(records: list[PageRecord], languages: list[str]) -> PageRecord | None:
    for language in languages:
        for record in records:
            if record.locale == language:
                return record
    return None


def _contact_times(now) -> list:
    found = ContactPerson.objects.aggregate(
        start=Min("go_live_at", filter=Q(go_live_at__gt=now)), end=Min("expire_at", filter=Q(expire_at__gt=now))
    )
    return list(found.values())


def _deadline(now, times) -> float:
    upcoming = [t for t in times if t is not None]
    seconds = MAX_SECONDS if not upcoming else min(MAX_SECONDS, (min(upcoming) - now).total_seconds())
    return now.timestamp() + max(0.0, seconds)


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
        site = _memo().get(key, MISSING)
        if site is MISSING:
            site = Site.find_for_request(self.request)
            _memo().set(key, site, 500)
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

    def page_by_path(self, url_path: str, language: str | None = None) -> PageRecord | None:
        """The public page at this path, or (with `language`) its translation there or in a fallback."""
        if self.site is None:
            return None
        record = self._kept(("path", url_path), lambda: self.source.by_path(url_path))
        return self._result(record, language)

    def page_by_id(self, pk: int, language: str | None = None) -> PageRecord | None:
        if self.site is None:
            return None
        return self._result(self._kept(("id", pk), lambda: self.source.by_id(pk)), language)

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
            found = _first_by_language([t for t in translations if t.translation_key == record.translation_key], chain)
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
