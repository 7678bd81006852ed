"""Reading the index for one search, with a cost bounded by construction.

Every read is capped: the rarest group's postings are read best first, at
most `limit` per term, where `limit` is `CANDIDATES` (500) for a query of a few
terms and less for one of many (`ROW_BUDGET` / terms, at least
`MIN_CANDIDATES`); the other groups are looked up only on those candidate
pages (the second rarest first, to narrow them down). However common the
words and however many (at most `query.MAX_GROUPS`), a search reads at most
about `limit * terms` rows for the candidates and `limit * terms * (1 + contact
people per page)` for the look-ups, on PostgreSQL and SQLite alike. The price:
when the rarest word of a query is on more than `limit` pages, only its best
`limit` pages are ranked (and counted).

Scores (0..1, the same formula on both databases):

    score(page) = Σ_groups idf(g) · match(g, page) / Σ_groups idf(g)
    idf(g)      = ln(1 + pages in the site / pages with the group's commonest term)
    match(g, p) = max over the group's alternatives of
                  weight(alternative) · min over its slots of the best impact of the slot's terms on p

1.0 means every word found whole in the title; a word matched only in body
text scores about 0.4-0.5 for that word; words not found add nothing.
"""

import json
import math
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import NamedTuple

from django.db import connection
from django.db.models import Q

from publishing.statements import fetch_rows

from .models import IndexedPage, IndexedPart, Posting, SearchEpoch, Term
from .query import Plan

CANDIDATES = 500
# Postings a search may read on its candidates: a query with many terms ranks fewer candidates, so
# ten common words cost about what one does (at least MIN_CANDIDATES are always ranked).
ROW_BUDGET = 1500
MIN_CANDIDATES = 100
# How stale the page count behind idf may be; it moves the weights of words only slightly.
PAGE_COUNT_SECONDS = 60
_page_counts: dict[tuple[int, str], tuple[int, float]] = {}
# What a hit needs of its page's index entry (columns of `IndexedPage`; `id` first).
ENTRY_FIELDS = ("id", "page_id", "content_type_id", "url_path", "title", "tree_path")


@dataclass
class Scored:
    entry_id: int
    score: float
    matched: int


