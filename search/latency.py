"""Search latency with nothing cached, for `manage.py search_latency` and the cost tests.

    from search.latency import measure
    report = measure(n=20)
    print(report)

Every search runs the whole engine (analysis, vocabulary look-ups, ranking,
sections, excerpts) without the per-process memo, on the default site, for
the worst cases a visitor can type: a word on (nearly) every page, a made-up
word (which also tries corrections), ten common words at once, a long
compound, six long made-up words, and the judged queries. Each case reports p50, p95, the slowest
search and the most index rows one search read (`IndexReader.rows_read`).
"""

import gc
import math
import random
import statistics
import time
from dataclasses import dataclass, field

from wagtail.models import Site

from .engine import SiteSearch
from .judged_queries import JUDGED_QUERIES
from .models import Term

COMMON_TERMS = 12


@dataclass
class Case:
    name: str
    timings_ms: list[float] = field(default_factory=list)
    rows: list[int] = field(default_factory=list)

    @property
    def p50(self) -> float:
        return statistics.median(self.timings_ms)

    @property
    def p95(self) -> float:
        ordered = sorted(self.timings_ms)
        return ordered[min(len(ordered) - 1, max(0, math.ceil(0.95 * len(ordered)) - 1))]

    def as_dict(self) -> dict:
        return {
            "searches": len(self.timings_ms),
            "p50_ms": round(self.p50, 1),
            "p95_ms": round(self.p95, 1),
            "max_ms": round(max(self.timings_ms), 1),
            "max_rows": max(self.rows),
        }

    def __str__(self) -> str:
        d = self.as_dict()
        return (
            f"{self.name:<28} {d['searches']:>4} searches  p50 {d['p50_ms']:6.1f} ms  p95 {d['p95_ms']:6.1f} ms"
            f"  max {d['max_ms']:6.1f} ms  rows read ≤ {d['max_rows']}"
        )


def worst_cases(site, n: int, seed: int = 12) -> dict[str, list[str]]:
    """Query texts per case: the site's commonest words, made-up words, ten common words, long compounds."""
    rng = random.Random(seed)
    common = list(
        Term.objects.filter(site=site, locale="nb", term__regex=r"^[a-zæøå]{4,}$")
        .order_by("-pages")
        .values_list("surface", flat=True)[:COMMON_TERMS]
    ) or ["bredbånd", "tilskudd", "kommune"]
    letters = "abdefghijklmnoprstuvyæøå"
    made_up = ["".join(rng.choice(letters) for _ in range(rng.randint(6, 12))) for _ in range(n)]
    return {
        "word on every page": [common[i % len(common)] for i in range(n)],
        "made-up word": made_up,
        "ten common words": [" ".join(rng.sample(common, min(10, len(common)))) for _ in range(n)],
        "made-up + common word": [f"{common[i % len(common)]} {made_up[i]}" for i in range(n)],
        "long compound": [
            "".join(rng.sample(common, min(3, len(common)))) + rng.choice(["ene", "ar", "s"]) for _ in range(n)
        ],
        # As long as a query may be: every part of every word is looked up (compound splitting), none known.
        "long made-up words": [
            " ".join("".join(rng.choice(letters) for _ in range(30)) for _ in range(6)) for _ in range(n)
        ],
        "judged queries": [j.query for j in JUDGED_QUERIES][: max(n, 1) * 3],
    }


def measure(n: int = 20, *, site=None, limit: int = 10, cases: dict | None = None) -> list[Case]:
    site = site or Site.objects.filter(is_default_site=True).first()
    engine = SiteSearch(site)
    engine.search("oppvarming", remember=False)  # the first search of a process loads the dictionary
    # As a web process does after loading (cms/wsgi.py): what lives as long as the process is kept out of the
    # garbage collector's full collections, which otherwise stall one search in a few dozen by 50-100 ms.
    gc.collect()
    gc.freeze()
    results = []
    for name, queries in (cases or worst_cases(site, n)).items():
        case = Case(name)
        for query in queries:
            started = time.perf_counter()
            engine.search(query, limit=limit, remember=False)
            case.timings_ms.append((time.perf_counter() - started) * 1000)
            case.rows.append(engine.rows_read)
        results.append(case)
    return results
