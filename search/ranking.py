"""Reading the index for one search, with a cost bounded by construction.

Every read is capped: a term's postings are read best first and at most
`CANDIDATES` of them; the other groups are then looked up only for those
candidate pages, one group at a time, rarest first, keeping only the pages
still matching. However common the words and however many (at most
`query.MAX_GROUPS`), a search touches at most about
`CANDIDATES * (terms in the query + 1)` posting rows, on PostgreSQL and SQLite
alike. The price: when the rarest word of a query is on more than `CANDIDATES`
pages, only its best `CANDIDATES` pages are ranked (and counted).

Scores (0..1, the same formula on both databases):

    score(page) = Σ_groups idf(g) · match(g, page) / Σ_groups idf(g)
    idf(g)      = ln(1 + pages in the site / pages with the group's commonest term)
    match(g, p) = max over the group's alternatives of
                  weight(alternative) · min over its slots of the best impact of the slot's terms on p

1.0 means every word found whole in the title; a word matched only in body
text scores about 0.4-0.5 for that word; words not found add nothing.
"""

import math
import time
from collections import defaultdict
from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

from .models import IndexedPage, IndexedPart, Posting, Term
from .query import Plan

CANDIDATES = 500
# How stale the page count behind idf may be; it moves the weights of words only slightly.
PAGE_COUNT_SECONDS = 60
_page_counts: dict[tuple[int, str], tuple[int, float]] = {}
# SQLite's and PostgreSQL's parameter limits are far above this; it keeps each statement small.
CHUNK = 900


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
        found = {}
        for start in range(0, len(terms), CHUNK):
            rows = Term.objects.filter(
                site_id=self.site_id, locale=self.locale, term__in=terms[start : start + CHUNK]
            ).values_list("term", "pages")
            found.update(rows)
        return found

    def near(self, initial: str, length: int, limit: int):
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

    def best(self, terms, limit: int) -> list[tuple[int, str, float]]:
        """The `limit` best postings (public now) of any of the terms: each term's best read, in one statement."""
        terms = sorted(set(terms))
        if not terms:
            return []
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
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(selects), params)
            rows = cursor.fetchall()
        self.rows_read += len(rows)
        rows.sort(key=lambda row: -row[2])
        return rows[:limit]

    def postings(self, entry_ids, terms) -> list[tuple[int, str, float]]:
        """The postings of these terms on these pages (public now)."""
        entry_ids, terms = sorted(set(entry_ids)), sorted(set(terms))
        if not entry_ids or not terms:
            return []
        table = Posting._meta.db_table
        window, window_params = self._window()
        rows = []
        term_marks = ", ".join(["%s"] * len(terms))
        with connection.cursor() as cursor:
            for start in range(0, len(entry_ids), CHUNK):
                chunk = entry_ids[start : start + CHUNK]
                sql = (
                    f"SELECT entry_id, term, impact FROM {table}"  # noqa: S608 -- placeholders only
                    f" WHERE entry_id IN ({', '.join(['%s'] * len(chunk))}) AND term IN ({term_marks}) AND {window}"
                )
                cursor.execute(sql, [*chunk, *terms, *window_params])
                rows += cursor.fetchall()
        self.rows_read += len(rows)
        return rows

    def entries(self, entry_ids) -> dict[int, dict]:
        entry_ids = sorted(set(entry_ids))
        found = {}
        fields = ("id", "page_id", "content_type_id", "url_path", "title", "tree_path")
        for start in range(0, len(entry_ids), CHUNK):
            for row in IndexedPage.objects.filter(pk__in=entry_ids[start : start + CHUNK]).values(*fields):
                found[row["id"]] = row
        return found

    def entry_for_pages(self, page_ids) -> dict[int, int]:
        """page id -> entry id, for public pages among `page_ids`."""
        rows = IndexedPage.objects.filter(self.public_now(), site_id=self.site_id, page_id__in=list(page_ids))
        return dict(rows.values_list("page_id", "id"))

    def parts(self, entry_ids) -> list[IndexedPart]:
        return list(IndexedPart.objects.filter(self.public_now(), entry_id__in=list(entry_ids)))


def idf(pages: int, total: int) -> float:
    return math.log(1 + max(total, 1) / max(pages, 1))


def group_match(group, impacts: dict[str, float]) -> float:
    best = 0.0
    for alternative in group.alternatives:
        strength = min(max((impacts.get(t, 0.0) for t in slot), default=0.0) for slot in alternative.slots)
        best = max(best, alternative.weight * strength)
    return best


def rank(reader: IndexReader, plan: Plan, *, min_match: int) -> list[Scored]:
    """Pages matching at least `min_match` of the plan's groups, best first (unknown groups never match)."""
    groups = plan.groups
    known = [g for g in groups if g.known]
    if len(known) < min_match or not known:
        return []
    total = reader.page_count()
    weights = [idf(g.pages, total) for g in groups]
    impacts: dict[int, dict[str, float]] = defaultdict(dict)

    def take(rows):
        for entry_id, term, impact in rows:
            current = impacts[entry_id]
            if impact > current.get(term, 0.0):
                current[term] = impact

    def matches(entry_id, group) -> bool:
        return group_match(group, impacts.get(entry_id, {})) > 0

    if min_match >= len(groups):
        # Every group must match: candidates from the rarest group, narrowed down group by group.
        order = sorted(known, key=lambda g: g.pages)
        candidates = sorted({row[0] for row in reader.best(order[0].terms(), CANDIDATES)})
        for group in order:
            if not candidates:
                break
            take(reader.postings(candidates, group.terms()))
            candidates = [e for e in candidates if matches(e, group)]
    else:
        per_group = max(CANDIDATES // len(known), 50)
        pool = sorted({row[0] for row in reader.best(plan.terms(), per_group)})
        take(reader.postings(pool, plan.terms()))
        candidates = [e for e in pool if sum(matches(e, g) for g in known) >= min_match]

    denominator = sum(weights) or 1.0
    scored = []
    for entry_id in candidates:
        found = impacts[entry_id]
        strengths = [group_match(group, found) for group in groups]
        matched = sum(1 for s in strengths if s > 0)
        score = sum(w * s for w, s in zip(weights, strengths, strict=True)) / denominator
        scored.append(Scored(entry_id, round(score, 4), matched))
    return scored
