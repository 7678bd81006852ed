"""Where `PublicContent` gets its records: the stored form, or the visibility rule itself.

`StoredSource` reads `publishing.models.PublicPage` rows, applying the clock
to each row's window and making again on the spot a body that is stale or
past its `valid_until`. `LiveSource` makes the same records from the
visibility rule with the code the store uses; it serves reads inside a
transaction, where what is read may be uncommitted. Both answer the same
questions, so the reader does not know which one it has.
"""

import datetime
import functools
from operator import attrgetter
from typing import NamedTuple

import orjson
from django.db import connection
from django.db.models import Case, F, JSONField, Min, OuterRef, Q, Subquery, Value, When, Window
from django.db.models.functions import Coalesce, RowNumber
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from wagtail.models import Page, Site

from content_models.models import ContactPerson

from .languages import default_language, languages, site_roots, url_prefix
from .models import PublicPage
from .records import PageRecord, build_records
from .specific import specific_pages
from .statements import fetch_rows
from .store import FIELDS
from .visibility import member_pages, page_windows, public_pages, public_path, site_pages

STEPLEN = Page.steplen
SITEMAP_FIELDS = ("url_path", "locale", "translation_key", "last_published_at")
# Longest that anything read is kept without looking at the schedule again.
MAX_SECONDS = 300
# The stored column each kind of page lookup (`with_children`) matches.
LOOKUP_COLUMNS = {"id": "page_id", "path": "url_path"}


class PageAndChildren(NamedTuple):
    """A page and its first public children, read together (`with_children`)."""

    page: PageRecord | None
    children: list[PageRecord]


def window_q(now) -> Q:
    return (Q(visible_from__isnull=True) | Q(visible_from__lte=now)) & (
        Q(visible_until__isnull=True) | Q(visible_until__gt=now)
    )


# `window_q` as SQL, for `StoredSource._fetch`: the same rule, kept beside it (tests/test_query_cost.py reads
# both ways and compares).
WINDOW_SQL = "(visible_from IS NULL OR visible_from <= %s) AND (visible_until IS NULL OR visible_until > %s)"


@functools.cache
def _statement(vendor: str) -> tuple[str, list]:
    """The head of a stored-record select (`SELECT <FIELDS>, stale FROM ... WHERE site_id = %s AND `), and
    Django's converters for its columns (JSON, UUIDs and datetimes read back as the ORM reads them).

    A page request makes three lookups (the page, its ancestors, its children); compiling each with the ORM
    cost 0.5-1.5 ms of CPU, against 0.15 ms to run it, on 10,000 pages (docs/performance.md).
    """
    quote = connection.ops.quote_name
    table = PublicPage._meta.db_table
    fields = [PublicPage._meta.get_field(name) for name in (*FIELDS, "stale")]
    columns = ", ".join(quote(field.column) for field in fields)
    converters = []
    for position, field in enumerate(fields):
        column = field.get_col(table)
        functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if isinstance(field, JSONField) and field.decoder is None:
            functions = [_json_value if f == field.from_db_value else f for f in functions]
        if functions:
            converters.append((position, functions, column))
    return f"SELECT {columns} FROM {quote(table)} WHERE site_id = %s AND ", converters  # noqa: S608


def _json_value(value, expression, connection):
    """`JSONField.from_db_value` with orjson: a stored body read 4-5x faster (4 % of a random page's CPU).

    The same values: orjson differs only on integers beyond 64 bits (read as floats), and a stored body's
    numbers are ids and positions (no block takes a number from editors)."""
    if not isinstance(value, str | bytes):
        return value
    try:
        return orjson.loads(value)
    except orjson.JSONDecodeError:
        return JSONField().from_db_value(value, expression, connection)


def _converted(row, converters) -> list:
    row = list(row)
    for position, functions, column in converters:
        value = row[position]
        for function in functions:
            value = function(value, column, connection)
        row[position] = value
    return row


