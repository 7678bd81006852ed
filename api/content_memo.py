"""Public content remembered by each server process, for one content version.

What the request loader (`api.loaders`) fetches from the database (public
pages with their ancestors and children, link targets, contact people,
documents, images), the rich text it renders and the answers of site search
are kept in a *generation*:
one per site, valid for one content version (`publishing.version`). A
request reads the version from the shared cache first, so a publish in any
process is seen by the next request everywhere; a repeated request then runs
no SQL at all.

A generation also ends at the next scheduled go-live or expiry (those send no
signal) and when it holds more than `API["CONTENT_MEMO_MAX_ENTRIES"]`
entries, so memory stays bounded however many pages are asked for.

Only what the public rule returns is stored here. Objects a single request
adds on its own (a preview token's draft) stay in that request
(`PublicContent.remember`). Stored objects are shared read-only by the
threads of a process.
"""

import threading
import time
from collections import defaultdict

from django.conf import settings

from .visibility_cache import MIN_SECONDS, seconds_until_next_schedule


class Generation:
    def __init__(self, version=None, lifetime: float = 0.0):
        self.version = version
        self.expires = _clock() + lifetime
        # The same moment on the wall clock, for caches outside the process (`deadline_for`).
        self.deadline = time.time() + lifetime
        # path -> public page or None (hidden or absent)
        self.pages_by_path: dict[str, object] = {}
        # parent path -> public children in menu order
        self.children: dict[str, list] = {}
        # "page" | "document" | "contact" | "image" -> pk -> public object or None
        self.by_id: dict[str, dict[int, object]] = defaultdict(dict)
        # ("id" | "slug" | "url_path", value) -> the page a root lookup found, or None
        self.lookups: dict[tuple, object] = {}
        # (scheme, host, source) -> public HTML
        self.rich_text: dict[tuple, str] = {}
        # search arguments -> `search.engine.Results`
        self.searches: dict[tuple, object] = {}

    def size(self) -> int:
        parts = (self.pages_by_path, self.children, self.lookups, self.rich_text, self.searches, *self.by_id.values())
        return sum(len(part) for part in parts)


_generations: dict[int, Generation] = {}
_clock = time.monotonic
_lock = threading.Lock()


def generation_for(site, version) -> Generation:
    """The shared generation for `site` at `version`, or a private one when nothing may be shared.

    `version` is None inside a transaction (tests, admin actions): what is
    read there may be uncommitted, so it lives only as long as the request.
    """
    if site is None or version is None:
        return Generation()
    found = _generations.get(site.pk)
    if _usable(found, version):
        return found
    with _lock:
        found = _generations.get(site.pk)
        if not _usable(found, version):
            lifetime = seconds_until_next_schedule(site)
            if lifetime < MIN_SECONDS:
                # A scheduled change is due: nothing read now may be shared past it.
                return Generation()
            found = _generations[site.pk] = Generation(version, lifetime)
        return found


def deadline_for(site, version) -> float:
    """Until when (wall clock) what is read from public content now stays true: the next scheduled change.

    A shared generation worked that out when it began, before any of its data
    was read; otherwise it is worked out now.
    """
    generation = generation_for(site, version)
    if generation.version is not None:
        return generation.deadline
    return time.time() + seconds_until_next_schedule(site)


def _usable(generation: Generation | None, version) -> bool:
    return (
        generation is not None
        and generation.version == version
        and _clock() < generation.expires
        and generation.size() <= settings.API["CONTENT_MEMO_MAX_ENTRIES"]
    )


def clear():
    _generations.clear()
