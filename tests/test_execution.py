"""The synchronous executor answers exactly as graphql-core's own, errors included."""

import graphene
import pytest
from django.test import RequestFactory
from graphql import execute, parse

from api.documents import prepare
from api.execution import SyncExecutionContext, never_awaitable
from api.queries import PAGE_BY_PATH
from api.schema import schema

pytestmark = pytest.mark.django_db

QUERIES = [
    (PAGE_BY_PATH, {"path": "/attraktive-samfunn/infrastruktur/"}),
    ("query { pages(limit: 5) { __typename title children { title } breadcrumbs { url } } }", {}),
    (
        'query { siteSearch(query: "bredbånd") { totalCount results { title section { anchor } } facets { count } } }',
        {},
    ),
    # Errors: a resolver raising on a nullable field, and on a non-null one inside a list.
    ("query { pages(limit: 500) { title } organisation { name } }", {}),
    ('query { page(id: "1") { title } contactPeople(limit: 0) { name } }', {}),
    ("query { contactPeople { __typename id name email } organisation { __typename name } }", {}),
]


@pytest.mark.parametrize(("query", "variables"), QUERIES)
def test_same_answer_as_the_stock_executor(demo, query, variables):
    document = parse(query)

    def run(**options):
        request = RequestFactory().post("/graphql/")
        result = execute(schema.graphql_schema, document, context_value=request, variable_values=variables, **options)
        return result.data, [error.formatted for error in result.errors or []]

    stock = run()
    fast = run(execution_context_class=SyncExecutionContext, is_awaitable=never_awaitable)
    assert fast == stock
    assert stock[0] is not None or stock[1]


class Thing(graphene.ObjectType):
    name = graphene.String(required=True)
    nickname = graphene.String()
    size = graphene.Int()
    count = graphene.Int(required=True)


class ThingQuery(graphene.ObjectType):
    things = graphene.List(Thing)

    def resolve_things(self, info):
        return [
            {"name": "ok", "nickname": None, "size": 3, "count": 1},
            {"name": None, "nickname": "x", "size": 1, "count": 2},  # null for a non-null field
            Thing(name="attr", nickname="y", size="not a number", count=3),  # cannot be serialised
            {"name": "no count", "size": 2**40},  # missing key and an Int out of range
        ]


def test_plain_attribute_fields_fail_exactly_as_the_stock_executor():
    toy = graphene.Schema(query=ThingQuery).graphql_schema
    document = parse("{ things { name nickname size count } }")
    stock = execute(toy, document)
    fast = execute(toy, document, execution_context_class=SyncExecutionContext, is_awaitable=never_awaitable)
    assert fast.data == stock.data
    assert [e.formatted for e in fast.errors] == [e.formatted for e in stock.errors]
    assert len(stock.errors) == 4


def test_field_collection_is_shared_between_requests_only_without_directives(demo, gql):
    with_directive = """query($with: Boolean!) {
      page(urlPath: "/attraktive-samfunn/infrastruktur/") { title slug @include(if: $with) }
    }"""
    assert gql(with_directive, {"with": True})["data"]["page"] == {"title": "Infrastruktur", "slug": "infrastruktur"}
    assert gql(with_directive, {"with": False})["data"]["page"] == {"title": "Infrastruktur"}
    assert prepare(schema.graphql_schema, with_directive).context_class.shared_subfields is None

    plain = 'query { page(urlPath: "/attraktive-samfunn/infrastruktur/") { title slug } }'
    assert gql(plain)["data"]["page"] == {"title": "Infrastruktur", "slug": "infrastruktur"}
    assert prepare(schema.graphql_schema, plain).context_class.shared_subfields
    assert gql(plain)["data"]["page"] == {"title": "Infrastruktur", "slug": "infrastruktur"}


def test_plans_kept_with_a_document_do_not_grow_with_requests(demo, gql):
    query = 'query { page(urlPath: "/attraktive-samfunn/infrastruktur/") { title children { title } } }'
    context_class = prepare(schema.graphql_schema, query).context_class
    gql(query)
    kept = len(context_class.shared_plans)
    for _ in range(20):
        gql(query)
    assert len(context_class.shared_plans) == kept
