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


def test_b_a_limit_sent_as_an_integral_float_costs_what_runs():
    """GraphQL's Int takes `100.0` as 100: the cost, and the cost kept for the document, must count 100 too,
    not the field's default of 20."""
    from api.cost import check_cost, cost_key, limit_variables

    query = "query Q($n: Int) { pages(limit: $n) { children { children { title } } } }"
    document = parse(query)
    operation = get_operation_ast(document, "Q")
    graphql_schema = schema.graphql_schema
    as_int = query_cost(graphql_schema, document, operation, {"n": 100})
    assert query_cost(graphql_schema, document, operation, {"n": 100.0}) == as_int
    names = limit_variables(document)
    assert cost_key(operation, names, {"n": 100.0}) != cost_key(operation, names, {})
    known: dict = {}
    check_cost(graphql_schema, document, operation, {}, 10**12, known=known, names=names)
    assert check_cost(graphql_schema, document, operation, {"n": 100.0}, 10**12, known=known, names=names) == as_int
