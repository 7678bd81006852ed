"""GraphQL interfaces shared by every page and snippet type.

Every page exposes the same public fields, and navigation fields only ever
return what the published site shows.
"""

import graphene
from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode

from .loaders import PublicContent

# Model class -> GraphQL object type; filled by `api.schema` when it builds the types.
PAGE_TYPES: dict[type, type] = {}
SNIPPET_TYPES: dict[type, type] = {}


def content(info) -> PublicContent:
    return PublicContent.for_request(info.context)


def selected_fields(info) -> set[str]:
    """Names of the fields selected directly under the current field, through fragments."""
    names: set[str] = set()

    def walk(selection_set):
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                names.add(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                walk(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value in info.fragments:
                walk(info.fragments[selection.name.value].selection_set)

    for node in info.field_nodes:
        walk(node.selection_set)
    return names


class Breadcrumb(graphene.ObjectType):
    class Meta:
        description = "One step on the way from the home page to a page."

    title = graphene.String(required=True, description="The page title.")
    url = graphene.String(required=True, description="Full public URL of the page.")
    url_path = graphene.String(required=True, description="Public path of the page, e.g. `/attraktive-samfunn/`.")

    @staticmethod
    def from_page(page, info):
        path = content(info).path_of(page)
        return Breadcrumb(title=page.title, url=content(info).absolute_url(path), url_path=path)


class PageInterface(graphene.Interface):
    class Meta:
        name = "PageInterface"
        description = "Fields every published page has."

    id = graphene.ID(required=True, description="Stable page id.")
    title = graphene.String(required=True, description="Page title.")
    slug = graphene.String(required=True, description="Last part of the page's path.")
    seo_title = graphene.String(
        required=True, description="Title for `<title>` and search engines; the title if unset."
    )
    search_description = graphene.String(required=True, description="Meta description; empty if unset.")
    url_path = graphene.String(required=True, description="Public path, e.g. `/attraktive-samfunn/infrastruktur/`.")
    url = graphene.String(required=True, description="Full public URL on the site's configured host name.")
    page_type = graphene.String(required=True, description="GraphQL type of the page, e.g. `ThemePage`.")
    first_published_at = graphene.DateTime(description="When the page was first published.")
    last_published_at = graphene.DateTime(description="When the page was last published.")
    parent = graphene.Field(lambda: PageInterface, description="The parent page, or null on the home page.")
    children = graphene.List(
        graphene.NonNull(lambda: PageInterface),
        required=True,
        description="Published child pages in menu order.",
    )
    breadcrumbs = graphene.List(
        graphene.NonNull(Breadcrumb),
        required=True,
        description="Ancestors from the home page down to the parent, for breadcrumb navigation.",
    )

    @classmethod
    def resolve_type(cls, instance, info):
        return PAGE_TYPES.get(type(instance), GenericPage)

    def resolve_seo_title(self, info):
        return self.seo_title or self.title

    def resolve_search_description(self, info):
        return self.search_description or ""

    def resolve_url_path(self, info):
        return content(info).path_of(self)

    def resolve_url(self, info):
        return content(info).absolute_url(content(info).path_of(self))

    def resolve_page_type(self, info):
        return PAGE_TYPES.get(type(self), GenericPage)._meta.name

    def resolve_parent(self, info):
        return content(info).parent(self)

    def resolve_children(self, info):
        return content(info).children(self)

    def resolve_breadcrumbs(self, info):
        return [Breadcrumb.from_page(page, info) for page in content(info).ancestors(self)]


class GenericPage(graphene.ObjectType):
    class Meta:
        interfaces = (PageInterface,)
        description = "A page of a type with no fields beyond the common ones."


class SnippetInterface(graphene.Interface):
    class Meta:
        name = "SnippetInterface"
        description = "Fields every published snippet has."

    id = graphene.ID(required=True, description="Stable snippet id.")

    @classmethod
    def resolve_type(cls, instance, info):
        return SNIPPET_TYPES[type(instance)]
