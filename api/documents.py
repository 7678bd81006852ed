"""Parse, limit-check and validate each distinct query document once.

Accepted documents are kept in an LRU bounded in bytes, keyed by the query text
(and whether introspection is allowed), so a repeated query skips parsing and
validation entirely. Rejected documents are not kept: a stream of different
hostile queries must not fill memory, and the syntax-tree limits (`api.limits`)
make each rejection cheap.
"""

import threading
from dataclasses import dataclass, field, replace

from django.conf import settings
from graphql import GraphQLError, GraphQLSchema, parse, specified_rules, validate
from graphql.language import DocumentNode
from graphql.validation import NoSchemaIntrospectionCustomRule

from publishing.memo import ByteLRU

from .cost import limit_variables
from .execution import SyncExecutionContext, for_document
from .limits import check_document, limits


@dataclass(frozen=True)
class PreparedDocument:
    document: DocumentNode | None
    errors: tuple[GraphQLError, ...]
    # The executor for this document, sharing its field collection between requests when that
    # cannot depend on variables (see `api.execution.for_document`).
    context_class: type = field(default=SyncExecutionContext)
    # Costs worked out for this document, by operation and the limits sent (`api.cost.check_cost`): a
    # full page asked for a different page each time costs the same every time.
    costs: dict = field(default_factory=dict, compare=False)
    limit_variables: tuple[str, ...] = ()
    # The cache key of a document made by this request and not kept yet (`accept` keeps it); None once kept.
    pending_key: tuple | None = field(default=None, compare=False)


# A parsed and validated document takes about this many bytes per character of its text (measured: 100-130).
AST_BYTES_PER_CHARACTER = 150
_kept = ByteLRU(32 * 1024 * 1024)
_counts = {"hits": 0, "misses": 0}
_counts_lock = threading.Lock()


@dataclass(frozen=True)
class CacheInfo:
    hits: int
    misses: int
    bytes: int


def prepare(schema: GraphQLSchema, query: str) -> PreparedDocument:
    """The document parsed and validated: kept from an earlier request, or made now (and kept by `accept`)."""
    key = (id(schema), query, bool(settings.API["INTROSPECTION"]), tuple(sorted(limits().items())))
    found = _kept.get(key)
    with _counts_lock:
        _counts["hits" if found is not None else "misses"] += 1
    if found is None:
        found = _prepare(schema, query, key[2], dict(key[3]))
        if not found.errors:
            found = replace(found, pending_key=key)
    return found


def accept(prepared: PreparedDocument):
    """Keep a document once it has passed every check, the cost included: one refused for its cost (thirty
    aliased searches, say) is made again each time rather than filling the cache with ever-new texts."""
    if prepared.pending_key is not None:
        query = prepared.pending_key[1]
        _kept.set(
            prepared.pending_key, replace(prepared, pending_key=None), AST_BYTES_PER_CHARACTER * len(query) + 2000
        )


def _prepare(schema: GraphQLSchema, query: str, introspection: bool, limit: dict) -> PreparedDocument:
    if len(query.encode("utf-8")) > limit["MAX_QUERY_BYTES"]:
        return PreparedDocument(None, (GraphQLError(f"Query is larger than {limit['MAX_QUERY_BYTES']} bytes."),))
    try:
        document = parse(query, no_location=False, max_tokens=limit["MAX_TOKENS"])
    except GraphQLError as error:
        return PreparedDocument(None, (error,))
    try:
        check_document(document, limit)
    except GraphQLError as error:
        return PreparedDocument(None, (error,))
    rules = list(specified_rules) if introspection else [*specified_rules, NoSchemaIntrospectionCustomRule]
    errors = validate(schema, document, rules, max_errors=20)
    if errors:
        return PreparedDocument(None, tuple(errors))
    return PreparedDocument(document, (), for_document(query), limit_variables=limit_variables(document))


def cache_info() -> CacheInfo:
    return CacheInfo(_counts["hits"], _counts["misses"], _kept.bytes)


def clear():
    _kept.clear()
