"""The first full-page request after a publish, timed and counted in the server process itself.

Run by `bench/run.py` on each benchmark database (`manage.py shell -c`): each
sample publishes one generated page (a new content version: every cache in
the process is cold for what follows), then asks for another random generated
page with the full theme-page query, as a frontend rendering it would. Prints
one JSON line: median and p95 milliseconds, and SQL queries per request.
"""

import json
import random
import time

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from api.queries import PAGE_BY_ID
from content_models.management.commands.generate_bench_content import bench_topics
from content_models.models import ThemePage
from publishing import version

SAMPLES = 40
rng = random.Random(11)
paths = list(bench_topics().values_list("path", flat=True))
ids = [pk for path in paths for pk in ThemePage.objects.filter(path__startswith=path).values_list("pk", flat=True)]
client = Client(HTTP_HOST="127.0.0.1")
body = {"query": PAGE_BY_ID}


def ask(pk) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        response = client.post("/graphql/", json.dumps({**body, "variables": {"id": str(pk)}}), "application/json")
        took = time.perf_counter() - started
    answer = response.json()
    if response.status_code != 200 or not answer["data"]["page"]:
        raise SystemExit(f"the page query answered wrongly: {answer}")
    return took * 1000, len(queries.captured_queries)


ask(ids[0])  # the process's own first request: imports, ContentType cache
timings, counts = [], []
for number in range(SAMPLES):
    edited = ThemePage.objects.get(pk=rng.choice(ids))
    edited.title = f"{edited.title.split(' · ')[0]} · f{number}"
    edited.save_revision().publish()
    # Other processes find out within the version lease; make this one find out as they would.
    version._forget_lease()
    took, count = ask(rng.choice(ids))
    timings.append(took)
    counts.append(count)
timings.sort()
counts.sort()
print(
    "FIRST "
    + json.dumps(
        {
            "pages": len(ids),
            "samples": SAMPLES,
            "p50_ms": timings[len(timings) // 2],
            "p95_ms": timings[int(len(timings) * 0.95)],
            "queries_p50": counts[len(counts) // 2],
            "queries_max": counts[-1],
        }
    )
)
