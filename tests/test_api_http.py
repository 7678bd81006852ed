"""The endpoint over real HTTP: methods, encodings, switches, CORS and error hygiene."""

import json

import pytest

pytestmark = pytest.mark.django_db

QUERY = '{ page(urlPath: "/attraktive-samfunn/") { title } }'


def test_post_json_and_get_querystring_agree(client, demo):
    post = client.post("/graphql/", data=json.dumps({"query": QUERY}), content_type="application/json")
    get = client.get("/graphql/", {"query": QUERY})
    assert post.status_code == get.status_code == 200
    assert post.json() == get.json() == {"data": {"page": {"title": "Attraktive samfunn"}}}


def test_get_with_variables_and_operation_name(client, demo):
    response = client.get(
        "/graphql/",
        {
            "query": "query A($p: String) { page(urlPath: $p) { title } } query B { __typename }",
            "variables": json.dumps({"p": "/attraktive-samfunn/infrastruktur/"}),
            "operationName": "A",
        },
    )
    assert response.json() == {"data": {"page": {"title": "Infrastruktur"}}}


def test_application_graphql_body(client, demo):
    response = client.post("/graphql/", data=QUERY, content_type="application/graphql")
    assert response.json()["data"]["page"]["title"] == "Attraktive samfunn"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"query": "{ page(urlPath: "}, "Syntax Error"),
        ({"query": "{ nope }"}, "Cannot query field 'nope' on type 'Query'."),
        (
            {"query": "query($l: Int) { pages(limit: $l) { title } }", "variables": {"l": "many"}},
            "Variable '$l' got invalid value 'many'",
        ),
        ({"query": "mutation { x }"}, ""),
        ({"query": 42}, "`query` must be a string."),
        ({"query": "{ __typename }", "variables": [1]}, "`variables` must be a JSON object."),
        ({"query": "{ __typename }", "operationName": 7}, "`operationName` must be a string."),
        ({"query": "query A { __typename } query B { __typename }"}, "Give `operationName`"),
        ({"query": "query A { __typename }", "operationName": "Z"}, "Unknown operation named 'Z'."),
        ({}, "Must provide query string."),
    ],
)
def test_errors_are_400_with_a_clear_message(client, demo, body, message):
    response = client.post("/graphql/", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert message in errors[0]["message"]


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("{not json", "application/json"),
        (b"\xff\xfe\x00", "application/json"),
        ('"a string"', "application/json"),
        ("null", "application/json"),
        ("query=%7B", "application/x-www-form-urlencoded"),
        ("", "text/plain"),
    ],
)
def test_malformed_bodies_are_400_never_500(client, demo, data, content_type):
    response = client.post("/graphql/", data=data, content_type=content_type)
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"]


def test_mutations_are_refused_over_get_and_post(client, demo):
    for response in (
        client.get("/graphql/", {"query": "mutation { __typename }"}),
        client.post(
            "/graphql/", data=json.dumps({"query": "mutation { __typename }"}), content_type="application/json"
        ),
    ):
        assert response.status_code == 400


def test_other_methods_are_405(client, demo):
    assert client.put("/graphql/", data="{}").status_code == 405
    assert client.delete("/graphql/").status_code == 405


