"""Site search: the one engine behind the `/search/` page and the GraphQL fields.

A search runs in these steps:

1. the typed query is split into term groups and expanded with the editors'
   synonyms (`search.synonyms`);
2. Wagtail's database backend finds and ranks public pages (PostgreSQL:
   `norwegian_cms` full-text search with field weights; SQLite: FTS5) where every
   group matches; when nothing does, any group may match;
3. pages editors pinned for the query (search promotions) go first;
4. for the pages on the requested result page only, the best-matching section
   and a marked excerpt are worked out (`search.highlight`).
"""

import difflib
import hashlib
import json
import re
import time
from collections import Counter
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.db.models import CharField
from django.db.models.functions import Cast
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.models import Page, get_page_models
from wagtail.search.backends import get_search_backend
from wagtail.search.models import IndexEntry

from publishing.reader import MIN_SECONDS, kept, site_deadline, visible_pages
from publishing.version import shared_version
from publishing.visibility import public_path

from . import statistics, warming
from .highlight import highlighter
from .sections import Section, page_sections, page_text
from .synonyms import as_search_query, normalise, query_words, term_groups

MAX_QUERY_LENGTH = 200
MAX_LIMIT = 100
MAX_PREFIX_LENGTH = 100
VOCABULARY_SECONDS = 600
RANKING_SECONDS = 300
RANKED_DEPTH = 100


class SearchInputError(ValueError):
    """Input the search cannot run with; the message is safe to show to the user."""


@dataclass
class Hit:
    title: str
    url_path: str
    url: str
    page_type: str
    excerpt: str
    score: float | None
    is_promoted: bool
    section: Section | None


@dataclass
class Ranking:
    match_all: bool
    by_type: dict[str, int]  # model label -> hits, without the page type filter
    count: int  # hits with the page type filter
    top: list[tuple[int, float]]  # best (page id, score), at most RANKED_DEPTH


@dataclass
class Facet:
    page_type: str
    label: str
    count: int


@dataclass
class Results:
    query: str
    total_count: int
    hits: list[Hit] = field(default_factory=list)
    facets: list[Facet] = field(default_factory=list)
    suggestion: str | None = None


def searchable_page_models() -> list[type[Page]]:
    return [model for model in get_page_models() if model is not Page]


def page_model_for(page_type: str) -> type[Page]:
    """`ThemePage` or `content_models.ThemePage`, any letter case."""
    wanted = page_type.strip().lower()
    for model in searchable_page_models():
        if wanted in (model.__name__.lower(), model._meta.label_lower):
            return model
    known = ", ".join(sorted(model.__name__ for model in searchable_page_models()))
    raise SearchInputError(f"Unknown `pageType` {page_type!r}. Use one of: {known}.")


CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f\ue000\ue001]")


