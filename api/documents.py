"""Parse, limit-check and validate each distinct query document once.

The result is kept in a bounded LRU keyed by the query text (and whether
introspection is allowed), so a repeated query skips parsing and validation
entirely. Rejections are cached too: a hostile query costs its full price once.
"""

from dataclasses import dataclass, field
from functools import lru_cache

from django.conf import settings
from graphql import GraphQLError, GraphQLSchema, parse, specified_rules, validate
from graphql.language import DocumentNode
from graphql.validation import NoSchemaIntrospectionCustomRule

from .execution import SyncExecutionContext, for_document
from .limits import check_document, limits


@dataclass(frozen=True)
class PreparedDocument:
    document: DocumentNode | None
    errors: tuple[GraphQLError, ...]
    # The executor for this document, sharing its field collection between requests when that
    # cannot depend on variables (see `api.execution.for_document`).
    context_class: type = field(default=SyncExecutionContext)


def prepare(schema: GraphQLSchema, query: str) -> PreparedDocument:
    return _prepare(schema, query, bool(settings.API["INTROSPECTION"]), tuple(sorted(limits().items())))


@lru_cache(maxsize=512)
def _prepare(schema: GraphQLSchema, query: str, introspection: bool, limit_items: tuple) -> PreparedDocument:
    limit = dict(limit_items)
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
    return PreparedDocument(document, (), for_document(query))


def cache_info():
    return _prepare.cache_info()
