"""HTTP and server-side caching of public GraphQL responses.

Every cached response is stored with the content version it was made under
(`publishing.version`), so a publish makes every process stop using older
entries (at once in the publishing process, within
`API["CONTENT_VERSION_TTL"]` in the others). The hottest entries are also
kept in the process, so a hit usually costs no network round trip.

What is cached: anonymous GET queries (plain or persisted) whose response has
no errors. GET is what CDNs and browsers can cache, and what persisted queries
use; POST is answered fresh every time and marked `no-store`.

Content that goes live or expires on schedule (`go_live_at`/`expire_at`)
changes visibility without any signal, so an entry is never kept past the next
scheduled go-live or expiry, and at most `API["RESPONSE_CACHE_TIMEOUT"]`
seconds (60 by default).
"""

import hashlib
import json
import re
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_cache_control

from publishing.memo import ByteLRU
from publishing.reader import MIN_SECONDS, PublicContent
from publishing.version import request_version

RESPONSE_PREFIX = "api:response"

TOKEN_ARGUMENT = re.compile(r"\btoken\b")
ERRORS_KEY = re.compile(rb'"errors"\s*:')


def _config(name):
    return settings.API[name]


def _cache():
    return caches[_config("RESPONSE_CACHE_ALIAS")]


# Responses --------------------------------------------------------------------


