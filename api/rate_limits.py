"""Which API requests count against the per-client rate limits (ops/ratelimit.py), and how they are refused.

Counted: every POST that reaches execution (POST answers are never cached), and each `siteSearch` and
`searchSuggest` a request runs, over GET or POST. Not counted: anything answered from the response
cache (persisted or plain GETs): `caching.respond` answers those before a query is ever executed.
"""

from graphql import FieldNode, FragmentDefinitionNode, FragmentSpreadNode, InlineFragmentNode

from ops import ratelimit

# Root field -> the bucket its runs count in.
EXPENSIVE_FIELDS = {"siteSearch": "search", "searchSuggest": "suggest"}

MESSAGES = {
    "post": "Too many queries from your address. Wait {seconds} s and try again, or send the query as a GET "
    "(GET answers are cached and not limited).",
    "search": "Too many searches from your address. Wait {seconds} s and try again.",
    "suggest": "Too many suggestion requests from your address. Wait {seconds} s and try again.",
}
RateLimited = ratelimit.RateLimited


def root_field_counts(document, operation) -> dict[str, int]:
    """How often each root field is selected by `operation`, through fragments and aliases."""
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    counts: dict[str, int] = {}
    # Without recursion, and each named fragment spread is followed every time (as it runs every time);
    # the document limits (depth, fields) already bound how many that can be.
    stack = [operation.selection_set]
    while stack:
        for selection in stack.pop().selections:
            if isinstance(selection, FieldNode):
                counts[selection.name.value] = counts.get(selection.name.value, 0) + 1
            elif isinstance(selection, InlineFragmentNode):
                stack.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value in fragments:
                stack.append(fragments[selection.name.value].selection_set)
    return counts


def refuse_used_up_post(request):
    """A POST from a client whose POSTs are used up for this window is refused before its body is read:
    hostile clients keep sending (2 MB bodies among them), and reading, decoding and checking those cost the
    workers more than the refusal."""
    if request.method == "POST":
        ratelimit.refuse_if_used_up(request, "post")


def count_post(request):
    if request.method == "POST":
        ratelimit.hit(request, "post")


def count_fields(request, document, operation):
    # Walking the document is skipped for the clients never counted (a frontend's own servers).
    if not ratelimit.applies(request):
        return
    counts = root_field_counts(document, operation)
    for field, bucket in EXPENSIVE_FIELDS.items():
        ratelimit.hit(request, bucket, counts.get(field, 0))


def refusal(error: RateLimited):
    return error.response(MESSAGES[error.bucket].format(seconds=error.retry_after))