def tidy(text: str) -> str:
    """Whitespace collapsed; control characters (PostgreSQL rejects NUL) and our match markers removed."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", text or "").split())


def clean_query(query: str) -> str:
    cleaned = tidy(query)
    if not cleaned:
        raise SearchInputError("`query` must not be empty.")
    if len(cleaned) > MAX_QUERY_LENGTH:
        raise SearchInputError(f"`query` must be at most {MAX_QUERY_LENGTH} characters, got {len(cleaned)}.")
    if not query_words(cleaned):
        raise SearchInputError("`query` must contain at least one letter or digit.")
    return cleaned


def check_window(limit: int, offset: int):
    if not 1 <= limit <= MAX_LIMIT:
        raise SearchInputError(f"`limit` must be between 1 and {MAX_LIMIT}, got {limit}.")
    if offset < 0:
        raise SearchInputError(f"`offset` must be 0 or more, got {offset}.")


class SiteSearch:
    """Search the public pages of one site.

    `backend` and `use_synonyms` exist for the relevance measurements, which
    compare configurations; the site uses the defaults.
    """

    def __init__(self, site, *, backend=None, use_synonyms: bool = True, use_promotions: bool = True):
        self.site = site
        self.backend = backend or get_search_backend()
        self.use_synonyms = use_synonyms
        self.use_promotions = use_promotions

    @property
    def config(self) -> str | None:
        return getattr(self.backend, "config", None)

    def visible_pages(self):
        # The visibility rule, in a form the search backend can filter with.
        return visible_pages(self.site, shared_version())

    # The search ------------------------------------------------------------------

    def search(
        self, query: str, *, limit: int = 10, offset: int = 0, page_type: str | None = None, record: bool = False
    ) -> Results:
        query = clean_query(query)
        check_window(limit, offset)
        model = page_model_for(page_type) if page_type else None

        # Read once, before any data: what is computed below is at least as new as this version.
        version = shared_version()
        if version is not None and self.site is not None:
            # The first search under this content version: get the popular ones ranked meanwhile.
            kept(version, self.site, ("search-warming",), lambda: warming.warm_after_change(self.site, version) or True)
        key = ("search", query, limit, offset, model._meta.label if model else "", self.config)
        key += (self.use_synonyms, self.use_promotions)
        # Popular searches repeat; a repeated one then costs no SQL or cache round trip.
        results = kept(
            version,
            self.site,
            key,
            lambda: self._search(query, limit, offset, model, version),
            until=site_deadline(self.site, version) if version is not None else None,
            size=20_000,
        )
        if record and offset == 0:
            statistics.record(query, results.total_count)
        return results

    def _search(self, query: str, limit: int, offset: int, model, version) -> Results:
        # Also before any data: a go-live or expiry during the search must end what it stores.
        deadline = site_deadline(self.site, version) if version is not None else 0.0
        groups = term_groups(query, use_synonyms=self.use_synonyms)
        pages = self.visible_pages()
        promoted = self._promoted(query, pages, model)
        organic_pages = pages.exclude(pk__in=[page.pk for page in promoted]) if promoted else pages

        key = self._cache_key(version, groups, model, [page.pk for page in promoted])
        ranking = self._ranking(organic_pages, groups, model, key, deadline)
        by_type = Counter({apps.get_model(label): count for label, count in ranking.by_type.items()})
        for page in promoted:
            by_type[type(page)] += 1
        facets = [
            Facet(page_type=m.__name__, label=str(m._meta.verbose_name), count=count) for m, count in by_type.items()
        ]
        facets.sort(key=lambda facet: (-facet.count, facet.label))
        total = len(promoted) + ranking.count

        window_key = f"{key}:{offset}:{limit}" if key else None
        hits = cache.get(window_key) if window_key else None
        if hits is None:
            window_end = offset + limit
            chosen: list[tuple[Page, float | None, bool]] = [(page, None, True) for page in promoted[offset:window_end]]
            organic_start = max(0, offset - len(promoted))
            organic_stop = max(0, window_end - len(promoted))
            if organic_stop > organic_start and ranking.count:
                chosen += self._organic_window(ranking, organic_pages, groups, model, organic_start, organic_stop)
            hits = self._hits(chosen, groups, ranking.match_all)
            if window_key:
                self._store(window_key, hits, RANKING_SECONDS, deadline)
        suggestion = self._suggestion(query) if total == 0 else None
        return Results(query=query, total_count=total, hits=hits, facets=facets, suggestion=suggestion)

    def _cache_key(self, version, groups, model, promoted_ids) -> str | None:
        """Key for everything that can change a search's answer; None when it must not be cached.

        Ranking every match and working out sections and excerpts are the
        expensive parts of a search on a large site, and popular queries
        repeat; the answer is kept until any page, restriction, site or
        contact person changes (content_version), RANKING_SECONDS pass, or the
        next scheduled go-live or expiry (see `_store`).
        """
        if version is None:
            return None
        parts = [self.site.pk if self.site else 0, version, self.config, groups]
        parts += [model._meta.label if model else "", promoted_ids]
        return "search:ranking:" + hashlib.sha256(json.dumps(parts).encode()).hexdigest()

    @staticmethod
    def _store(key: str, value, seconds: int, deadline: float):
        lifetime = min(seconds, deadline - time.time())
        if lifetime >= MIN_SECONDS:
            cache.set(key, value, lifetime)

    def _ranking(self, pages, groups, model, key, deadline: float) -> "Ranking":
        """Hit counts per page type and the best-ranked page ids."""
        cached = cache.get(key) if key else None
        if cached is not None:
            return cached
        # One grouped query gives both the facets and the number of hits.
        match_all = True
        by_type = self._count_by_type(pages, groups, match_all)
        if not by_type and len(groups) > 1:
            # Nothing has every word: rather show pages with some of them, best first.
            match_all = False
            by_type = self._count_by_type(pages, groups, match_all)
        count = sum(n for m, n in by_type.items() if model is None or issubclass(m, model))
        top = []
        if count:
            results = self._run(pages, groups, match_all, model, specific=False)
            top = [(page.pk, page._score) for page in results[:RANKED_DEPTH]]
        ranking = Ranking(match_all, {m._meta.label: n for m, n in by_type.items()}, count, top)
        if key:
            self._store(key, ranking, RANKING_SECONDS, deadline)
        return ranking

    def _organic_window(self, ranking, pages, groups, model, start, stop):
        if stop <= len(ranking.top) or len(ranking.top) >= ranking.count:
            window = ranking.top[start:stop]
            found = {page.pk: page for page in Page.objects.filter(pk__in=[pk for pk, _ in window]).specific()}
            return [(found[pk], score, False) for pk, score in window if pk in found]
        # Deeper than the cached ranking: ask the backend for this window.
        results = self._run(pages, groups, ranking.match_all, model)
        return [(page, page._score, False) for page in results[start:stop]]

    def _run(self, pages, groups, match_all, model, *, specific=True):
        if model is not None:
            pages = pages.type(model)
        search_query = as_search_query(groups, match_all=match_all)
        return self.backend.search(search_query, pages.specific() if specific else pages).annotate_score("_score")

    def _promoted(self, query: str, pages, model) -> list[Page]:
        if not self.use_promotions:
            return []
        normalised = " ".join(query.lower().split())[:255]  # as wagtail's Query stores it
        picked_ids = list(
            SearchPromotion.objects.filter(query__query_string=normalised, page__isnull=False)
            .order_by("sort_order", "pk")
            .values_list("page_id", flat=True)
        )
        if not picked_ids:
            return []
        visible = pages.type(model) if model else pages
        allowed = {page.pk: page for page in visible.filter(pk__in=picked_ids).specific()}
        return [allowed[pk] for pk in picked_ids if pk in allowed]

    def _count_by_type(self, pages, groups, match_all) -> Counter:
        """Hits per page model, from one grouped query."""
        per_content_type = self._run(pages, groups, match_all, None).facet("content_type_id")
        counts: Counter = Counter()
        for content_type_id, count in per_content_type.items():
            page_model = ContentType.objects.get_for_id(content_type_id).model_class()
            if page_model is not None:
                counts[page_model] += count
        return counts

    def _hits(self, chosen, groups, match_all) -> list[Hit]:
        if not chosen:
            return []
        marker = highlighter(groups, match_all=match_all, config=self.config)
        sections = [page_sections(page) for page, _, _ in chosen]
        best = marker.best_sections(sections)
        texts = [
            sections[i][best[i]].text if best[i] is not None else page_text(page) or page.title
            for i, (page, _, _) in enumerate(chosen)
        ]
        excerpts = marker.excerpts(texts)
        hits = []
        for i, (page, score, promoted) in enumerate(chosen):
            section = sections[i][best[i]] if best[i] is not None else None
            path = public_path(page, self.site)
            if section is not None and section.anchor:
                path += "#" + section.anchor
            root_url = (self.site.root_url or "").rstrip("/")
            hits.append(
                Hit(
                    title=page.title,
                    url_path=path,
                    url=root_url + path,
                    page_type=type(page).__name__,
                    excerpt=excerpts[i],
                    score=float(score) if score is not None else None,
                    is_promoted=promoted,
                    section=section,
                )
            )
        return hits

    # Spelling suggestion -----------------------------------------------------------

    def vocabulary(self) -> dict[str, int]:
        """Words on the public pages and in how many pages each occurs, for "did you mean"."""
        version = shared_version()
        if version is None:
            return self._count_words()
        key = f"search:vocabulary:{self.site.pk if self.site else 0}:{version}"
        words = cache.get(key)
        if words is None:
            deadline = site_deadline(self.site, version)
            words = self._count_words()
            self._store(key, words, VOCABULARY_SECONDS, deadline)
        return words

    def _count_words(self) -> dict[str, int]:
        entries = IndexEntry.objects.filter(
            content_type__in=[ContentType.objects.get_for_model(m) for m in searchable_page_models()],
            object_id__in=self.visible_pages().annotate(text_id=Cast("pk", CharField())).values("text_id"),
        )
        if connection.vendor == "postgresql":
            # The `simple` configuration yields whole, lower-cased words; PostgreSQL counts them.
            inner, params = entries.values("title_text", "body_text").query.sql_with_params()
            # `inner` is ORM-compiled SQL; every value in it stays a parameter.
            words = "unnest(tsvector_to_array(to_tsvector('simple', coalesce(t.title_text, '') || ' ' || coalesce(t.body_text, ''))))"
            sql = f"SELECT w, count(*) FROM (SELECT {words} AS w FROM ({inner}) AS t) AS words WHERE length(w) >= 3 AND w !~ '[0-9_]' GROUP BY w"  # noqa: S608
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return dict(cursor.fetchall())
        counter: Counter[str] = Counter()
        for title, body in entries.values_list("title", "body").iterator():
            counter.update({word.lower() for word in re.findall(r"[^\W\d_]{3,}", f"{title} {body}")})
        return dict(counter)

    def _suggestion(self, query: str) -> str | None:
        vocabulary = self.vocabulary()
        if not vocabulary:
            return None
        known = sorted(vocabulary, key=vocabulary.get, reverse=True)
        corrected, changed = [], False
        for word in query_words(query):
            lower = word.lower()
            if lower in vocabulary or normalise(lower) in vocabulary or len(lower) < 3:
                corrected.append(word)
                continue
            close = difflib.get_close_matches(lower, known, n=1, cutoff=0.75)
            corrected.append(close[0] if close else word)
            changed = changed or bool(close)
        if not changed:
            return None
        suggestion = " ".join(corrected)
        groups = term_groups(suggestion, use_synonyms=self.use_synonyms)
        has_hits = self._run(self.visible_pages(), groups, True, None).count() > 0
        return suggestion if has_hits else None

    # Autocomplete --------------------------------------------------------------------

    def suggest(self, prefix: str, *, limit: int = 8) -> list[str]:
        """Titles and section headings with a word starting with what the user typed so far."""
        prefix = tidy(prefix)
        if not prefix:
            raise SearchInputError("`prefix` must not be empty.")
        if len(prefix) > MAX_PREFIX_LENGTH:
            raise SearchInputError(f"`prefix` must be at most {MAX_PREFIX_LENGTH} characters.")
        if not 1 <= limit <= MAX_LIMIT:
            raise SearchInputError(f"`limit` must be between 1 and {MAX_LIMIT}, got {limit}.")
        words = [normalise(word) for word in query_words(prefix)]
        if not words:
            return []
        # Only the words go to the backend: quotes and operators are query syntax
        # to SQLite's full-text index, and a stray one is an error there.
        candidates = self.backend.autocomplete(" ".join(query_words(prefix)), self.visible_pages().specific())[:50]
        found: dict[str, tuple] = {}
        for rank, page in enumerate(candidates):
            for kind, text in [(0, page.title)] + [(1, s.heading) for s in page_sections(page)]:
                text_words = [normalise(w) for w in query_words(text)]
                if _starts_words(text_words, words):
                    # Texts that begin with what was typed come first, then titles before headings.
                    key = (not text_words[0].startswith(words[0]), kind, rank, len(text))
                    if text not in found or key < found[text]:
                        found[text] = key
        return sorted(found, key=found.get)[:limit]

    # Statistics ------------------------------------------------------------------------


def _starts_words(text_words: list[str], typed: list[str]) -> bool:
    """Every typed word is a whole word of the text, except the last, which starts one."""
    *whole, last = typed
    return all(word in text_words for word in whole) and any(word.startswith(last) for word in text_words)


def search_config_name() -> str | None:
    """The text search configuration in use (None on SQLite)."""
    if connection.vendor != "postgresql":
        return None
    return getattr(get_search_backend(), "config", None)