def etag_for(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _canonical_variables(raw) -> str | None:
    if raw in (None, ""):
        return "{}"
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return None
    return json.dumps(value, sort_keys=True, separators=(",", ":")) if isinstance(value, dict) else None


def _anonymous(request) -> bool:
    # Credentials mean the answer may not be the public one.
    return "HTTP_AUTHORIZATION" not in request.META and settings.SESSION_COOKIE_NAME not in request.COOKIES


def _cacheable_request(request, query: str | None) -> bool:
    if request.method != "GET" or not query or getattr(request, "_graphql_uncacheable", False):
        return False
    if not _anonymous(request):
        return False
    variables = _canonical_variables(request.GET.get("variables"))
    # A preview token means a draft.
    return variables is not None and not TOKEN_ARGUMENT.search(query) and '"token"' not in variables


def response_key(request, query: str | None) -> str | None:
    """The server-side cache key of a GET query, or None when it must not be cached."""
    if not _config("RESPONSE_CACHE") or not _cacheable_request(request, query):
        return None
    digest = hashlib.sha256(
        "\n".join(
            [
                hashlib.sha256(query.encode()).hexdigest(),
                _canonical_variables(request.GET.get("variables")),
                request.GET.get("operationName") or "",
                # Document URLs are built from the request's scheme and host.
                request.scheme,
                request._get_raw_host(),
            ]
        ).encode()
    ).hexdigest()
    return f"{RESPONSE_PREFIX}:{digest}"


def _not_modified(request, etag: str) -> bool:
    wanted = request.META.get("HTTP_IF_NONE_MATCH", "")
    return etag in {tag.strip() for tag in wanted.split(",")} or wanted.strip() == "*"


def _public_headers(response, etag: str):
    response["ETag"] = etag
    response["Cache-Control"] = _cache_control(_config("CACHE_MAX_AGE"), _config("CACHE_STALE_WHILE_REVALIDATE"))
    return response


@lru_cache(maxsize=8)
def _cache_control(max_age: int, stale_while_revalidate: int) -> str:
    response = HttpResponse()
    extra = {"stale_while_revalidate": stale_while_revalidate} if stale_while_revalidate else {}
    patch_cache_control(response, public=True, max_age=max_age, **extra)
    return response["Cache-Control"]


def _is_cacheable(response) -> bool:
    return (
        response.status_code == 200
        and response.get("Content-Type", "").startswith("application/json")
        and not ERRORS_KEY.search(response.content)
    )


# The hottest answers, kept in the process too: a hit then costs no round trip at all.
# Large answers stay in the shared cache only.
LOCAL_BYTES = 16 * 1024 * 1024
LOCAL_MAX_BYTES = 64 * 1024
_local = ByteLRU(LOCAL_BYTES)


def _keep_locally(key: str, entry: tuple):
    if len(entry[1]) <= LOCAL_MAX_BYTES:
        _local.set(key, entry, len(entry[1]) + 300)


def _current(entry, version) -> bool:
    # (version, body, etag, expires at): made from this version, and not past the next scheduled change.
    return isinstance(entry, tuple) and len(entry) == 4 and entry[0] == version and entry[3] > time.time()


def _lookup(request, key: str) -> tuple[int | None, tuple | None]:
    """(the request's content version, cached entry if it was stored under that version)."""
    version = request_version(request)
    if version is None:
        return None, None
    entry = _local.get(key)
    if _current(entry, version):
        return version, entry
    entry = _cache().get(key)
    if not _current(entry, version):
        return version, None
    _keep_locally(key, entry)
    return version, entry


def clear_local():
    _local.clear()
    _url_keys.clear()


# Request URL -> response key, for GETs that were answered from or into the cache before: a
# repeated URL then skips the persisted-query lookup and the key's hashing. The entry it points
# to still has to be current (content version, schedule).
_url_keys = ByteLRU(1024 * 1024)


def _url_of(request) -> tuple:
    # Which documents may run at all (allow-list mode) decides whether the URL has an answer.
    mode = _config("PERSISTED_QUERIES_ONLY")
    return (mode, request.scheme, request._get_raw_host(), request.path_info, request.META.get("QUERY_STRING", ""))


def _remember_url(request, key: str):
    url = _url_of(request)
    _url_keys.set(url, key, sum(len(part) for part in url[1:] if isinstance(part, str)) + len(key) + 200)


def answer_from_url(request) -> HttpResponse | None:
    """The cached answer to a GET whose exact URL was answered before, if it is still current."""
    if request.method != "GET" or not _config("RESPONSE_CACHE") or not _anonymous(request):
        return None
    key = _url_keys.get(_url_of(request))
    if key is None:
        return None
    _, hit = _lookup(request, key)
    return _hit_response(request, hit) if hit is not None else None


def _hit_response(request, hit: tuple) -> HttpResponse:
    _, body, etag, _ = hit
    if _not_modified(request, etag):
        return _public_headers(HttpResponseNotModified(), etag)
    return _public_headers(HttpResponse(body, content_type="application/json"), etag)


def respond(request, query: str | None, run) -> HttpResponse:
    """Answer from the cache when possible; otherwise `run()` and cache what may be cached."""
    key = response_key(request, query)
    version = None
    deadline = 0.0
    if key is not None:
        version, hit = _lookup(request, key)
        if hit is not None:
            _remember_url(request, key)
            return _hit_response(request, hit)
        content = PublicContent.for_request(request)
        if version is not None and content.site is not None:
            # Before the answer is made: a go-live or expiry while it runs must end its entry.
            # An answer made with no site (an unknown host) is not kept.
            deadline = min(time.time() + _config("RESPONSE_CACHE_TIMEOUT"), content.deadline())

    response = run()
    # Checked again after running: a resolver may mark the request uncacheable.
    if _cacheable_request(request, query) and _is_cacheable(response):
        etag = etag_for(response.content)
        timeout = deadline - time.time()
        if key is not None and timeout >= MIN_SECONDS:
            # Stored under the version read *before* running, so a publish during
            # the run leaves this entry already outdated rather than wrongly fresh.
            # Scheduled publishing sends no signal: never keep an answer past the next go-live or expiry.
            entry = (version, response.content, etag, deadline)
            _cache().set(key, entry, timeout=timeout)
            _keep_locally(key, entry)
            _remember_url(request, key)
        if _not_modified(request, etag):
            return _public_headers(HttpResponseNotModified(), etag)
        return _public_headers(response, etag)
    if response.get("Content-Type", "").startswith("application/json"):
        # Errors (such as an unknown persisted query) and POST answers must never be reused.
        patch_cache_control(response, no_store=True)
    return response
