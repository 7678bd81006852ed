"""Persisted queries, compatible with Apollo's automatic persisted queries (APQ).

A client sends `extensions={"persistedQuery":{"version":1,"sha256Hash":"..."}}`
instead of the query text, usually over GET so CDNs and browsers can cache
the answer. An unknown hash gets `PersistedQueryNotFound` (status 200, as
Apollo clients expect); the client then sends query and hash together once,
which registers the document for everyone.

Only documents that pass validation are registered, so the store holds
queries the API can actually run. With `API["PERSISTED_QUERIES_ONLY"]`, only
documents registered ahead of time (`PersistedQuery` rows, from
`manage.py register_persisted_queries`) run at all: clients cannot register
new ones, and plain queries are refused.
"""

import hashlib
import json
import re
import time

from django.conf import settings
from django.core.cache import caches
from django.http import JsonResponse
from graphql import OperationDefinitionNode

from publishing.memo import ByteLRU
from publishing.version import shared_version

from .cost import query_cost
from .documents import accept, prepare
from .errors import NOT_UNICODE
from .limits import limits

SHA256 = re.compile(r"^[0-9a-f]{64}$")
AUTOMATIC_PREFIX = "api:apq"
ALLOWED_PREFIX = "api:persisted"
NOT_FOUND = "PersistedQueryNotFound"


# A hash names one document forever, so each process keeps the ones it has seen.
_local = ByteLRU(4 * 1024 * 1024)


def clear_local():
    _local.clear()


def _automatic_query(digest: str) -> str | None:
    query = _local.get(digest)
    if query is None:
        query = _cache().get(f"{AUTOMATIC_PREFIX}:{digest}")
        if query is not None:
            _local.set(digest, query, len(query) + 200)
    return query


def sha256(query: str) -> str:
    return hashlib.sha256(query.encode("utf-8")).hexdigest()


def _cache():
    return caches[settings.API["RESPONSE_CACHE_ALIAS"]]


def _error(message: str, status: int, code: str | None = None) -> JsonResponse:
    error = {"message": message, **({"extensions": {"code": code}} if code else {})}
    response = JsonResponse({"errors": [error]}, status=status)
    # A miss must never be cached: the client registers the query right after.
    response["Cache-Control"] = "no-store"
    return response


def allowed_query(digest: str) -> str | None:
    """The allow-listed document with this hash, cached so a hit costs no SQL.

    Kept under the content version, which every change of the list bumps (publishing.signals): a
    removal made while the shared cache was out of reach never lets the document run again.
    """
    from .models import PersistedQuery

    version = shared_version()
    key = f"{ALLOWED_PREFIX}:{version}:{digest}" if version is not None else None
    query = _cache().get(key) if key else None
    if query is None:
        query = PersistedQuery.objects.filter(sha256=digest).values_list("query", flat=True).first() or ""
        # Misses are cached briefly, so a stream of unknown hashes cannot each cost a query.
        if key:
            _cache().set(key, query, timeout=settings.API["PERSISTED_QUERY_TIMEOUT"] if query else 60)
    return query or None


def _register(schema, digest: str, query: str):
    """Keep a client's document for everyone: only one that passes every limit, and only so many a day.

    Anyone may register, so the store is bounded three ways: documents must be
    valid and within the limits and the cost budget at their defaults (so at
    most `MAX_QUERY_BYTES` each), at most `PERSISTED_QUERY_MAX_PER_DAY` are
    taken a day, and each is kept `PERSISTED_QUERY_TIMEOUT` (a day by default).
    A document not taken still runs; its client just sends the text again.
    """
    prepared = prepare(schema, query)
    if prepared.errors:
        return
    operations = [d for d in prepared.document.definitions if isinstance(d, OperationDefinitionNode)]
    budget = limits()["MAX_COST"]
    if any(query_cost(schema, prepared.document, operation, {}) > budget for operation in operations):
        return
    accept(prepared)
    day = f"{AUTOMATIC_PREFIX}:count:{time.strftime('%Y-%m-%d', time.gmtime())}"
    _cache().add(day, 0, timeout=2 * 24 * 3600)
    try:
        taken = _cache().incr(day)
    except ValueError:  # the count was evicted or the cache is unreachable: take nothing then
        return
    if taken is None or taken > settings.API["PERSISTED_QUERY_MAX_PER_DAY"]:
        return
    _cache().set(f"{AUTOMATIC_PREFIX}:{digest}", query, timeout=settings.API["PERSISTED_QUERY_TIMEOUT"])


def _extensions(request, body: dict) -> dict | None:
    raw = request.GET.get("extensions") if request.method == "GET" else body.get("extensions")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            return None
    return raw if isinstance(raw, dict) else None


def _post_body(request) -> dict:
    # Only bodies that mention a persisted query are parsed here; the view parses the rest.
    if request.method != "POST" or b"persistedQuery" not in request.body:
        return {}
    try:
        body = json.loads(request.body)
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def resolve(request, schema) -> JsonResponse | None:
    """Apply the persisted-query protocol to the request.

    Returns a response to send instead of running the query, or None to go
    on; the document to run is then left in `request._graphql_query`.
    """
    only_persisted = settings.API["PERSISTED_QUERIES_ONLY"]
    body = _post_body(request)
    extensions = _extensions(request, body) or {}
    persisted = extensions.get("persistedQuery")
    query = request.GET.get("query") if request.method == "GET" else body.get("query")

    if persisted is None:
        if only_persisted and request.method in ("GET", "POST"):
            return _error("Only persisted queries are accepted here.", 400, "PERSISTED_QUERY_REQUIRED")
        return None
    digest = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
    if not isinstance(persisted, dict) or persisted.get("version") != 1 or not SHA256.match(str(digest)):
        return _error("Unsupported persisted query: send version 1 and a lowercase sha256Hash.", 400)

    if query is not None:
        try:
            matches = isinstance(query, str) and sha256(query) == digest
        except UnicodeEncodeError:
            # A lone surrogate (JSON allows "\ud800") has no UTF-8 bytes to hash.
            return _error(NOT_UNICODE, 400)
        if not matches:
            return _error("provided sha does not match query", 400, "PERSISTED_QUERY_HASH_MISMATCH")
        if only_persisted and allowed_query(digest) is None:
            return _error("This query is not on the list of persisted queries.", 400, "PERSISTED_QUERY_NOT_ALLOWED")
        if not only_persisted:
            _register(schema, digest, query)
        request._graphql_query = query
        return None

    stored = None if only_persisted else _automatic_query(digest)
    if stored is None:
        stored = allowed_query(digest)
    if stored is None:
        return _error(NOT_FOUND, 200, "PERSISTED_QUERY_NOT_FOUND")
    request._graphql_query = stored
    return None
