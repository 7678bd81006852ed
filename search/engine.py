"""Site search: the one engine behind the `/search/` page and the GraphQL fields.

A search runs in these steps:

1. the query is analysed like the pages were (`search.analysis`, `search.query`):
   each word becomes a group of alternatives (its stem, ASCII and nynorsk
   spellings, the editors' synonyms, its parts), and alternatives the site
   does not have are dropped;
2. pages matching every group are ranked from the index (`search.ranking`,
   bounded cost); when there are none and a word the site does not have has a
   near spelling it does, the corrected query is searched instead and said so
   (`corrected_query`); when there are still none, pages matching all but a
   third of the groups are ranked;
3. pages editors pinned for the query (search promotions) go first;
4. for the pages on the requested result page only, the best-matching section
   or contact block and a marked excerpt are taken from the index (`search.excerpts`).
"""

import re
from collections import Counter
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.contrib.search_promotions.models import SearchPromotion
from wagtail.models import Page, get_page_models

from publishing.version import shared_version

from . import answers, correction, statistics
from . import query as query_module
from .analysis.text import fold, words
from .excerpts import Section, best_block, blocks_of, excerpt
from .models import IndexedPart
from .ranking import IndexReader, Part, idf, rank
from .synonyms import NONE as NO_SYNONYMS
from .synonyms import normalise, synonym_map

# About what one search answer (ten hits with excerpts) takes in memory.
SEARCH_ANSWER_BYTES = 20_000
MAX_QUERY_LENGTH = 200
MAX_LIMIT = 100
MAX_PREFIX_LENGTH = 100
# A corrected query's hits score a little lower than the same hits for the query as typed.
CORRECTED = 0.9
# A word on at most 1/SPECIFIC of the site's pages is specific enough to search alone beside an unknown word.
SPECIFIC = 3
SUGGEST_CANDIDATES = 200


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
    page_id: int = 0
    locale: str = ""
    is_fallback: bool = False


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
    corrected_query: str | None = None


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
    """Whitespace collapsed; control characters (PostgreSQL rejects NUL) removed."""
    return " ".join(CONTROL_CHARACTERS.sub(" ", text or "").split())


def clean_query(query: str) -> str:
    cleaned = tidy(query)
    if not cleaned:
        raise SearchInputError("`query` must not be empty.")
    if len(cleaned) > MAX_QUERY_LENGTH:
        raise SearchInputError(f"`query` must be at most {MAX_QUERY_LENGTH} characters, got {len(cleaned)}.")
    if not any(w.strip("-'\u2019") for w in words(cleaned)):
        raise SearchInputError("`query` must contain at least one letter or digit.")
    return cleaned


def check_window(limit: int, offset: int):
    # `limit: null` (or a variable sent as null) reaches here as None: a client's mistake, not a crash.
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise SearchInputError(f"`limit` must be between 1 and {MAX_LIMIT}, got {limit}.")
    if not isinstance(offset, int) or offset < 0:
        raise SearchInputError(f"`offset` must be 0 or more, got {offset}.")


@dataclass
class Ranking:
    plan: query_module.Plan
    scored: list  # ranking.Scored, best first
    entries: dict[int, dict]
    corrected: bool = False
    suggestion: str | None = None


