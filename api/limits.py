"""Query limits checked on the syntax tree, before graphql-core validates anything.

graphql-core's validation has quadratic paths (overlapping-field checks on
repeated fields and aliases). Every limit here is checked in one linear pass
over the document, with fragments measured once each, so a hostile query is
rejected in milliseconds, before it can reach those paths.
"""

from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from graphql import GraphQLError
from graphql.language import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)

DEFAULT_LIMITS = {
    "MAX_QUERY_BYTES": 10_000,
    "MAX_TOKENS": 2_000,
    "MAX_DEPTH": 10,
    "MAX_FIELDS": 300,
    "MAX_ALIASES": 30,
    "MAX_REPEATED_FIELD": 3,
    # What the answer may hold, worked out before running (api/cost.py).
    "MAX_COST": 1_000_000,
    # A backstop for anything the cost misjudges: a larger answer is refused, not sent.
    "MAX_RESPONSE_BYTES": 10_000_000,
}


def limits() -> dict[str, int]:
    return {**DEFAULT_LIMITS, **settings.API.get("LIMITS", {})}


class QueryTooComplex(GraphQLError):
    pass


# Introspection's link from a list or non-null type to the type it wraps: one object, a few hops
# long at most, so nesting it multiplies no work. Standard introspection queries (GraphiQL's, the
# schema tools') nest it eight deep, past MAX_DEPTH, so it does not count as a level.
# No type of ours may name a field `ofType` (tests/test_api_limits.py checks).
UNCOUNTED_LEVELS = frozenset({"ofType"})


def _levels(field: FieldNode) -> int:
    return 0 if field.name.value in UNCOUNTED_LEVELS else 1


@dataclass
class Measure:
    depth: int = 0
    fields: int = 0
    aliases: int = 0


class _Measurer:
    def __init__(self, document: DocumentNode, limit: dict[str, int]):
        self.limit = limit
        self.fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
        self.memo: dict[str, Measure] = {}
        self.keys_memo: dict[str, Counter] = {}
        self.in_progress: set[str] = set()

    def selection_set(self, node: SelectionSetNode | None) -> Measure:
        total = Measure()
        if node is None:
            return total
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                child = self.selection_set(selection.selection_set)
                total.fields += 1 + child.fields
                total.aliases += (1 if selection.alias else 0) + child.aliases
                total.depth = max(total.depth, _levels(selection) + child.depth)
            else:
                child = (
                    self.fragment(selection.name.value)
                    if isinstance(selection, FragmentSpreadNode)
                    else self.selection_set(selection.selection_set)
                    if isinstance(selection, InlineFragmentNode)
                    else Measure()
                )
                total.fields += child.fields
                total.aliases += child.aliases
                total.depth = max(total.depth, child.depth)
            # Checked as we go, so counts stay small however the document nests.
            self.check(total)
        # Fragments merge into the selection they are spread in, so a field
        # repeated across fragments is repeated in the selection.
        keys = self.response_keys(node)
        repeated = [key for key, count in keys.items() if count > self.limit["MAX_REPEATED_FIELD"]]
        if repeated:
            raise QueryTooComplex(
                f"Field {repeated[0]!r} is requested {keys[repeated[0]]} times in one selection; "
                f"the limit is {self.limit['MAX_REPEATED_FIELD']}."
            )
        return total

    def response_keys(self, node: SelectionSetNode, seen: frozenset[str] = frozenset()) -> Counter:
        """How often each response key is selected here, fragments included (each fragment counted once per spread)."""
        keys: Counter = Counter()
        for selection in node.selections:
            if isinstance(selection, FieldNode):
                keys[(selection.alias or selection.name).value] += 1
            elif isinstance(selection, InlineFragmentNode):
                keys += self.response_keys(selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                definition = self.fragments.get(name)
                if definition is not None and name not in seen:
                    keys += self.fragment_keys(name, seen | {name})
        return keys

    def fragment_keys(self, name: str, seen: frozenset[str]) -> Counter:
        if name not in self.keys_memo:
            self.keys_memo[name] = self.response_keys(self.fragments[name].selection_set, seen)
        return self.keys_memo[name]

    def fragment(self, name: str) -> Measure:
        if name in self.memo:
            return self.memo[name]
        definition = self.fragments.get(name)
        if definition is None or name in self.in_progress:
            # Unknown and cyclic fragments are reported by validation.
            return Measure()
        self.in_progress.add(name)
        self.memo[name] = self.selection_set(definition.selection_set)
        self.in_progress.discard(name)
        return self.memo[name]

    def check(self, measure: Measure):
        if measure.depth > self.limit["MAX_DEPTH"]:
            raise QueryTooComplex(
                f"Query is nested {measure.depth} levels deep; the limit is {self.limit['MAX_DEPTH']}."
            )
        if measure.fields > self.limit["MAX_FIELDS"]:
            raise QueryTooComplex(f"Query selects more than {self.limit['MAX_FIELDS']} fields in total.")
        if measure.aliases > self.limit["MAX_ALIASES"]:
            raise QueryTooComplex(f"Query uses more than {self.limit['MAX_ALIASES']} aliases.")


def check_document(document: DocumentNode, limit: dict[str, int] | None = None):
    """Raise `QueryTooComplex` if any operation in the document exceeds a limit."""
    limit = limit or limits()
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    measurer = _Measurer(document, limit)
    for fragment_name in measurer.fragments:
        measurer.fragment(fragment_name)
    for operation in operations:
        measurer.check(measurer.selection_set(operation.selection_set))
