"""Relevance of the site search against the judged queries (search.judged_queries, search.judged_heldout).

Metrics, all between 0 and 1:

- nDCG@10: graded gain (2^grade - 1) of the top ten pages, discounted by rank,
  divided by the best possible ordering; an off-topic query (nothing graded)
  scores 1 when it finds nothing and 0 when it finds anything;
- MRR: 1 / rank of the first page graded 2 or 3 (0 when none is in the top ten;
  off-topic queries as for nDCG);
- zero-result rate: share of the queries with graded pages that found nothing;
- off-topic hits: off-topic queries that found something (should be none);
- section accuracy: of the queries with an expected section, the share where
  the first hit is the graded-3 page and points at that section.

The same engine and formula run on PostgreSQL and SQLite; `compare` also
measures the engine without the editors' synonyms.
"""

import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db import connection

from .engine import SiteSearch
from .judged_heldout import HELD_OUT_QUERIES
from .judged_queries import JUDGED_QUERIES, Judged

K = 10


@dataclass
class Outcome:
    judged: Judged
    paths: list[str]
    total: int
    top_section: str | None

    @property
    def off_topic(self) -> bool:
        return not self.judged.grades

    @property
    def reciprocal_rank(self) -> float:
        if self.off_topic:
            return 1.0 if self.total == 0 else 0.0
        for rank, path in enumerate(self.paths[:K], start=1):
            if self.judged.grades.get(path, 0) >= 2:
                return 1 / rank
        return 0.0

    @property
    def ndcg(self) -> float:
        if self.off_topic:
            return 1.0 if self.total == 0 else 0.0
        ideal = _dcg(sorted(self.judged.grades.values(), reverse=True))
        return _dcg([self.judged.grades.get(path, 0) for path in self.paths]) / ideal if ideal else 0.0

    @property
    def section_correct(self) -> bool:
        best = max(self.judged.grades, key=self.judged.grades.get)
        return bool(self.paths) and self.paths[0] == best and self.top_section == self.judged.section


def _dcg(grades: list[int]) -> float:
    return sum((2**grade - 1) / math.log2(rank + 1) for rank, grade in enumerate(grades[:K], start=1))


@dataclass
class Metrics:
    label: str
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def ndcg(self) -> float:
        return sum(o.ndcg for o in self.outcomes) / len(self.outcomes)

    @property
    def mrr(self) -> float:
        return sum(o.reciprocal_rank for o in self.outcomes) / len(self.outcomes)

    @property
    def on_topic(self) -> list[Outcome]:
        return [o for o in self.outcomes if not o.off_topic]

    @property
    def zero_results(self) -> int:
        return sum(1 for o in self.on_topic if o.total == 0)

    @property
    def zero_result_rate(self) -> float:
        return self.zero_results / len(self.on_topic) if self.on_topic else 0.0

    @property
    def off_topic_with_hits(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.off_topic and o.total > 0]

    @property
    def section_accuracy(self) -> float:
        with_section = [o for o in self.outcomes if o.judged.section]
        return sum(1 for o in with_section if o.section_correct) / len(with_section) if with_section else 0.0

    def by_kind(self) -> dict[str, float]:
        kinds = defaultdict(list)
        for outcome in self.outcomes:
            kinds[outcome.judged.kind].append(outcome.ndcg)
        return {kind: sum(values) / len(values) for kind, values in sorted(kinds.items())}

    def weakest(self, n: int = 5) -> list[Outcome]:
        return sorted(self.outcomes, key=lambda o: (o.ndcg, o.reciprocal_rank))[:n]


def evaluate(site, *, label: str, use_synonyms: bool = True, queries=JUDGED_QUERIES) -> Metrics:
    engine = SiteSearch(site, use_synonyms=use_synonyms, use_promotions=False)
    metrics = Metrics(label=label)
    for judged in queries:
        results = engine.search(judged.query, limit=K)
        paths = [hit.url_path.split("#", 1)[0] for hit in results.hits]
        top_section = results.hits[0].section.anchor if results.hits and results.hits[0].section else None
        metrics.outcomes.append(Outcome(judged=judged, paths=paths, total=results.total_count, top_section=top_section))
    return metrics


def compare(site) -> list[Metrics]:
    """The tuning set and the held-out set as the site searches, and the tuning set without synonyms."""
    vendor = connection.vendor
    return [
        evaluate(site, label=f"{vendor}: tuning set"),
        evaluate(site, label=f"{vendor}: held-out set", queries=HELD_OUT_QUERIES),
        evaluate(site, label=f"{vendor}: tuning set, no synonyms", use_synonyms=False),
    ]
