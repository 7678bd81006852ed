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
from graphql import GraphQLError

from content_models.models import ContactPerson, OrganisationSettings
from content_models.schema import EXTRA_TYPES
from search.schema import SearchQuery

from .interfaces import (
    PAGE_TYPES,
    SNIPPET_TYPES,
    GenericPage,
    PageInterface,
    SnippetInterface,
    content,
    selected_fields,
)
from .loaders import specific_pages
from .preview import page_for_token
from .types import build_object_type, exposed_page_models
from .visibility import public_snippets

PAGE_TYPES.update({model: build_object_type(model, interfaces=[PageInterface]) for model in exposed_page_models()})
SNIPPET_TYPES[ContactPerson] = ContactPersonType = build_object_type(ContactPerson, interfaces=[SnippetInterface])
OrganisationType = build_object_type(OrganisationSettings, name="Organisation")

MAX_LIMIT = 100


def _page_size(limit: int, offset: int) -> slice:
    if not 1 <= limit <= MAX_LIMIT:
        raise GraphQLError(f"`limit` must be between 1 and {MAX_LIMIT}, got {limit}.")
    if offset < 0:
        raise GraphQLError(f"`offset` must be 0 or more, got {offset}.")
    return slice(offset, offset + limit)


def _page_model(content_type: str):
    # "content_models.ThemePage" as documented; the bare "ThemePage" is accepted too.
    models = {model._meta.label_lower: model for model in PAGE_TYPES}
    models.update({model.__name__.lower(): model for model in PAGE_TYPES})
    model = models.get(content_type.strip().lower())
    if model is None:
        known = ", ".join(sorted(model._meta.label for model in PAGE_TYPES))
        raise GraphQLError(f"Unknown `contentType` {content_type!r}. Use one of: {known}.")
    return model


def _preview_page(loader, token, **lookup):
    page = page_for_token(token)
    if lookup["id"] is not None and _pk(lookup["id"]) != page.pk:
        raise GraphQLError("This preview token is for another page.")
    if lookup["slug"] is not None and lookup["slug"] != page.slug:
        raise GraphQLError("This preview token is for another page.")
    if lookup["url_path"] is not None and lookup["url_path"].strip("/") != loader.path_of(page).strip("/"):
        raise GraphQLError("This preview token is for another page.")
    return page


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
        description="One published page by id, slug or public path; null when there is no such public page.",
    )
    pages = graphene.List(
        graphene.NonNull(PageInterface),
        required=True,
        content_type=graphene.String(description="Only pages of this type, e.g. `content_models.ThemePage`."),
        limit=graphene.Int(default_value=20, description=f"Page size, 1 to {MAX_LIMIT}."),
        offset=graphene.Int(default_value=0, description="How many pages to skip."),
        description="Published pages of the current site in tree (menu) order.",
    )
    contact_people = graphene.List(
        graphene.NonNull(ContactPersonType),
        required=True,
        limit=graphene.Int(default_value=MAX_LIMIT, description=f"Page size, 1 to {MAX_LIMIT}."),
        offset=graphene.Int(default_value=0, description="How many people to skip."),
        description="Published contact people in name order.",
    )
    contact_person = graphene.Field(
        ContactPersonType,
        id=graphene.ID(required=True, description="Contact person id."),
        description="One published contact person; null when there is none with that id.",
    )
    organisation = graphene.Field(
        OrganisationType,
        required=True,
        description="Who publishes this site: name, switchboard, address, e-mail, accessibility statement.",
    )

    def resolve_page(self, info, id=None, slug=None, url_path=None, in_site=None, token=None):
        loader = content(info)
        loader.expect(selected_fields(info))
        if token is not None:
            return loader.remember([_preview_page(loader, token, id=id, slug=slug, url_path=url_path)])[0]
        if id is not None:
            pk = _pk(id)
            return loader.find_page("pk", pk) if pk is not None else None
        if slug is not None:
            return loader.find_page("slug", slug)
        if url_path is not None:
            # Frontends may pass the path as it appears in the browser: percent-encoded.
            wanted = unquote(url_path).strip().strip("/")
            if "\x00" in wanted:
                return None
            path = f"/{wanted}/" if wanted else "/"
            return loader.find_page("url_path", loader.site.root_page.url_path + path[1:])
        raise GraphQLError("Give one of `id`, `slug` or `urlPath`.")

    def resolve_pages(self, info, limit, offset, content_type=None):
        window = _page_size(limit, offset)
        loader = content(info)
        loader.expect(selected_fields(info))
        queryset = loader.pages()
        if content_type:
            queryset = queryset.exact_type(_page_model(content_type))
        return loader.remember(specific_pages(queryset[window]))

    def resolve_contact_people(self, info, limit, offset):
        return list(public_snippets(ContactPerson).order_by("name", "pk")[_page_size(limit, offset)])

    def resolve_contact_person(self, info, id):
        pk = _pk(id)
        return public_snippets(ContactPerson).filter(pk=pk).first() if pk is not None else None

    def resolve_organisation(self, info):
        site = content(info).site
        found = OrganisationSettings.objects.filter(site=site).first() if site else None
        return found or OrganisationSettings(site=site)


def build_schema() -> graphene.Schema:
    types = [GenericPage, *PAGE_TYPES.values(), *SNIPPET_TYPES.values(), *EXTRA_TYPES]
    return graphene.Schema(query=Query, types=types, auto_camelcase=True)


schema = build_schema()
