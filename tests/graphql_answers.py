"""Every public GraphQL answer of a site, with the bytes of every file they link to.

Queries are built from the public schema, not written out: each root field is
asked with a selection of every field its type has (every page type and body
block through their fragments), so a field added to the schema is compared
too. Pages are asked by path in every language, found through `pages` itself;
image URLs in every size and format the schema's enums offer. Run in a Django
process (`manage.py shell -c`) on the site to read; prints one JSON line.

The backup test (tests/test_backup.py) compares a site's answers before a
backup with those of the restored copy.
"""

import hashlib
import itertools
import json
import re
import sys
from urllib.parse import urlsplit

from django.conf import settings
from django.test import Client
from graphql import (
    GraphQLEnumType,
    GraphQLInterfaceType,
    GraphQLNonNull,
    GraphQLObjectType,
    get_named_type,
)

from api.schema import schema

GRAPHQL = schema.graphql_schema
# Nested pages (parent, children) are selected with their plain fields only: the page itself has the rest.
PAGE_DEPTH = 1
SEARCH_TERMS_PER_LANGUAGE = 12
# A file URL inside an answer (in HTML attributes of rich text too), up to the quote that ends it.
FILE_URL = re.compile(r"""https?://[^\\"'<>\s]+?/(?:media|documents)/[^\\"'<>\s]+""")


def _arguments_optional(field) -> bool:
    return not any(
        isinstance(argument.type, GraphQLNonNull) and argument.default_value is None for argument in field.args.values()
    )


def selection(graphql_type, depth: int = 3, pages: int = PAGE_DEPTH) -> str:
    """Every field of the type that needs no argument, nested `depth` deep; interfaces with each type's own fields."""
    named = get_named_type(graphql_type)
    if not isinstance(named, GraphQLObjectType | GraphQLInterfaceType):
        return ""
    is_page = named.name == "PageInterface" or "PageInterface" in {i.name for i in getattr(named, "interfaces", [])}
    parts = [_fields(named, named.fields, depth, pages, is_page)]
    if isinstance(named, GraphQLInterfaceType):
        for possible in GRAPHQL.get_possible_types(named):
            own = {name: field for name, field in possible.fields.items() if name not in named.fields}
            inner = _fields(possible, own, depth, pages, is_page)
            if inner:
                parts.append(f"... on {possible.name} {{ {inner} }}")
    return " ".join(part for part in parts if part)


def _fields(owner, fields: dict, depth: int, pages: int, is_page: bool) -> str:
    chosen = []
    for name, field in fields.items():
        if not _arguments_optional(field):
            continue
        target = get_named_type(field.type)
        if isinstance(target, GraphQLObjectType | GraphQLInterfaceType):
            nested_page = target.name == "PageInterface"
            if depth <= 1 or (nested_page and pages <= 0):
                continue
            inner = selection(target, depth - 1, pages - 1 if nested_page else pages)
            if nested_page and pages <= 1:
                inner = _scalars(target)
            if inner:
                chosen.append(f"{name} {{ {inner} }}")
        else:
            chosen.append(name)
    return " ".join(chosen)


def _scalars(graphql_type) -> str:
    return " ".join(
        name
        for name, field in graphql_type.fields.items()
        if _arguments_optional(field)
        and not isinstance(get_named_type(field.type), GraphQLObjectType | GraphQLInterfaceType)
    )


def image_url_variants() -> list[str]:
    """`url(size: …, format: …)` for every value of every enum argument of the Image type's url."""
    field = GRAPHQL.get_type("Image").fields["url"]
    enums = {name: list(get_named_type(arg.type).values) for name, arg in field.args.items()}
    assert all(isinstance(get_named_type(arg.type), GraphQLEnumType) for arg in field.args.values())
    return [
        ", ".join(f"{name}: {value}" for name, value in zip(enums, combination, strict=True))
        for combination in itertools.product(*enums.values())
    ]