class IndexReader:
    """The index of one site and locale, as public at `now`."""

    def __init__(self, site, locale: str, now):
        self.site_id = site.pk if site else 0
        self.locale = locale
        self.now = now
        self.rows_read = 0
        # For `search.answers`: each term looked up with its `Term.changed` (None: not in the site), and why
        # else the answer depends on more than those, the pages it shows and the epoch (then it is kept for
        # its content version only): near spellings read, promotions, a page indexed again mid-search.
        self.stamps: dict[str, int | None] = {}
        self.version_only: set[str] = set()
        self.epoch_read: int | None = None  # the epoch, when read before the answer (`search.answers`)
        self.shown: list[int] = []  # the index entries of the pages the answer shows

    def _window(self, alias: str = "") -> tuple[str, list]:
        prefix = f"{alias}." if alias else ""
        sql = (
            f"({prefix}go_live_at IS NULL OR {prefix}go_live_at <= %s)"
            f" AND ({prefix}expire_at IS NULL OR {prefix}expire_at > %s)"
        )
        return sql, [self.now, self.now]

    def public_now(self, prefix: str = "") -> Q:
        """The same window as a filter for the ORM (`prefix`: the relation to the row with the window)."""
        return (Q(**{f"{prefix}go_live_at__isnull": True}) | Q(**{f"{prefix}go_live_at__lte": self.now})) & (
            Q(**{f"{prefix}expire_at__isnull": True}) | Q(**{f"{prefix}expire_at__gt": self.now})
        )

    # Vocabulary -----------------------------------------------------------------------

    def pages_with(self, terms) -> dict[str, int]:
        terms = sorted(set(terms))
        if not terms:
            return {}
        terms_sql, terms_param = _id_list(terms, "text")
        sql = (
            f"SELECT term, pages, changed FROM {Term._meta.db_table}"  # noqa: S608 -- placeholders only
            f" WHERE site_id = %s AND locale = %s AND term IN ({terms_sql})"
        )
        rows = fetch_rows(sql, [self.site_id, self.locale, terms_param])
        self.stamps.update(dict.fromkeys(terms))
        self.stamps.update((term, changed) for term, _pages, changed in rows)
        return {term: pages for term, pages, _changed in rows}

    def epoch(self) -> int:
        return SearchEpoch.objects.filter(pk=1).values_list("number", flat=True).first() or 0

    def basis_now(self, terms, entry_ids) -> tuple[int, dict[str, int], int]:
        """In one statement: the epoch, `Term.changed` of those of these terms the site has, and how many of
        these index entries still exist."""
        terms_sql, terms_param = _id_list(sorted(terms), "text")
        ids_sql, ids_param = _id_list(sorted(entry_ids), "bigint")
        sql = (
            f"SELECT 'term', term, changed FROM {Term._meta.db_table}"  # noqa: S608 -- placeholders only
            f" WHERE site_id = %s AND locale = %s AND term IN ({terms_sql})"
            f" UNION ALL SELECT 'epoch', '', number FROM {SearchEpoch._meta.db_table}"
            f" UNION ALL SELECT 'shown', '', COUNT(*) FROM {IndexedPage._meta.db_table} WHERE id IN ({ids_sql})"
        )
        epoch, stamps, shown = 0, {}, 0
        for kind, term, number in fetch_rows(sql, [self.site_id, self.locale, terms_param, ids_param]):
            if kind == "term":
                stamps[term] = number
            elif kind == "epoch":
                epoch = number
            else:
                shown = number
        return epoch, stamps, shown

    def near(self, initial: str, length: int, limit: int):
        self.version_only.add("near spellings")
        return list(
            Term.objects.filter(
                site_id=self.site_id,
                locale=self.locale,
                initial=initial,
                length__gte=length - 2,
                length__lte=length + 2,
            )
            .order_by("-pages")
            .values_list("term", "surface", "pages")[:limit]
        )

    def page_count(self) -> int:
        """Public pages in the site (for idf): counted at most every PAGE_COUNT_SECONDS per process."""
        key = (self.site_id, self.locale)
        found = _page_counts.get(key)
        if found is None or time.monotonic() - found[1] > PAGE_COUNT_SECONDS:
            found = _page_counts[key] = (
                IndexedPage.objects.filter(site_id=self.site_id, locale=self.locale).count(),
                time.monotonic(),
            )
        return found[0]

    # Postings -------------------------------------------------------------------------

    def best(self, weights: dict[str, float], limit: int) -> list[int]:
        """The `limit` pages with the best postings (public now, times the term's weight) of any of the terms.

        Each term's `limit` best postings are read, in one statement."""
        return self.best_read(weights, limit).entries

    def best_read(self, weights: dict[str, float], limit: int) -> "BestRead":
        """`best`, with what the read showed of those pages' impacts (`BestRead`)."""
        terms = sorted(weights)
        if not terms:
            return BestRead([], {}, set())
        table = Posting._meta.db_table
        window, window_params = self._window()
        selects, params = [], []
        for index, term in enumerate(terms):
            selects.append(
                f"SELECT * FROM (SELECT entry_id, term, impact FROM {table}"  # noqa: S608 -- constants only
                f" WHERE site_id = %s AND locale = %s AND term = %s AND {window}"
                f" ORDER BY impact DESC LIMIT {int(limit)}) AS t{index}"
            )
            params += [self.site_id, self.locale, term, *window_params]
        rows = fetch_rows(" UNION ALL ".join(selects), params)
        self.rows_read += len(rows)
        rows.sort(key=lambda row: -row[2] * weights[row[1]])
        entries = list(dict.fromkeys(row[0] for row in rows))[:limit]
        chosen = set(entries)
        read = Counter(row[1] for row in rows)
        return BestRead(
            entries,
            _impacts(row for row in rows if row[0] in chosen),
            {term for term in terms if read[term] < limit},
        )

    def postings(self, entry_ids, terms) -> list[tuple[int, str, float]]:
        """The postings of these terms on these pages (public now)."""
        entry_ids, terms = sorted(set(entry_ids)), sorted(set(terms))
        if not entry_ids or not terms:
            return []
        table = Posting._meta.db_table
        window, window_params = self._window()
        ids_sql, ids_param = _id_list(entry_ids, "bigint")
        terms_sql, terms_param = _id_list(terms, "text")
        sql = (
            f"SELECT entry_id, term, impact FROM {table}"  # noqa: S608 -- placeholders only
            f" WHERE entry_id IN ({ids_sql}) AND term IN ({terms_sql}) AND {window}"
        )
        rows = fetch_rows(sql, [ids_param, terms_param, *window_params])
        self.rows_read += len(rows)
        return rows

    def entries(self, entry_ids) -> dict[int, dict]:
        if not entry_ids:
            return {}
        ids_sql, ids_param = _id_list(sorted(set(entry_ids)), "bigint")
        columns = ", ".join(ENTRY_FIELDS)
        rows = fetch_rows(f"SELECT {columns} FROM {IndexedPage._meta.db_table} WHERE id IN ({ids_sql})", [ids_param])  # noqa: S608
        return {row[0]: dict(zip(ENTRY_FIELDS, row, strict=True)) for row in rows}

    def entry_for_pages(self, page_ids) -> dict[int, int]:
        """page id -> entry id, for public pages among `page_ids`."""
        rows = IndexedPage.objects.filter(self.public_now(), site_id=self.site_id, page_id__in=list(page_ids))
        return dict(rows.values_list("page_id", "id"))

    def parts(self, entry_ids) -> list["Part"]:
        """The public parts of these pages, each page's in order."""
        if not entry_ids:
            return []
        ids_sql, ids_param = _id_list(sorted(set(entry_ids)), "bigint")
        window, window_params = self._window()
        sql = (
            f"SELECT {', '.join(Part._fields)} FROM {IndexedPart._meta.db_table}"  # noqa: S608 -- constants only
            f" WHERE entry_id IN ({ids_sql}) AND {window} ORDER BY entry_id, position"
        )
        return [Part(*row) for row in fetch_rows(sql, [ids_param, *window_params])]


