"""Every list in the API is read in windows: `limit` items from `offset`, both checked."""

from graphql import GraphQLError

MAX_LIMIT = 100
# Deeper than this, a client is crawling: it can ask for pages by type or path instead.
MAX_OFFSET = 10_000


def page_size(limit: int, offset: int) -> slice:
    # `limit: null` (or a variable sent as null) reaches here as None: a client's mistake, not a crash.
    if not isinstance(limit, int) or not 1 <= limit <= MAX_LIMIT:
        raise GraphQLError(f"`limit` must be between 1 and {MAX_LIMIT}, got {limit}.")
    if not isinstance(offset, int) or not 0 <= offset <= MAX_OFFSET:
        raise GraphQLError(f"`offset` must be between 0 and {MAX_OFFSET}, got {offset}.")
    return slice(offset, offset + limit)
