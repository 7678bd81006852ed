"""The public GraphQL schema.

Grapple's root fields (pages, page, search, snippets, images, documents,
collections, redirects, sites, settings, tags) are deliberately not mounted:
each can return content the published site does not show (see
docs/security.md). Every root field here reads through `api.visibility` via the
request's loader.
"""

import re
from urllib.parse import unquote

import graphene
from django.contrib.contenttypes.models import ContentType
from graphql import GraphQLError

from content_models.models import ContactPerson, OrganisationSettings
from content_models.preview_tokens import PreviewTokenError, page_for_token
from publishing.languages import UnknownLanguage, language_named
from publishing.records import build_records
from search.schema import SearchQuery

from .blocks import BLOCK_TYPES
from .interfaces import (
    PAGE_TYPES,
    SNIPPET_TYPES,
    PageInterface,
    SnippetInterface,
    children_asked,
    content,
)
from .types import build_object_type, exposed_page_models
from .windows import MAX_LIMIT, page_size

PAGE_TYPES.update(
    {model.__name__: build_object_type(model, interfaces=[PageInterface]) for model in exposed_page_models()}
)
PAGE_MODELS = {model.__name__: model for model in exposed_page_models()}
SNIPPET_TYPES[ContactPerson] = ContactPersonType = build_object_type(ContactPerson, interfaces=[SnippetInterface])
OrganisationType = build_object_type(OrganisationSettings, name="Organisation")


def _page_model(content_type: str):
    # "content_models.ThemePage" as documented; the bare "ThemePage" is accepted too.
    models = {model._meta.label_lower: model for model in PAGE_MODELS.values()}
    models.update({model.__name__.lower(): model for model in PAGE_MODELS.values()})
    model = models.get(content_type.strip().lower())
    if model is None:
        known = ", ".join(sorted(model._meta.label for model in PAGE_MODELS.values()))
        raise GraphQLError(f"Unknown `contentType` {content_type!r}. Use one of: {known}.")
    return model


def _preview_page(loader, token, **lookup):
    try:
        page = page_for_token(token)
    except PreviewTokenError as error:
        raise GraphQLError(str(error)) from error
    if loader.site is None:
        return None
    record = build_records(loader.site, [page])[0]
    if lookup["id"] is not None and _pk(lookup["id"]) != page.pk:
        raise GraphQLError("This preview token is for another page.")
    if lookup["slug"] is not None and lookup["slug"] != page.slug:
        raise GraphQLError("This preview token is for another page.")
    if lookup["url_path"] is not None and lookup["url_path"].strip("/") != record.url_path.strip("/"):
        raise GraphQLError("This preview token is for another page.")
    return loader.remember([record])[0]


# Longer than any real value: refused before any lookup or anything kept under it.
MAX_ARGUMENT_LENGTH = {"id": 20, "slug": 255, "urlPath": 2048, "token": 1000, "contentType": 100}


def _short(name: str, value):
    if value is not None and len(str(value)) > MAX_ARGUMENT_LENGTH[name]:
        raise GraphQLError(f"`{name}` must be at most {MAX_ARGUMENT_LENGTH[name]} characters.")


def _language(locale: str | None) -> str | None:
    if locale is None:
        return None
    try:
        return language_named(locale)
    except UnknownLanguage as error:
        raise GraphQLError(str(error)) from error


def _pk(value) -> int | None:
    # ASCII digits that fit a bigint; anything else cannot be an id.
    text = str(value).strip()
    return int(text) if re.fullmatch(r"[0-9]{1,18}", text) else None