def test_no_stack_traces_or_sql_in_errors(client, demo, monkeypatch):
    from publishing import reader

    def explode(*args, **kwargs):
        raise RuntimeError('relation "wagtailcore_page" does not exist SELECT * FROM secret')

    monkeypatch.setattr(reader, "public_snippets", explode)
    response = client.post(
        "/graphql/", data=json.dumps({"query": "{ contactPeople { name } }"}), content_type="application/json"
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Internal error" in body
    for secret in ("SELECT", "wagtailcore_page", "Traceback", "RuntimeError", ".py"):
        assert secret not in body


def test_introspection_is_a_setting(client, demo, settings):
    query = json.dumps({"query": "{ __schema { queryType { name } } }"})
    settings.API = {**settings.API, "INTROSPECTION": True}
    assert client.post("/graphql/", data=query, content_type="application/json").status_code == 200
    settings.API = {**settings.API, "INTROSPECTION": False}
    response = client.post("/graphql/", data=query, content_type="application/json")
    assert response.status_code == 400
    assert "introspection" in response.json()["errors"][0]["message"].lower()
    # __typename is not introspection: frontends need it for unions and interfaces.
    typename = client.post("/graphql/", data=json.dumps({"query": "{ __typename }"}), content_type="application/json")
    assert typename.json() == {"data": {"__typename": "Query"}}


def test_graphiql_is_a_setting(client, demo, settings):
    settings.API = {**settings.API, "GRAPHIQL": True}
    assert b"graphiql" in client.get("/graphql/", HTTP_ACCEPT="text/html").content.lower()
    settings.API = {**settings.API, "GRAPHIQL": False}
    response = client.get("/graphql/", HTTP_ACCEPT="text/html")
    assert response.status_code == 400
    assert b"graphiql" not in response.content.lower()


def test_production_defaults_switch_graphiql_and_introspection_off():
    from cms.settings import base

    assert base.API["GRAPHIQL"] is False
    assert base.API["INTROSPECTION"] is False


def test_cors_allows_configured_origins_without_credentials(client, demo, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://frontend.example"]
    preflight = client.options(
        "/graphql/",
        HTTP_ORIGIN="https://frontend.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="POST",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="content-type",
    )
    assert preflight["Access-Control-Allow-Origin"] == "https://frontend.example"
    assert "Access-Control-Allow-Credentials" not in preflight
    response = client.post(
        "/graphql/",
        data=json.dumps({"query": QUERY}),
        content_type="application/json",
        HTTP_ORIGIN="https://frontend.example",
    )
    assert response["Access-Control-Allow-Origin"] == "https://frontend.example"
    assert "Access-Control-Allow-Credentials" not in response


def test_cors_refuses_other_origins(client, demo, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://frontend.example"]
    response = client.post(
        "/graphql/",
        data=json.dumps({"query": QUERY}),
        content_type="application/json",
        HTTP_ORIGIN="https://evil.example",
    )
    assert "Access-Control-Allow-Origin" not in response


def test_cors_headers_only_on_the_api(client, demo, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://frontend.example"]
    response = client.get("/admin/login/", HTTP_ORIGIN="https://frontend.example")
    assert "Access-Control-Allow-Origin" not in response


@pytest.mark.parametrize(
    "body",
    [
        {"query": 'query { page(slug: "a\\u0000b") { title } }'},
        {"query": "query($s: String) { page(slug: $s) { title } }", "variables": {"s": "a\x00b"}},
    ],
)
def test_nul_characters_are_a_clear_400(client, demo, body):
    response = client.post("/graphql/", data=json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert "NUL" in response.json()["errors"][0]["message"]


def test_a_get_body_cannot_change_the_cached_answer(client, demo):
    query = 'query($p: String = "/attraktive-samfunn/") { page(urlPath: $p) { title } }'
    poisoned = client.generic(
        "GET",
        "/graphql/?" + __import__("urllib.parse").parse.urlencode({"query": query}),
        data=json.dumps({"variables": {"p": "/attraktive-samfunn/infrastruktur/"}}),
        content_type="application/json",
    )
    assert poisoned.json() == {"data": {"page": {"title": "Attraktive samfunn"}}}
    assert client.get("/graphql/", {"query": query}).json() == {"data": {"page": {"title": "Attraktive samfunn"}}}


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"query": "{ __typename }", "variables": {"x": ' + "[" * 5000 + "]" * 5000 + "}}", "application/json"),
        ('{"query": "{ page(slug: \\"\\ud800\\") { title } }"}', "application/json"),
        ('{"query": "{ page(slug: $s) { title } }", "variables": {"s": "\\udfff"}}', "application/json"),
        (b"\xff{", "application/graphql"),
    ],
)
def test_hostile_encodings_and_nesting_are_400(client, demo, body, content_type):
    response = client.post("/graphql/", data=body, content_type=content_type)
    assert response.status_code == 400
    assert response.json()["errors"][0]["message"]


def test_deep_but_parseable_variables_are_fine(client, demo):
    body = '{"query": "{ __typename }", "variables": {"x": ' + "[" * 700 + "]" * 700 + "}}"
    response = client.post("/graphql/", data=body, content_type="application/json")
    assert response.json() == {"data": {"__typename": "Query"}}


def test_hostile_nesting_in_get_parameters_is_400(client, demo):
    deep = "[" * 5000 + "]" * 5000
    for params in ({"query": "{ __typename }", "variables": deep}, {"extensions": '{"persistedQuery": ' + deep + "}"}):
        response = client.get("/graphql/", params)
        assert response.status_code == 400


@pytest.mark.parametrize("ident", ["²", "١٢", "99999999999999999999", "-1", "1e3"])
def test_non_ascii_or_huge_ids_are_just_not_found(gql, demo, ident):
    response = gql("query($id: ID!) { page(id: $id) { title } contactPerson(id: $id) { name } }", {"id": ident})
    assert response == {"data": {"page": None, "contactPerson": None}}