class SiteSearch:
    """Search the public pages of one site, in one language.

    `use_synonyms` and `use_promotions` exist for the relevance measurements,
    which compare configurations; the site uses the defaults.
    """

    def __init__(self, site, *, locale: str = "nb", use_synonyms: bool = True, use_promotions: bool = True):
        self.site = site
        # The language whose pages are searched (the index keeps each page under its own language).
        self.locale = locale.lower()
        self.use_synonyms = use_synonyms
        self.use_promotions = use_promotions
        self.rows_read = 0

    # The search ------------------------------------------------------------------

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        offset: int = 0,
        page_type: str | None = None,
        record: bool = False,
        autocorrect: bool = True,
        remember: bool = True,
    ) -> Results:
        query = clean_query(query)
        check_window(limit, offset)
        model = page_model_for(page_type) if page_type else None
        version = shared_version()
        key = ("search", query, limit, offset, model._meta.label if model else "", self.locale, self.use_synonyms)
        key += (self.use_promotions, autocorrect)
        if remember and self.site is not None and version is not None:
            # Popular searches repeat: this process keeps answers, until the next scheduled change, and across
            # publishes that cannot change them (`search.answers`).
            results = answers.answer(
                self.site,
                self.locale,
                key,
                version,
                lambda reader: self._search(query, limit, offset, model, autocorrect, reader),
                size=SEARCH_ANSWER_BYTES,
            )
        else:
            results = self._search(query, limit, offset, model, autocorrect)
        if record and offset == 0:
            statistics.record(query, results.total_count)
        return results

    def plan(self, query: str, reader: IndexReader) -> query_module.Plan:
        # The synonyms of the epoch a kept answer records, not of a content version this process still trusts.
        synonyms = synonym_map(epoch=reader.epoch_read) if self.use_synonyms else NO_SYNONYMS
        plan = query_module.build(query, synonyms, normalise)
        pages = reader.pages_with(plan.terms())
        query_module.keep_known(plan, pages)
        # Single words are also looked for as their parts: the only way for a word the site lacks,
        # a weaker alternative for one it has.
        single = [
            g
            for g in plan.groups
            if " " not in g.typed
            and g.typed not in synonyms.english
            and (not g.known or len(g.typed) >= query_module.SPLIT_OF_KNOWN_MIN_LENGTH)
        ]
        # Each part of a word is looked up (about n²/2 of them for n letters, twice with æ, ø or å): words the
        # site lacks first (parts are their only way in), shortest first, then the others, while
        # MAX_SPLIT_PIECES lasts, so a query of many long words costs what two do.
        pieces: dict[str, dict] = {}
        budget = query_module.MAX_SPLIT_PIECES
        for group in sorted(single, key=lambda g: (g.known, len(g.typed))):
            if budget <= 0:
                break
            pieces[group.typed] = query_module.split_candidates(group.typed, synonyms, normalise)
            budget -= len(pieces[group.typed])
        lookup = {t for found in pieces.values() for slot in found.values() for t in slot} - set(pages)
        if lookup:
            pages.update(reader.pages_with(lookup))
        for group in single:
            if not pieces.get(group.typed):
                continue
            weight = query_module.SPLIT if not group.known else query_module.SPLIT_OF_KNOWN
            alternative = query_module.split_alternative(group.typed, pieces[group.typed], pages, weight)
            if alternative:
                group.alternatives.append(alternative)
                query_module.note_pages(group, pages)
        plan.pages = pages
        return plan

    def correct(self, plan: query_module.Plan, reader: IndexReader) -> query_module.Plan | None:
        """The plan with each unknown word replaced by its nearest known spelling; None when none has one."""
        changed = False
        groups = []
        for group in plan.groups:
            if group.known or not group.correctable:
                groups.append(group)
                continue
            typed = correction.key(group.typed)
            near = reader.near(typed[:1], len(typed), correction.CANDIDATES)
            found = correction.best(group.typed, near)
            if not found:
                groups.append(group)
                continue
            term, surface = found
            pages = next(count for near_term, _surface, count in near if near_term == term)
            replacement = query_module.Group(
                typed=group.typed,
                alternatives=[query_module.Alternative((frozenset({term}),), 1.0)],
                pages=pages,
                corrected=surface,
            )
            plan.pages[term] = pages
            groups.append(replacement)
            changed = True
        return query_module.Plan(groups, plan.pages) if changed else None

    def _rank(self, query: str, reader: IndexReader, autocorrect: bool) -> Ranking:
        plan = self.plan(query, reader)
        scored = rank(reader, plan, min_match=len(plan.groups))
        corrected, suggestion = False, None
        if not scored and plan.unknown:
            better = self.correct(plan, reader)
            found = rank(reader, better, min_match=len(better.groups)) if better is not None else []
            if found:
                suggestion = better.text()
                if autocorrect:
                    plan, scored, corrected = better, found, True
        if not scored and len(plan.groups) >= 3:
            # Nothing has every word: pages with all but a third of them, best first.
            scored = rank(reader, plan, min_match=len(plan.groups) - len(plan.groups) // 3)
        elif not scored and self._one_unknown_beside_a_specific_word(plan, reader):
            # «bredbånd fiber»: the site does not have «fiber», but «bredbånd» is specific enough to go on.
            scored = rank(reader, plan, min_match=1)
        if corrected:
            for item in scored:
                item.score = round(item.score * CORRECTED, 4)
        entries = reader.entries([s.entry_id for s in scored])
        # A page re-indexed since its postings were read (an editor published it just now) has a new entry:
        # this search goes on without it rather than failing (`make soak` met this under publishing).
        if any(s.entry_id not in entries for s in scored):
            reader.version_only.add("a page indexed again mid-search")
            scored = [s for s in scored if s.entry_id in entries]
        scored.sort(key=lambda s: (-s.score, entries[s.entry_id]["tree_path"]))
        return Ranking(plan, scored, entries, corrected, suggestion)

    @staticmethod
    def _one_unknown_beside_a_specific_word(plan, reader: IndexReader) -> bool:
        """Two words, one the site does not have, the other on at most a third of its pages.

        Two words of which one is general («kommune») and one unknown («skatt») are more
        likely off-topic than a page about the general word.
        """
        if len(plan.groups) != 2:
            return False
        known = [g for g in plan.groups if g.known]
        return len(known) == 1 and 0 < known[0].pages * SPECIFIC <= reader.page_count()

    def _search(self, query: str, limit: int, offset: int, model, autocorrect: bool, reader=None) -> Results:
        reader = reader or IndexReader(self.site, self.locale, timezone.now())
        ranking = self._rank(query, reader, autocorrect)
        promoted = self._promoted(query, reader, model)
        promoted_ids = {entry_id for entry_id, _ in promoted}
        organic = [s for s in ranking.scored if s.entry_id not in promoted_ids]

        by_type: Counter = Counter()
        for item in organic:
            by_type[ranking.entries[item.entry_id]["content_type_id"]] += 1
        for _entry_id, row in promoted:
            by_type[row["content_type_id"]] += 1
        facets = self._facets(by_type)
        if model is not None:
            wanted = {ct.pk for ct in ContentType.objects.get_for_models(*self._subclasses(model)).values()}
            organic = [s for s in organic if ranking.entries[s.entry_id]["content_type_id"] in wanted]
            promoted = [(e, row) for e, row in promoted if row["content_type_id"] in wanted]

        chosen = [(row, None, True) for _e, row in promoted]
        chosen += [(ranking.entries[s.entry_id], s.score, False) for s in organic]
        window = chosen[offset : offset + limit]
        hits = self._hits(window, ranking.plan, reader)
        self.rows_read = reader.rows_read
        corrected_query = ranking.plan.text() if ranking.corrected else None
        return Results(
            query=query,
            total_count=len(chosen),
            hits=hits,
            facets=facets,
            suggestion=ranking.suggestion,
            corrected_query=corrected_query,
        )

    @staticmethod
    def _subclasses(model) -> list:
        return [m for m in searchable_page_models() if issubclass(m, model)]

    @staticmethod
    def _facets(by_type: Counter) -> list[Facet]:
        facets = []
        for content_type_id, count in by_type.items():
            page_model = ContentType.objects.get_for_id(content_type_id).model_class()
            if page_model is not None:
                facets.append(Facet(page_model.__name__, str(page_model._meta.verbose_name), count))
        facets.sort(key=lambda facet: (-facet.count, facet.label))
        return facets

    def _promoted(self, query: str, reader: IndexReader, model) -> list[tuple[int, dict]]:
        if not self.use_promotions:
            return []
        normalised = " ".join(query.lower().split())[:255]  # as wagtail's Query stores it
        picked = list(
            SearchPromotion.objects.filter(query__query_string=normalised, page__isnull=False)
            .order_by("sort_order", "pk")
            .values_list("page_id", flat=True)
        )
        if not picked:
            return []
        reader.version_only.add("promotions")
        public = reader.entry_for_pages(picked)
        entries = reader.entries(public.values())
        return [(public[pk], entries[public[pk]]) for pk in dict.fromkeys(picked) if public.get(pk) in entries]

    def _hits(self, window, plan, reader: IndexReader) -> list[Hit]:
        if not window:
            return []
        reader.shown = [row["id"] for row, _s, _p in window]
        parts_by_entry: dict[int, list[Part]] = {}
        for part in reader.parts(reader.shown):
            parts_by_entry.setdefault(part.entry_id, []).append(part)
        total = max(reader.page_count(), 1)
        weights = [idf(g.pages, total) for g in plan.groups]
        wanted = plan.terms()
        root_url = (self.site.root_url or "").rstrip("/") if self.site else ""
        hits = []
        for row, score, promoted in window:
            head, blocks = blocks_of(parts_by_entry.get(row["id"], []))
            block = best_block(blocks, plan.groups, weights)
            shown = block or (head if head and head.texts[0][0] else None) or (blocks[0] if blocks else None)
            section = Section(block.heading, block.anchor, block.text_and_positions(set())[0]) if block else None
            path = row["url_path"] + (f"#{block.anchor}" if block and block.anchor else "")
            model = ContentType.objects.get_for_id(row["content_type_id"]).model_class()
            hits.append(
                Hit(
                    title=row["title"],
                    url_path=path,
                    url=root_url + path,
                    page_type=model.__name__ if model else "",
                    excerpt=excerpt(shown, wanted),
                    score=score,
                    is_promoted=promoted,
                    section=section,
                    page_id=row["page_id"],
                    locale=self.locale,
                )
            )
        return hits

    # Autocomplete --------------------------------------------------------------------

    def suggest(self, prefix: str, *, limit: int = 8) -> list[str]:
        """Titles and section headings with a word starting with what the user typed so far."""
        prefix = tidy(prefix)
        if not prefix:
            raise SearchInputError("`prefix` must not be empty.")
        if len(prefix) > MAX_PREFIX_LENGTH:
            raise SearchInputError(f"`prefix` must be at most {MAX_PREFIX_LENGTH} characters.")
        if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
            raise SearchInputError(f"`limit` must be between 1 and {MAX_LIMIT}, got {limit}.")
        typed = [fold(w.strip("-'\u2019")) for w in words(prefix) if w.strip("-'\u2019")]
        if not typed:
            return []
        reader = IndexReader(self.site, self.locale, timezone.now())
        # The longest typed word narrows the candidates most; at most SUGGEST_CANDIDATES are read.
        probe = max(words(prefix), key=len).strip("-'\u2019")
        candidates = (
            IndexedPart.objects.filter(
                reader.public_now(),
                entry__site_id=reader.site_id,
                entry__locale=self.locale,
                kind__in=["head", "section"],
                heading__icontains=probe,
            )
            .order_by("entry__tree_path", "position")
            .values_list("heading", "kind")[:SUGGEST_CANDIDATES]
        )
        found: dict[str, tuple] = {}
        for rank_, (text, kind) in enumerate(candidates):
            text_words = [fold(w.strip("-'\u2019")) for w in words(text)]
            if text_words and _starts_words(text_words, typed):
                key = (not text_words[0].startswith(typed[0]), kind != "head", rank_, len(text))
                if text not in found or key < found[text]:
                    found[text] = key
        return sorted(found, key=found.get)[:limit]


def _starts_words(text_words: list[str], typed: list[str]) -> bool:
    """Every typed word is a whole word of the text, except the last, which starts one."""
    *whole, last = typed
    return all(word in text_words for word in whole) and any(word.startswith(last) for word in text_words)
