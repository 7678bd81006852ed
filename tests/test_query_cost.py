"""Query cost as GraphQL runs the query (variable defaults, integral floats, null limits), and reads that must agree with the ORM."""

import pytest
from graphql import get_operation_ast, parse

from api.cost import query_cost
from api.schema import schema

QUERY = "query Q($n: Int = 100) { pages(limit: $n) { children { children { title } } } }"


def test_limit_variables_default_counts_when_the_variable_is_not_sent():
    """`pages(limit: $n)` with `$n: Int = 100` and no variables runs 100 pages, so it costs as `{"n": 100}`,
    not as the field's default of 20 (a 5x way round the cost budget)."""
    document = parse(QUERY)
    operation = get_operation_ast(document, "Q")
    graphql_schema = schema.graphql_schema
    assert query_cost(graphql_schema, document, operation, {}) == query_cost(
        graphql_schema, document, operation, {"n": 100}
    )


def test_a_limit_sent_as_an_integral_float_costs_what_runs():
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


@pytest.mark.django_db
def test_one_parents_children_read_as_the_orm_reads_them(demo):
    """The single-parent SQL path (`StoredSource._fetch`) and the ORM path agree: window, order, types."""
    from datetime import timedelta

    from django.db.models import Q
    from django.utils import timezone
    from wagtail.models import Site

    from content_models.models import TopicPage
    from publishing.models import PublicPage
    from publishing.sources import StoredSource

    site = Site.objects.get(is_default_site=True)
    topic = TopicPage.objects.get()
    now = timezone.now()
    rows = list(PublicPage.objects.filter(parent_id=topic.pk).order_by("path"))
    assert len(rows) >= 2
    PublicPage.objects.filter(pk=rows[0].pk).update(visible_until=now - timedelta(microseconds=1))
    PublicPage.objects.filter(pk=rows[1].pk).update(visible_from=now.replace(microsecond=0) + timedelta(seconds=1))
    source = StoredSource(site, now)
    single = source.children({topic.pk}, 100)
    both = [r for r in source.children({topic.pk, site.root_page_id}, 100) if r.parent_id == topic.pk]
    assert single == both
    assert single == source._select(Q(parent_id=topic.pk), window=True)
    assert source.by_path(rows[2].url_path) == source._select(Q(url_path=rows[2].url_path))[0]


def test_the_hostile_bench_registers_documents_that_parse():
    """`bench/hostile.py`'s persisted registrations are valid documents (an alias may not start with a digit),
    else most of them measure a syntax error instead of a registration."""
    from bench.hostile import persisted_registration

    for _ in range(200):
        parse(persisted_registration(None)["query"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "body",
    [
        {"query": QUERY},
        {"query": QUERY.replace(" = 100", ""), "variables": {"n": 100.0}},
    ],
    ids=["variable-default", "integral-float"],
)
def test_the_api_refuses_what_costs_over_the_budget_however_the_limit_is_sent(client, body):
    """100 pages with their children's children cost 1,010,102, over the budget of 1,000,000: refused however
    the 100 is sent (before, counted as 20 pages, 202,022, and run)."""
    response = client.post("/graphql/", body, content_type="application/json")
    errors = response.json().get("errors") or []
    assert any("over the budget" in error["message"] for error in errors), response.json()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "query($n: Int) { pages(limit: $n) { title } }",
        "query($n: Int) { pages(offset: $n) { title } }",
        "query($n: Int) { pages { children(limit: $n) { title } } }",
        "query($n: Int) { pages { children(offset: $n) { title } } }",
        "query($n: Int) { contactPeople(limit: $n) { name } }",
        'query($n: Int) { siteSearch(query: "kommune", limit: $n) { totalCount } }',
        'query($n: Int) { siteSearch(query: "kommune", offset: $n) { totalCount } }',
        'query($n: Int) { searchSuggest(prefix: "kom", limit: $n) }',
        "{ pages(limit: null) { title } }",
    ],
)
def test_a_null_limit_or_offset_is_the_clients_error_not_an_internal_one(client, query):
    """`limit: null` (literal, or a variable sent as null) is a TypeError in the resolvers: an 'Internal error'
    answer and an ERROR log with a traceback for each such request, which anyone can send."""
    response = client.post("/graphql/", {"query": query, "variables": {"n": None}}, content_type="application/json")
    messages = [error["message"] for error in response.json()["errors"]]
    assert messages
    assert all("must be" in message for message in messages), messages


@pytest.mark.postgres
def test_the_lookups_every_request_makes_are_planned_once_per_connection(demo):
    from django.db import connection

    from publishing.statements import fetch_rows

    sql = "SELECT page_id FROM publishing_publicpage WHERE site_id = %s AND page_id = %s"
    prepared = "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s"
    pattern = "%FROM publishing_publicpage WHERE site_id = $1 AND page_id = $2%"
    assert connection.settings_dict["OPTIONS"]["prepare_threshold"] == 2
    for page_id in (1, 2, 3):
        fetch_rows(sql, [1, page_id])
    with connection.cursor() as cursor:
        cursor.execute(prepared, [pattern])
        assert cursor.fetchone() == (1,)
    # Everything else keeps client-side binding: values inlined, nothing prepared.
    for page_id in (1, 2, 3):
        with connection.cursor() as cursor:
            cursor.execute(sql.replace("page_id = %s", "depth = %s"), [1, page_id])
    with connection.cursor() as cursor:
        cursor.execute(prepared, ["%depth = $2%"])
        assert cursor.fetchone() == (0,)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_prepared_lookup_survives_its_table_changing_under_it():
    """A migration run by another process changes a column's type: the statement prepared on this connection is
    refused by PostgreSQL ("cached plan must not change result type"); the lookup runs again on a new connection."""
    import psycopg
    from django.db import connection

    from publishing.statements import fetch_rows

    connection.ensure_connection()
    params = connection.get_connection_params()
    other = psycopg.connect(
        **{k: v for k, v in params.items() if k not in ("context", "cursor_factory")}, autocommit=True
    )
    try:
        other.execute("CREATE TABLE plan_gone (id int, title varchar(10))")
        other.execute("INSERT INTO plan_gone VALUES (1, 'før')")
        sql = "SELECT id, title FROM plan_gone WHERE id = %s"
        for _ in range(3):
            assert fetch_rows(sql, [1]) == [(1, "før")]
        other.execute("ALTER TABLE plan_gone ALTER COLUMN title TYPE varchar(20)")
        assert fetch_rows(sql, [1]) == [(1, "før")]
        assert fetch_rows(sql, [1]) == [(1, "før")]
    finally:
        other.execute("DROP TABLE IF EXISTS plan_gone")
        other.close()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_statement_refused_for_another_reason_is_not_run_again():
    from django.db import NotSupportedError, connection

    from publishing.statements import fetch_rows

    with connection.cursor() as cursor:
        cursor.execute("CREATE SEQUENCE runs")
        cursor.execute(
            "CREATE FUNCTION refuse() RETURNS int AS $$ BEGIN PERFORM nextval('runs');"
            " RAISE EXCEPTION USING ERRCODE = '0A000', MESSAGE = 'not supported here'; END $$ LANGUAGE plpgsql"
        )
    try:
        with pytest.raises(NotSupportedError, match="not supported here"):
            fetch_rows("SELECT refuse()", [])
        with connection.cursor() as cursor:
            cursor.execute("SELECT last_value FROM runs")
            assert cursor.fetchone() == (1,)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("DROP FUNCTION IF EXISTS refuse()")
            cursor.execute("DROP SEQUENCE IF EXISTS runs")
