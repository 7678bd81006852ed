"""Relevance of the site search against the judged queries (search.judged_queries).

Metrics, all between 0 and 1:

- nDCG@10: graded gain (2^grade - 1) of the top ten pages, discounted by rank,
  divided by the best possible ordering;
- MRR: 1 / rank of the first page graded 2 or 3 (0 when none is in the top ten);
- zero-result rate: share of queries that found nothing;
- section accuracy: of the queries with an expected section, the share where
  the first hit is the graded-3 page and points at that section.

Other configurations are measured by re-indexing the site with them inside a
transaction that is rolled back, so the live index is never touched.
"""

import math
from dataclasses import dataclass, field

from django.db import connection, transaction
from wagtail.search.backends import get_search_backend

from publishing.visibility import public_pages

from .engine import SiteSearch, search_config_name, searchable_page_models
from .judged_queries import JUDGED_QUERIES, Judged

K = 10
BASELINES = ("norwegian", "simple")
INDEX_BATCH = 500


@dataclass
class Outcome:
    judged: Judged
    paths: list[str]
    total: int
    top_section: str | None

    @property
    def reciprocal_rank(self) -> float:
        for rank, path in enumerate(self.paths[:K], start=1):
            if self.judged.grades.get(path, 0) >= 2:
                return 1 / rank
        return 0.0

    @property
    def ndcg(self) -> float:
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
    def zero_result_rate(self) -> float:
        return sum(1 for o in self.outcomes if o.total == 0) / len(self.outcomes)

    @property
    def section_accuracy(self) -> float:
        with_section = [o for o in self.outcomes if o.judged.section]
        return sum(1 for o in with_section if o.section_correct) / len(with_section) if with_section else 0.0

    def weakest(self, n: int = 5) -> list[Outcome]:
        return sorted(self.outcomes, key=lambda o: (o.ndcg, o.reciprocal_rank))[:n]


def evaluate(site, *, label: str, backend=None, use_synonyms: bool = True, queries=JUDGED_QUERIES) -> Metrics:
    engine = SiteSearch(site, backend=backend, use_synonyms=use_synonyms, use_promotions=False)
    metrics = Metrics(label=label)
    for judged in queries:
        results = engine.search(judged.query, limit=K)
        paths = [hit.url_path.split("#", 1)[0] for hit in results.hits]
        top_section = results.hits[0].section.anchor if results.hits and results.hits[0].section else None
        metrics.outcomes.append(Outcome(judged=judged, paths=paths, total=results.total_count, top_section=top_section))
    return metrics


def _reindex(site, backend):
    visible = public_pages(site).values("pk")
    for model in searchable_page_models():
        index = backend.get_index_for_model(model)
        pages = list(model.objects.filter(pk__in=visible).exact_type(model))
        for start in range(0, len(pages), INDEX_BATCH):
            index.add_items(model, pages[start : start + INDEX_BATCH])


def evaluate_with_config(site, config: str, *, use_synonyms: bool) -> Metrics:
    """Measure another PostgreSQL text search configuration without changing the live index."""
    label = config + (" + synonyms" if use_synonyms else "")
    with transaction.atomic():
        backend = get_search_backend("default", SEARCH_CONFIG=config)
        _reindex(site, backend)
        metrics = evaluate(site, label=label, backend=backend, use_synonyms=use_synonyms)
        transaction.set_rollback(True)
    return metrics


def compare(site, *, baselines=BASELINES) -> list[Metrics]:
    """The current configuration, then stock configurations as plain Wagtail would use them."""
    current = search_config_name()
    if connection.vendor != "postgresql":
        return [evaluate(site, label=f"{connection.vendor} (FTS) + synonyms")]
    rows = [
        evaluate(site, label=f"{current} + synonyms"),
        evaluate(site, label=f"{current}", use_synonyms=False),
    ]
    rows += [evaluate_with_config(site, config, use_synonyms=False) for config in baselines if config != current]
    return rows
