"""Search latency, for `make bench` and `manage.py search_latency`.

    from search.latency import measure
    report = measure(["bredbånd", "tilskudd kommune"], n=200)
    report.p50_ms, report.p95_ms

Runs the same engine the site uses (query expansion, ranking, sections,
excerpts), without recording statistics, on the default site.
"""

import math
import statistics
import time
from dataclasses import dataclass

from wagtail.models import Site

from publishing.version import bump_content_version

from .engine import SiteSearch

DEFAULT_QUERIES = [
    "bredbånd",
    "tilskudd",
    "butikk",
    "omstilling",
    "breiband",
    "tilskot til breiband",
    "næringsliv kompetanse",
    "Kåfjord",
    "Gáivuotna",
    "BIO",
    "Kjetil Helstad",
    "kollektivtrafikk",
    "folkehelse samarbeid",
    "videregående opplæring",
    "havbruk fiskeri",
    "xyzzy",
]


@dataclass
class LatencyReport:
    """Cold: each query's first search after the cache was dropped (ranks every match).
    Warm: repeated searches, answered from the cached ranking and excerpts."""

    queries: int
    samples: int
    cold_p50_ms: float
    cold_p95_ms: float
    p50_ms: float
    p95_ms: float
    max_ms: float
    mean_ms: float

    def as_dict(self) -> dict:
        return dict(self.__dict__)

    def __str__(self) -> str:
        return (
            f"search latency, {self.queries} distinct queries: cold p50 {self.cold_p50_ms:.1f} ms, "
            f"p95 {self.cold_p95_ms:.1f} ms; warm over {self.samples} searches: p50 {self.p50_ms:.1f} ms, "
            f"p95 {self.p95_ms:.1f} ms, mean {self.mean_ms:.1f} ms, max {self.max_ms:.1f} ms"
        )


def _percentile(timings: list[float], share: float) -> float:
    ordered = sorted(timings)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def _timed(engine, query: str, limit: int) -> float:
    started = time.perf_counter()
    engine.search(query, limit=limit)
    return (time.perf_counter() - started) * 1000


def measure(queries: list[str] | None = None, n: int = 200, *, site=None, limit: int = 10) -> LatencyReport:
    """Time each query once with an empty search cache, then `n` searches cycling through them.

    One untimed search first pays the per-connection cost (PostgreSQL loads the
    Hunspell dictionary once per connection, ~30 ms), as persistent connections do.
    """
    queries = list(dict.fromkeys(queries or DEFAULT_QUERIES))
    site = site or Site.objects.filter(is_default_site=True).first()
    engine = SiteSearch(site)
    engine.search("oppvarming", limit=limit)
    bump_content_version()
    cold = [_timed(engine, query, limit) for query in queries]
    warm = [_timed(engine, queries[i % len(queries)], limit) for i in range(n)]
    return LatencyReport(
        queries=len(queries),
        samples=n,
        cold_p50_ms=statistics.median(cold),
        cold_p95_ms=_percentile(cold, 0.95),
        p50_ms=statistics.median(warm),
        p95_ms=_percentile(warm, 0.95),
        max_ms=max(warm),
        mean_ms=statistics.fmean(warm),
    )
