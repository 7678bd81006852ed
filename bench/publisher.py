"""An editor publishing all the time: one generated theme page every `BENCH_PUBLISH_SECONDS` (2 s).

Run by `bench/run.py` beside the load it measures (`manage.py shell -c`), it
changes a page's title and publishes it as the admin does, so every publish
refreshes the stored form and bumps the content version everyone keeps their
caches under. Prints one line per publish with how long it took.

It starts once and publishes only while the file `BENCH_PUBLISH_FLAG` names
exists (while scenario 7 runs): started anew for each 3-second run, the
process spent most of the run starting Django and published once or not at all.
"""

import os
import random
import sys
import time

from content_models.management.commands.generate_bench_content import bench_topics
from content_models.models import ThemePage

interval = float(os.environ.get("BENCH_PUBLISH_SECONDS", "2"))
rng = random.Random(7)
topics = list(bench_topics().values_list("path", flat=True))
ids = list(ThemePage.objects.filter(path__startswith=topics[0]).values_list("pk", flat=True)) if topics else []
number = 0
flag = os.environ.get("BENCH_PUBLISH_FLAG")
while ids:
    if flag and not os.path.exists(flag):
        time.sleep(0.02)
        continue
    started = time.monotonic()
    try:
        page = ThemePage.objects.get(pk=rng.choice(ids))
        number += 1
        page.title = f"{page.title.split(' · ')[0]} · {number}"
        page.save_revision().publish()
    except Exception as error:  # one failed publish (a deadlock under load) must not end the editor
        print(f"failed: {error!r}", file=sys.stderr, flush=True)
        time.sleep(interval)
        continue
    took = time.monotonic() - started
    print(f"published {page.pk} in {took * 1000:.0f} ms", flush=True)
    time.sleep(max(0.0, interval - took))
