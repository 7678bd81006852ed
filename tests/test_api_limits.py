"""Every limit: the query just under it runs, the one over it is a 400 with a clear message."""

import pytest
from graphql import GraphQLError, get_introspection_query, parse

from api.limits import UNCOUNTED_LEVELS
from api.schema import schema

pytestmark = pytest.mark.django_db


@pytest.fixture
def limits(settings):
    def set_limits(**values):
        settings.API = {**settings.API, "LIMITS": {**settings.API.get("LIMITS", {}), **values}}

    return set_limits


def nested_parents(depth: int) -> str:
    # page (1) + parents + title: `depth` levels in all.
    inner = "title"
    for _ in range(depth - 2):
        inner = f"parent {{ {inner} }}"
    return f'{{ page(urlPath: "/attraktive-samfunn/infrastruktur/") {{ {inner} }} }}'


def test_depth_default_10(gql, demo):
    assert "errors" not in gql(nested_parents(10))
    response = gql(nested_parents(11), status=400)
    assert response["errors"][0]["message"] == "Query is nested 11 levels deep; the limit is 10."


def test_depth_counts_through_fragments(gql, demo):
    query = (
        "{ ...A } fragment A on Query { page(id: 1) { ...B } } fragment B on PageInterface { "
        + " ".join(["parent {"] * 9)
        + " title "
        + "}" * 9
        + " }"
    )
    assert "nested 11 levels" in gql(query, status=400)["errors"][0]["message"]


def test_total_fields(gql, demo, limits):
    limits(MAX_FIELDS=5)
    assert "errors" not in gql("{ pages { id title slug urlPath } }")  # 5 fields
    response = gql("{ pages { id title slug urlPath url } }", status=400)
    assert response["errors"][0]["message"] == "Query selects more than 5 fields in total."


def test_fields_multiplied_by_fragment_spreads_are_counted(gql, demo, limits):
    limits(MAX_FIELDS=20)
    fragment = "fragment F on PageInterface { id title slug urlPath url }"
    query = "{ pages { ...F children { ...F children { ...F children { ...F } } } } } " + fragment
    assert "more than 20 fields" in gql(query, status=400)["errors"][0]["message"]


def test_aliases_default_30(gql, demo):
    accepted = "{ " + " ".join(f"a{i}: __typename" for i in range(30)) + " }"
    rejected = "{ " + " ".join(f"a{i}: __typename" for i in range(31)) + " }"
    assert "errors" not in gql(accepted)
    assert gql(rejected, status=400)["errors"][0]["message"] == "Query uses more than 30 aliases."


def test_repeated_identical_fields_default_3(gql, demo):
    assert "errors" not in gql("{ pages { title title title } }")
    response = gql("{ pages { title title title title } }", status=400)
    assert response["errors"][0]["message"] == "Field 'title' is requested 4 times in one selection; the limit is 3."


def test_document_bytes_default_10000(gql, demo):
    query = "{ __typename }"
    assert "errors" not in gql(query + " " * (10_000 - len(query)))
    response = gql(query + " " * (10_001 - len(query)), status=400)
    assert response["errors"][0]["message"] == "Query is larger than 10000 bytes."


def test_document_tokens(gql, demo, limits):
    query = '{ page(urlPath: "/") { title } }'
    tokens = next(n for n in range(1, 100) if _parses(query, n))
    limits(MAX_TOKENS=tokens)
    assert "errors" not in gql(query)
    limits(MAX_TOKENS=tokens - 1)
    assert f"more than {tokens - 1} tokens" in gql(query, status=400)["errors"][0]["message"]


def _parses(query: str, max_tokens: int) -> bool:
    try:
        parse(query, max_tokens=max_tokens)
    except GraphQLError:
        return False
    return True


def test_list_sizes_capped_at_100(gql, demo):
    assert "errors" not in gql("{ pages(limit: 100) { id } contactPeople(limit: 100) { id } }")
    for field in ("pages", "contactPeople"):
        response = gql(f"{{ {field}(limit: 101) {{ id }} }}")
        assert response["errors"][0]["message"] == "`limit` must be between 1 and 100, got 101."


def test_batched_requests_are_refused(client, demo):
    response = client.post("/graphql/", data='[{"query": "{ __typename }"}]', content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {
        "errors": [{"message": "Batched requests are not supported: send one operation per request."}]
    }


def test_hostile_alias_flood_is_rejected_by_the_limit_before_validation(gql, demo):
    # 100 aliased copies of one field would send graphql-core's overlapping-fields
    # validation into its quadratic path; the syntax-tree limit answers first.
    query = "{ " + " ".join(f"a{i}:pages{{title}}" for i in range(100)) + " }"
    assert gql(query, status=400)["errors"][0]["message"].startswith("Query uses more than 30 aliases")


def test_limits_are_per_settings_not_cached_across_changes(gql, demo, limits):
    query = "{ pages { id title } }"
    assert "errors" not in gql(query)
    limits(MAX_FIELDS=2)
    assert gql(query, status=400)["errors"]


def test_repeated_fields_are_counted_across_fragments(gql, demo):
    inline = "{ pages(limit: 1) { " + " ".join(["... on ThemePage { title }"] * 4) + " } }"
    assert "requested 4 times" in gql(inline, status=400)["errors"][0]["message"]
    spread = "{ pages(limit: 1) { ...A ...B title } } fragment A on PageInterface { title } fragment B on PageInterface { title title }"
    assert "requested 4 times" in gql(spread, status=400)["errors"][0]["message"]
    assert "errors" not in gql("{ pages(limit: 1) { ...A title } } fragment A on PageInterface { title title }")


def test_the_standard_introspection_query_fits_the_limits(gql, demo):
    # What GraphiQL and schema tools send: `ofType` nested eight deep, past MAX_DEPTH.
    query = get_introspection_query(descriptions=True, input_value_deprecation=True)
    assert "errors" not in gql(query)


def test_introspection_that_fans_out_still_counts_its_levels(gql, demo):
    inner = "name"
    for _ in range(5):
        inner = f"fields {{ type {{ ofType {{ {inner} }} }} }}"
    response = gql(f"{{ __schema {{ types {{ {inner} }} }} }}", status=400)
    assert "levels deep" in response["errors"][0]["message"]


def test_no_type_of_ours_names_a_field_like_an_uncounted_introspection_level():
    for name, type_ in schema.graphql_schema.type_map.items():
        if not name.startswith("__"):
            assert UNCOUNTED_LEVELS.isdisjoint(getattr(type_, "fields", {})), name