class StoredSource:
    """Records from the stored form; stale bodies made again on the spot."""

    def __init__(self, site: Site, now):
        self.site = site
        self.now = now

    def _select(self, condition: Q, *, window=False, window_slice=None, order=("path",)) -> list[PageRecord]:
        rows = PublicPage.objects.filter(condition, site_id=self.site.pk)
        if window:
            rows = rows.filter(window_q(self.now))
        rows = rows.order_by(*order).values_list(*FIELDS, "stale")
        if window_slice is not None:
            rows = rows[window_slice]
        return self._records(rows)

    def _fetch(self, condition: str, params: list, *, window=False, limit: int | None = None) -> list[PageRecord]:
        """`_select` for the lookups every page request makes, in SQL written once per process (`_statement`)."""
        head, converters = _statement(connection.vendor)
        sql, params = head + condition, [self.site.pk, *params]
        if window:
            now = connection.ops.adapt_datetimefield_value(self.now)
            sql += " AND " + WINDOW_SQL
            params += [now, now]
        sql += " ORDER BY path"
        if limit is not None:
            sql += " LIMIT %s"
            params.append(limit)
        rows = fetch_rows(sql, params)
        if converters:
            rows = [_converted(row, converters) for row in rows]
        return self._records(rows)

    def _records(self, rows) -> list[PageRecord]:
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
        found = self._fetch("url_path = %s", [url_path])
        return found[0] if found else None

    def by_id(self, pk: int) -> PageRecord | None:
        found = self._fetch("page_id = %s", [pk])
        return found[0] if found else None

    def with_children(self, key: str, value, bound: int) -> "PageAndChildren":
        """`by_id` (key "id") or `by_path` (key "path") and the page's first `bound` public children, in one
        statement: a full-page request asks for both, and the second round trip was a sixth of its time."""
        head, converters = _statement(connection.vendor)
        column = LOOKUP_COLUMNS[key]
        now = connection.ops.adapt_datetimefield_value(self.now)
        parent = f"(SELECT page_id FROM {PublicPage._meta.db_table} WHERE site_id = %s AND {column} = %s)"  # noqa: S608
        # Each branch a subquery: SQLite allows ORDER BY and LIMIT in a compound select only there.
        sql = (
            f"SELECT * FROM ({head}{column} = %s) AS page UNION ALL "  # noqa: S608 -- constants only
            f"SELECT * FROM ({head}parent_id = {parent} AND {WINDOW_SQL} ORDER BY path LIMIT %s) AS children"
        )
        site = self.site.pk
        rows = fetch_rows(sql, [site, value, site, site, value, now, now, bound])
        # The page is the row the lookup matched, as `by_id` and `by_path` take it (before any stale body is
        # made again: a remade record may have a new path); its children are the rows below it.
        matched, page_column = FIELDS.index(column), FIELDS.index("page_id")
        page_id = next((row[page_column] for row in rows if row[matched] == value), None)
        if converters:
            rows = [_converted(row, converters) for row in rows]
        records = self._records(rows)
        page = next((r for r in records if r.page_id == page_id), None)
        children = sorted((r for r in records if page is not None and r.parent_id == page_id), key=attrgetter("path"))
        return PageAndChildren(page, children)

    def by_slug(self, slug: str, languages: list[str]) -> PageRecord | None:
        """The first public page (in menu order) with this slug, in the first of the languages that has one."""
        return first_by_language(self._select(Q(slug=slug, locale__in=languages), window=True), languages)

    def ancestors(self, paths: set[str]) -> list[PageRecord]:
        return self._fetch(f"path IN ({', '.join(['%s'] * len(paths))})", sorted(paths))

    def translations(self, keys: set, languages: list[str]) -> list[PageRecord]:
        return self._select(Q(translation_key__in=keys, locale__in=languages))

    def children(self, parent_ids: set[int], bound: int) -> list[PageRecord]:
        """The first `bound` public children of each parent, in menu order."""
        if len(parent_ids) == 1:
            # One page's children, as a page request asks: an index range on (site, parent, path).
            return self._fetch("parent_id = %s", [*parent_ids], window=True, limit=bound)
        rank = Window(RowNumber(), partition_by=F("parent_id"), order_by=F("path").asc())
        ranked = PublicPage.objects.filter(window_q(self.now), site_id=self.site.pk, parent_id__in=parent_ids)
        first = ranked.annotate(rank=rank).filter(rank__lte=bound).values("pk")
        return self._select(Q(pk__in=first))

    def listing(self, content_type_id: int | None, window_slice: slice, languages: list[str]) -> list[PageRecord]:
        """Public pages in the first of the languages each has, in the default language's menu order."""
        rows = PublicPage.objects.filter(window_q(self.now), site_id=self.site.pk, locale__in=languages)
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

    def addresses(self) -> list[tuple]:
        """(url_path, locale, translation_key, last_published_at) of every public page, in tree order."""
        rows = PublicPage.objects.filter(window_q(self.now), site_id=self.site.pk).order_by("path")
        return list(rows.values_list(*SITEMAP_FIELDS))

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

    def with_children(self, key: str, value, bound: int) -> "PageAndChildren":
        page = self.by_id(value) if key == "id" else self.by_path(value)
        return PageAndChildren(page, self.children({page.page_id}, bound) if page is not None else [])

    def by_slug(self, slug: str, languages: list[str]) -> PageRecord | None:
        pages = public_pages(self.site, now=self.now).filter(slug=slug, locale__language_code__in=languages)
        return first_by_language(self._make(pages), languages)

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

    def addresses(self) -> list[tuple]:
        pages = public_pages(self.site, now=self.now).order_by("path").select_related("locale")
        fields = ("path", "url_path", "locale", "translation_key", "last_published_at")
        return [
            (public_path(page, self.site), page.locale.language_code, page.translation_key, page.last_published_at)
            for page in pages.only(*fields)
        ]

    def deadline(self) -> float:
        now = self.now
        found = site_pages(self.site).aggregate(
            start=Min("go_live_at", filter=Q(go_live_at__gt=now)), end=Min("expire_at", filter=Q(expire_at__gt=now))
        )
        return _deadline(now, [*found.values(), *_contact_times(now)])


def first_by_language(records: list[PageRecord], languages: list[str]) -> PageRecord | None:
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