class Query(SearchQuery, graphene.ObjectType):
    class Meta:
        description = "Published content of the current site, as the public website shows it."

    page = graphene.Field(
        PageInterface,
        id=graphene.ID(description="Page id."),
        slug=graphene.String(description="Page slug; the first match in tree order."),
        url_path=graphene.String(description="Public path, e.g. `/attraktive-samfunn/infrastruktur/`."),
        in_site=graphene.Boolean(
            description="Accepted for grapple compatibility; lookups are always within the current site."
        ),
        token=graphene.String(
            description="Preview token from the admin: returns that page's previewed draft (editors only)."
        ),
        locale=graphene.String(
            description="Language to serve the page in, e.g. `nn`: its translation there, or in the first of that "
            "language's fallbacks that has one (then `isFallback` is true)."
        ),
        description="One published page by id, slug or public path; null when there is no such public page.",
    )
    pages = graphene.List(
        graphene.NonNull(PageInterface),
        required=True,
        content_type=graphene.String(description="Only pages of this type, e.g. `content_models.ThemePage`."),
        limit=graphene.Int(default_value=20, description=f"Page size, 1 to {MAX_LIMIT}."),
        offset=graphene.Int(default_value=0, description="How many pages to skip."),
        locale=graphene.String(
            description="Language of the pages, e.g. `nn` (each in a fallback language where it has no translation); "
            "the default language when left out."
        ),
        description="Published pages of the current site in tree (menu) order.",
    )
    contact_people = graphene.List(
        graphene.NonNull(ContactPersonType),
        required=True,
        limit=graphene.Int(default_value=MAX_LIMIT, description=f"Page size, 1 to {MAX_LIMIT}."),
        offset=graphene.Int(default_value=0, description="How many people to skip."),
        locale=graphene.String(
            description="Language, e.g. `nn` (each person in a fallback language where they have no translation); "
            "the default language when left out."
        ),
        description="Published contact people in name order.",
    )
    contact_person = graphene.Field(
        ContactPersonType,
        id=graphene.ID(required=True, description="Contact person id."),
        locale=graphene.String(description="Language to show the person in (or its first fallback that has them)."),
        description="One published contact person; null when there is none with that id.",
    )
    organisation = graphene.Field(
        OrganisationType,
        required=True,
        description="Who publishes this site: name, switchboard, address, e-mail, accessibility statement.",
    )

    def resolve_page(self, info, id=None, slug=None, url_path=None, in_site=None, token=None, locale=None):
        for name, value in (("id", id), ("slug", slug), ("urlPath", url_path)):
            _short(name, value)
        language = _language(locale)
        if token is not None and len(token) > MAX_ARGUMENT_LENGTH["token"]:
            # Far longer than any token this site signs.
            raise GraphQLError("Invalid preview token.")
        loader = content(info)
        if token is not None:
            return _preview_page(loader, token, id=id, slug=slug, url_path=url_path)
        if id is not None:
            pk = _pk(id)
            return loader.page_by_id(pk, language, children=children_asked(info)) if pk is not None else None
        if slug is not None:
            return loader.page_by_slug(slug, language)
        if url_path is not None:
            # Frontends may pass the path as it appears in the browser: percent-encoded.
            wanted = unquote(url_path).strip().strip("/")
            if "\x00" in wanted:
                return None
            path = f"/{wanted}/" if wanted else "/"
            return loader.page_by_path(path, language, children=children_asked(info))
        raise GraphQLError("Give one of `id`, `slug` or `urlPath`.")

    def resolve_pages(self, info, limit, offset, content_type=None, locale=None):
        _short("contentType", content_type)
        window = page_size(limit, offset)
        loader = content(info)
        type_id = ContentType.objects.get_for_model(_page_model(content_type)).pk if content_type else None
        return loader.pages(content_type_id=type_id, window=window, language=_language(locale))

    def resolve_contact_people(self, info, limit, offset, locale=None):
        return content(info).contact_people(page_size(limit, offset), _language(locale))

    def resolve_contact_person(self, info, id, locale=None):
        pk = _pk(id)
        return content(info).contact_person(pk, _language(locale)) if pk is not None else None

    def resolve_organisation(self, info):
        site = content(info).site
        found = OrganisationSettings.objects.filter(site=site).first() if site else None
        return found or OrganisationSettings(site=site)


def build_schema() -> graphene.Schema:
    types = [*PAGE_TYPES.values(), *SNIPPET_TYPES.values(), *BLOCK_TYPES.values()]
    return graphene.Schema(query=Query, types=types, auto_camelcase=True)


schema = build_schema()
