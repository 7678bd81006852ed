"""Hostile traffic for `bench/run.py`: the review's requests, sent while normal traffic is measured.

    python bench/hostile.py http://127.0.0.1:8765 1000

Sends `count` requests from four threads, in turn: a small query asking for a
huge answer, searches made uncacheable with a random word, thirty aliased
searches, a 2 MB slug, documents that fail validation, automatic persisted
query registrations of ever-new documents, and crawls deep into `children`.
Prints one JSON line: how many were answered by status, and the slowest.

It sends from 127.0.0.2, a client of its own: production's per-client rate
limits apply to it, while the measured traffic from 127.0.0.1 stands for the
site's own frontend servers, which operators exempt (docs/operations.md).
"""

import http.client
import json
import random
import secrets
import sys
import threading
import time
import urllib.parse
from collections import Counter

SOURCE = ("127.0.0.2", 0)


def huge_answer(rng):
    selection = (
        'pages(limit: 100, contentType: "content_models.TopicPage") { children { title breadcrumbs { title } } }'
    )
    return {"query": "{ " + " ".join(f"a{i}: {selection}" for i in range(29)) + " }"}


def random_word_search(rng):
    word = secrets.token_hex(4)
    return {
        "query": "query($q: String!) { siteSearch(query: $q, limit: 100) { totalCount results { title } } }",
        "variables": {"q": f"bredbånd tilskudd {word}"},
    }


def many_searches(rng):
    word = secrets.token_hex(4)
    aliases = " ".join(f'a{i}: siteSearch(query: "kommune {word}{i}", limit: 100) {{ totalCount }}' for i in range(30))
    return {"query": "{ " + aliases + " }"}


def huge_slug(rng):
    return {"query": "query($s: String) { page(slug: $s) { title } }", "variables": {"s": "x" * 2_000_000}}


def invalid_document(rng):
    return {"query": "{ " + secrets.token_hex(16) + " { " + "a " * 500 + "} }"}


def persisted_registration(rng):
    query = "{ pages(limit: 1) { title a" + secrets.token_hex(3) + ": slug } }"
    import hashlib

    digest = hashlib.sha256(query.encode()).hexdigest()
    return {"query": query, "extensions": {"persistedQuery": {"version": 1, "sha256Hash": digest}}}


def deep_children(rng):
    return {"query": "{ pages(limit: 100) { children(limit: 100, offset: 9900) { title } } }"}


KINDS = [
    huge_answer,
    random_word_search,
    many_searches,
    huge_slug,
    invalid_document,
    persisted_registration,
    deep_children,
]


def main(base: str, count: int) -> dict:
    statuses: Counter = Counter()
    slowest = 0.0
    lock = threading.Lock()
    turn = iter(range(count))
    target = urllib.parse.urlsplit(base)

    def worker(seed):
        nonlocal slowest
        rng = random.Random(seed)
        while True:
            with lock:
                number = next(turn, None)
            if number is None:
                return
            body = json.dumps(KINDS[number % len(KINDS)](rng)).encode()
            started = time.monotonic()
            connection = http.client.HTTPConnection(target.hostname, target.port, timeout=60, source_address=SOURCE)
            try:
                connection.request("POST", "/graphql/", body=body, headers={"Content-Type": "application/json"})
                response = connection.getresponse()
                response.read()
                status = response.status
            except OSError:
                status = "error"
            finally:
                connection.close()
            with lock:
                statuses[status] += 1
                slowest = max(slowest, time.monotonic() - started)

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {"requests": count, "statuses": {str(k): v for k, v in statuses.items()}, "slowest_s": round(slowest, 2)}


if __name__ == "__main__":
    print("HOSTILE " + json.dumps(main(sys.argv[1], int(sys.argv[2]))), flush=True)