class Answers:
    def __init__(self):
        self.client = Client()
        self.answers: dict[str, object] = {}

    def ask(self, key: str, query: str, variables: dict | None = None):
        response = self.client.post(
            "/graphql/", json.dumps({"query": query, "variables": variables or {}}), content_type="application/json"
        )
        body = response.json()
        if response.status_code != 200 or "errors" in body:
            raise AssertionError(f"{key}: {response.status_code} {body}")
        self.answers[key] = body["data"]
        return body["data"]

    def collect(self) -> dict:
        languages = [code for code, _ in settings.CONTENT_LANGUAGES]
        page_selection = selection(GRAPHQL.query_type.fields["page"].type)
        listed_paths = set()
        for language in languages:
            offset = 0
            while True:
                batch = self.ask(
                    f"pages {language} {offset}",
                    f"query($locale: String, $offset: Int) {{ pages(locale: $locale, limit: 100, offset: $offset) "
                    f"{{ {_scalars(GRAPHQL.get_type('PageInterface'))} }} }}",
                    {"locale": language, "offset": offset},
                )["pages"]
                listed_paths |= {page["urlPath"] for page in batch}
                if len(batch) < 100:
                    break
                offset += 100
        image_ids = set()
        for path in sorted(listed_paths):
            for language in languages:
                page = self.ask(
                    f"page {path} {language}",
                    f"query($path: String!, $locale: String) {{ page(urlPath: $path, locale: $locale) {{ {page_selection} }} }}",
                    {"path": path, "locale": language},
                )["page"]
                if page and page.get("image"):
                    image_ids.add((path, language))
        variants = image_url_variants()
        for path, language in sorted(image_ids):
            urls = " ".join(f"u{number}: url({variant})" for number, variant in enumerate(variants))
            self.ask(
                f"image urls {path} {language}",
                "query($path: String!, $locale: String) { page(urlPath: $path, locale: $locale) { "
                f"... on TopicPage {{ image {{ {urls} }} }} ... on ThemePage {{ image {{ {urls} }} }} }} }}",
                {"path": path, "locale": language},
            )
        self._search(languages)
        people_selection = selection(GRAPHQL.query_type.fields["contactPeople"].type)
        for language in languages:
            people = self.ask(
                f"contactPeople {language}",
                f"query($locale: String) {{ contactPeople(locale: $locale) {{ {people_selection} }} }}",
                {"locale": language},
            )["contactPeople"]
            for person in people:
                self.ask(
                    f"contactPerson {person['id']} {language}",
                    f"query($id: ID!, $locale: String) {{ contactPerson(id: $id, locale: $locale) {{ {people_selection} }} }}",
                    {"id": person["id"], "locale": language},
                )
        self.ask(
            "organisation", f"{{ organisation {{ {selection(GRAPHQL.query_type.fields['organisation'].type)} }} }}"
        )
        return {"answers": self.answers, "files": self.files()}

    def _search(self, languages):
        from search.judged_queries import JUDGED_QUERIES

        # Every kind of judged query (compounds, typos, place names, …), a few of each.
        terms = []
        for _, group in itertools.groupby(sorted(JUDGED_QUERIES, key=lambda j: j.kind), key=lambda j: j.kind):
            terms += [judged.query for judged in itertools.islice(group, 2)]
        search_selection = selection(GRAPHQL.query_type.fields["siteSearch"].type)
        for language in languages:
            for term in terms[:SEARCH_TERMS_PER_LANGUAGE] if language != settings.LANGUAGE_CODE else terms:
                self.ask(
                    f"siteSearch {term} {language}",
                    f"query($q: String!, $locale: String) {{ siteSearch(query: $q, locale: $locale, limit: 100) "
                    f"{{ {search_selection} }} }}",
                    {"q": term, "locale": language},
                )
            for prefix in ("bred", "omst", "nær", "infra", "sam"):
                self.ask(
                    f"searchSuggest {prefix} {language}",
                    "query($p: String!, $locale: String) { searchSuggest(prefix: $p, locale: $locale, limit: 100) }",
                    {"p": prefix, "locale": language},
                )

    def files(self) -> dict[str, str]:
        """sha256 of every media or document file an answer links to, fetched from the site as a frontend would."""
        text = json.dumps(self.answers)
        found = {}
        for url in sorted(set(FILE_URL.findall(text))):
            response = self.client.get(urlsplit(url).path)
            if response.status_code != 200:
                raise AssertionError(f"{url}: {response.status_code}")
            body = b"".join(response.streaming_content) if response.streaming else response.content
            found[url] = hashlib.sha256(body).hexdigest()
        return found


def print_answers():
    sys.stdout.write("ANSWERS " + json.dumps(Answers().collect(), sort_keys=True) + "\n")