def _id_list(values: list, sql_type: str) -> tuple[str, object]:
    """A list of values as one parameter: parsing hundreds of placeholders costs more than the lookup."""
    if connection.vendor == "postgresql":
        return f"SELECT unnest(%s::{sql_type}[])", list(values)
    return "SELECT value FROM json_each(%s)", json.dumps(values)


def idf(pages: int, total: int) -> float:
    return math.log(1 + max(total, 1) / max(pages, 1))


def group_match(group, impacts: dict[str, float]) -> float:
    """How well a page matches a group (0..1): its best alternative's weight times the alternative's weakest slot."""
    best = 0.0
    get = impacts.get
    for alternative in group.alternatives:
        if alternative.weight <= best:
            continue  # impacts are at most 1: this alternative cannot do better
        strength = 1.0
        for slot in alternative.slots:
            value = 0.0
            for term in slot:
                found = get(term)
                if found is not None and found > value:
                    value = found
            if value < strength:
                strength = value
                if not value:
                    break
        if alternative.weight * strength > best:
            best = alternative.weight * strength
    return best


def rank(reader: IndexReader, plan: Plan, *, min_match: int) -> list[Scored]:
    """Pages matching at least `min_match` of the plan's groups, best first (unknown groups never match)."""
    groups = plan.groups
    known = [g for g in groups if g.known]
    if len(known) < min_match or not known:
        return []
    limit = max(MIN_CANDIDATES, min(CANDIDATES, ROW_BUDGET // max(1, len(plan.terms()))))
    if min_match >= len(groups):
        # Every group must match: candidates are the rarest group's best pages; the second rarest
        # group narrows them down, then every group's postings are read for those still matching.
        order = sorted(known, key=lambda g: g.pages)
        read = reader.best_read(plan.entry_points(order[0]), limit)
        candidates = sorted(read.entries)
        impacts = read.impacts
        wanted = order[0].terms() | (order[1].terms() if len(order) > 1 else set())
        # A term the candidates' own read already answers for each of them is not read again: for a common
        # word alone, that is every term, and the look-up below was most of the search.
        lookup = {term for term in wanted if not read.answers(term, candidates)}
        _impacts(reader.postings(candidates, lookup), into=impacts)
        candidates = [e for e in candidates if all(group_match(g, impacts.get(e, {})) for g in order[:2])]
        if len(order) > 2 and candidates:
            rest = set().union(*(g.terms() for g in order[2:]))
            for entry_id, found in _impacts(reader.postings(candidates, rest)).items():
                impacts[entry_id].update(found)
    else:
        per_group = max(limit // len(known), MIN_CANDIDATES // 2)
        pool = sorted({e for group in known for e in reader.best(plan.entry_points(group), per_group)})
        impacts = _impacts(reader.postings(pool, plan.terms()))
        candidates = pool

    total = reader.page_count()
    weights = [idf(g.pages, total) for g in groups]
    denominator = sum(weights) or 1.0
    scored = []
    for entry_id in candidates:
        found = impacts.get(entry_id, {})
        strengths = [group_match(group, found) for group in groups]
        matched = sum(1 for s in strengths if s > 0)
        if matched < min_match:
            continue
        score = sum(w * s for w, s in zip(weights, strengths, strict=True)) / denominator
        scored.append(Scored(entry_id, round(score, 4), matched))
    return scored


class Part(NamedTuple):
    """What a hit's section and excerpt are made from: the columns of an `IndexedPart`."""

    entry_id: int
    position: int
    kind: str
    anchor: str
    heading: str
    text: str
    weights: str
    positions: str


@dataclass
class BestRead:
    """What `IndexReader.best_read` read: the pages, and their best impact for each term read.

    `complete` are the terms whose postings were read to the end (fewer than
    the limit): a page with no impact here for such a term does not have it.
    """

    entries: list[int]
    impacts: dict[int, dict[str, float]]
    complete: set[str]

    def answers(self, term: str, entry_ids) -> bool:
        """Whether this read gives each of these pages' best impact for `term` (found, or known absent)."""
        if term in self.complete:
            return True
        return all(term in self.impacts.get(entry_id, ()) for entry_id in entry_ids)


def _impacts(rows, into: dict | None = None) -> dict[int, dict[str, float]]:
    """entry -> term -> best impact (a page's own and its contact people's postings together), added to `into`."""
    found: dict[int, dict[str, float]] = defaultdict(dict) if into is None else into
    for entry_id, term, impact in rows:
        current = found[entry_id]
        if impact > current.get(term, 0.0):
            current[term] = impact
    return found
