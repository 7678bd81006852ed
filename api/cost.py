"""What a query may cost, worked out before it runs.

The cost is an upper bound of how many values the answer can hold: every
field counts 1, and every list multiplies what it selects by how many items
it can return: its `limit` argument (`pages`, `children`, `contactPeople`,
`siteSearch`, `searchSuggest`), or for lists without one, the most a page
body realistically holds (`LIST_SIZES`). Searching costs `FIELD_COSTS` on top.
Aliases and fragments count each time they are used. A query over the budget
(`API["LIMITS"]["MAX_COST"]`) is refused with its cost and the budget, before
anything is read.

The syntax-tree limits (`api.limits`) keep documents small; this keeps small
documents from asking for huge answers (`pages(limit: 100) { children {
breadcrumbs } }` under many aliases).
"""

from graphql import (
    ArgumentNode,
    FieldNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    VariableNode,
    Visitor,
    get_named_type,
    is_list_type,
    is_non_null_type,
    visit,
)

# Lists without a `limit`: the most items they are assumed to hold.
LIST_SIZES = {"body": 30, "links": 10, "contacts": 10, "breadcrumbs": 10, "translations": 5, "facets": 10}
# Fields that cost more than the values they return: a search reads an index, so one query holds at
# most about twenty of them.
FIELD_COSTS = {"siteSearch": 50_000, "searchSuggest": 5_000}
DEFAULT_LIST_SIZE = 100


class QueryTooExpensive(GraphQLError):
    pass


def _is_list(field_type) -> bool:
    return is_list_type(field_type.of_type if is_non_null_type(field_type) else field_type)


def _int(value) -> int | None:
    """A variable's value as GraphQL's Int takes it (`100.0` is 100), or None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return None


def _limit(field_node: FieldNode, field_def, variables: dict) -> int:
    """How many items a list field can return: its `limit` as sent, or its default."""
    argument = field_def.args.get("limit")
    if argument is None:
        return LIST_SIZES.get(field_node.name.value, DEFAULT_LIST_SIZE)
    for node in field_node.arguments:
        if node.name.value != "limit":
            continue
        if isinstance(node.value, IntValueNode):
            return int(node.value.value)
        if isinstance(node.value, VariableNode) and _int(variables.get(node.value.name.value)) is not None:
            return _int(variables[node.value.name.value])
    default = argument.default_value
    return default if isinstance(default, int) else DEFAULT_LIST_SIZE


class _Coster:
    def __init__(self, schema, fragments, variables):
        self.schema = schema
        self.fragments = fragments
        self.variables = variables or {}

    def selection_set(self, parent_type, selection_set, seen: frozenset[str] = frozenset()) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(parent_type, selection, seen)
            elif isinstance(selection, InlineFragmentNode):
                on = selection.type_condition
                inner = self.schema.get_type(on.name.value) if on else parent_type
                total += self.selection_set(inner or parent_type, selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if fragment is not None and name not in seen:
                    inner = self.schema.get_type(fragment.type_condition.name.value) or parent_type
                    total += self.selection_set(inner, fragment.selection_set, seen | {name})
        return total

    def field(self, parent_type, node: FieldNode, seen) -> int:
        name = node.name.value
        fields = getattr(parent_type, "fields", None) or {}
        field_def = fields.get(name)
        if field_def is None:
            # __typename and introspection fields: introspection is off in production and
            # bounded by the schema's size where it is on.
            return 1
        cost = 1 + FIELD_COSTS.get(name, 0)
        if node.selection_set is not None:
            below = self.selection_set(get_named_type(field_def.type), node.selection_set, seen)
            items = _limit(node, field_def, self.variables) if _is_list(field_def.type) else 1
            cost += max(items, 0) * below
        elif _is_list(field_def.type):
            cost += max(_limit(node, field_def, self.variables), 0)
        return cost


def query_cost(schema, document, operation, variables: dict | None) -> int:
    fragments = {d.name.value: d for d in document.definitions if d.kind == "fragment_definition"}
    root = schema.get_root_type(operation.operation) if hasattr(schema, "get_root_type") else schema.query_type
    # A variable not sent takes its default from the document (`$n: Int = 100`): that is the limit that runs.
    defaults = {
        definition.variable.name.value: int(definition.default_value.value)
        for definition in operation.variable_definitions or ()
        if isinstance(definition.default_value, IntValueNode)
    }
    variables = {**defaults, **(variables or {})}
    return _Coster(schema, fragments, variables).selection_set(root, operation.selection_set)


class _LimitVariables(Visitor):
    def __init__(self):
        super().__init__()
        self.names: set[str] = set()

    def enter_argument(self, node: ArgumentNode, *_):
        if node.name.value == "limit" and isinstance(node.value, VariableNode):
            self.names.add(node.value.name.value)


def limit_variables(document) -> tuple[str, ...]:
    """The variables that set a `limit`: the only way a document's cost depends on its variables."""
    visitor = _LimitVariables()
    visit(document, visitor)
    return tuple(sorted(visitor.names))


def cost_key(operation, names: tuple[str, ...], variables: dict | None) -> tuple:
    """What a document's cost depends on besides the document: the operation and the limits sent."""
    variables = variables or {}
    sent = tuple(_int(variables.get(name)) for name in names)
    return (operation.name.value if operation.name else None, sent)


def check_cost(
    schema, document, operation, variables: dict | None, budget: int, *, known: dict | None = None, names=()
):
    """Refuse a query over the budget.

    `known` keeps the costs already worked out for this document, by `cost_key` over the document's
    `limit_variables` (`names`).
    """
    if known is None:
        cost = query_cost(schema, document, operation, variables)
    else:
        key = cost_key(operation, names, variables)
        cost = known.get(key)
        if cost is None:
            cost = query_cost(schema, document, operation, variables)
            # A handful of limit combinations per document at most in real use; a client cycling through
            # thousands of limits only computes again.
            if len(known) < 64:
                known[key] = cost
    if cost > budget:
        raise QueryTooExpensive(
            f"Query cost {cost:,} is over the budget of {budget:,}. Every list multiplies the cost of what it "
            "selects by its `limit` (lists without one by their assumed size), and searching costs extra. "
            "Ask for fewer items or fewer fields, or split the query."
        )
    return cost
