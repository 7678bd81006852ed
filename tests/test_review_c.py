"""Review C: findings from a hostile review of the day's commits."""

from graphql import get_operation_ast, parse

from api.cost import query_cost
from api.schema import schema

QUERY = "query Q($n: Int = 100) { pages(limit: $n) { children { children { title } } } }"


def test_a_limit_variables_default_counts_when_the_variable_is_not_sent():
    """`pages(limit: $n)` with `$n: Int = 100` and no variables runs 100 pages, so it costs as `{"n": 100}`,
    not as the field's default of 20 (a 5x way round the cost budget)."""
    document = parse(QUERY)
    operation = get_operation_ast(document, "Q")
    graphql_schema = schema.graphql_schema
    assert query_cost(graphql_schema, document, operation, {}) == query_cost(
        graphql_schema, document, operation, {"n": 100}
    )
