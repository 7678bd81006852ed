"""Publish-to-webhook latency with the real worker (`make bench-webhooks`).

Builds a fresh database (a temporary SQLite file by default, the embedded
setup; `--database-url` for PostgreSQL), loads the Troms content, starts
`manage.py worker` as its own process and a signature-checking receiver on
loopback, then publishes a page N times, one after another at random
moments, and measures from each publish's commit to the arrival of its
signed delivery. Prints p50, p95 and max; the target is p95 under 2 s.
"""

# The subprocesses run this project's own manage.py; every address is loopback.
# ruff: noqa: S603

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SECRET = "bench-secret-0123456789abcdef"  # noqa: S105 (a throwaway receiver on loopback)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--publishes", type=int, default=40)
    parser.add_argument("--database-url", help="an empty database to use (default: a temporary SQLite file)")
    options = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="cms-webhook-bench-")
    database_url = options.database_url or f"sqlite:///{workdir}/db.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "DEBUG": "false",
        "DATABASE_URL": database_url,
        "TASKS_BACKEND": "database",
        "WEBHOOKS_ALLOWED_PRIVATE_HOSTS": "127.0.0.1",
        "MEDIA_ROOT": workdir,
        "LOG_LEVEL": "WARNING",
    }
    os.environ.update(env)
    manage = [sys.executable, str(ROOT / "manage.py")]
    print(f"Preparing {database_url} ...", flush=True)
    for command in (["migrate", "--noinput"], ["load_demo_content"]):
        subprocess.run([*manage, *command], env=env, check=True, stdout=subprocess.DEVNULL)

    import django

    django.setup()
    from wagtail.models import Page

    from webhooks.events import EVENTS
    from webhooks.models import Endpoint
    from webhooks.receiver import Receiver

    latencies = []
    with Receiver(secret=SECRET) as receiver:
        Endpoint.objects.create(name="bench", url=receiver.url, secret=SECRET, events=list(EVENTS))
        worker = subprocess.Popen([*manage, "worker", "--no-reload", "-v", "0"], env=env)
        try:
            time.sleep(3)  # the worker's start-up
            page = Page.objects.get(slug="infrastruktur").specific
            for number in range(1, options.publishes + 1):
                # Publishes land at every phase of the worker's poll interval.
                time.sleep(random.uniform(0.05, 0.5))
                page.title = f"Infrastruktur {number}"
                page.save_revision().publish()
                committed = time.time()
                arrived = receiver.wait_for(number, timeout=15)
                if len(arrived) < number:
                    raise SystemExit(f"Publish {number}: no delivery within 15 s")
                if not arrived[-1].signature_valid:
                    raise SystemExit(f"Publish {number}: bad signature")
                latencies.append(arrived[-1].at - committed)
        finally:
            worker.terminate()
            worker.wait(timeout=15)
            if not options.database_url:
                shutil.rmtree(workdir, ignore_errors=True)

    milliseconds = [value * 1000 for value in latencies]
    print(
        f"publish -> delivered webhook, {len(milliseconds)} publishes: "
        f"p50 {statistics.median(milliseconds):.0f} ms, p95 {percentile(milliseconds, 0.95):.0f} ms, "
        f"max {max(milliseconds):.0f} ms (target: p95 < 2000 ms)"
    )


if __name__ == "__main__":
    main()
