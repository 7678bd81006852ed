"""GraphQL interfaces shared by every page and snippet type.

Pages are `publishing.records.PageRecord`s read through the request's
`publishing.reader.PublicContent`, so navigation fields only ever return what
the published site shows.
"""

import graphene
from graphql import FieldNode, FragmentSpreadNode, GraphQLError, InlineFragmentNode
from graphql.execution.collect_fields import should_include_node
from graphql.execution.values import get_argument_values

from publishing.reader import MAX_CHILDREN, PublicContent

from .windows import MAX_LIMIT, MAX_OFFSET, page_size

# Page model class name -> GraphQL object type; filled by `api.schema` when it builds the types.
PAGE_TYPES: dict[str, type] = {}
SNIPPET_TYPES: dict[type, type] = {}


def content(info) -> PublicContent:
    return PublicContent.for_request(info.context)


class Breadcrumb(graphene.ObjectType):
    class Meta:
        description = "One step on the way from the home page to a page."

    title = graphene.String(required=True, description="The page title.")
    url = graphene.String(required=True, description="Full public URL of the page.")
    url_path = graphene.String(required=True, description="Public path of the page, e.g. `/attraktive-samfunn/`.")

    @staticmethod
    def resolve_url(record, info):
        return content(info).absolute_url(record.url_path)


class Translation(graphene.ObjectType):
    class Meta:
        description = "The same page in another language."

    locale = graphene.String(required=True, description="Language code, e.g. `nn`.")
    title = graphene.String(required=True, description="The page title in that language.")
    url = graphene.String(required=True, description="Full public URL of the translation.")
    url_path = graphene.String(
        required=True, description="Public path of the translation, e.g. `/nn/attraktive-samfunn/`."
    )

    @staticmethod
    def resolve_url(record, info):
        return content(info).absolute_url(record.url_path)


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
    locale = graphene.String(required=True, description="Language of what is served, e.g. `nb`, `nn`, `se`.")
    is_fallback = graphene.Boolean(
        required=True,
        description="True when the page was asked for in a language it has no public translation in, and this is "
        "the first language of that language's fallbacks that has it (`locale` says which).",
    )
    translations = graphene.List(
        graphene.NonNull(Translation),
        required=True,
        description="Published translations of the page in the other languages.",
    )
    first_published_at = graphene.DateTime(description="When the page was first published.")
    last_published_at = graphene.DateTime(description="When the page was last published.")
    parent = graphene.Field(lambda: PageInterface, description="The parent page, or null on the home page.")
    children = graphene.List(
        graphene.NonNull(lambda: PageInterface),
        required=True,
        limit=graphene.Int(default_value=MAX_LIMIT, description=f"Page size, 1 to {MAX_LIMIT}."),
        offset=graphene.Int(default_value=0, description=f"How many children to skip, at most {MAX_OFFSET}."),
        description="Published child pages in menu order.",
    )
    breadcrumbs = graphene.List(
        graphene.NonNull(Breadcrumb),
        required=True,
        description="Ancestors from the home page down to the parent, for breadcrumb navigation.",
    )

    @classmethod
    def resolve_type(cls, instance, info):
        return PAGE_TYPES.get(instance.type_name) or PAGE_TYPES["GenericPage"]

    @staticmethod
    def resolve_seo_title(record, info):
        return record.seo_title or record.title

    @staticmethod
    def resolve_url(record, info):
        return content(info).absolute_url(record.url_path)

    @classmethod
    def resolve_page_type(cls, record, info):
        return cls.resolve_type(record, info)._meta.name

    @staticmethod
    def resolve_is_fallback(record, info):
        return content(info).is_fallback(record)

    @staticmethod
    def resolve_translations(record, info):
        return content(info).translations(record)

    @staticmethod
    def resolve_parent(record, info):
        return content(info).parent(record)

    @staticmethod
    def resolve_children(record, info, limit, offset):
        window = page_size(limit, offset)
        return content(info).children(record, limit=window.stop - window.start, offset=window.start)

    @staticmethod
    def resolve_breadcrumbs(record, info):
        return content(info).ancestors(record)


def children_asked(info) -> int:
    """How many children of the page this field returns the query asks for (offset + limit; 0 for none).

    The reader then fetches them with the page in one statement. Only the first `MAX_CHILDREN`: a deeper
    window, or one with invalid arguments (which `resolve_children` reports), is left to `resolve_children`.
    """
    field = info.schema.get_type("PageInterface").fields["children"]
    asked = 0
    for node in _selected(info, info.field_nodes, "children"):
        try:
            arguments = get_argument_values(field, node, info.variable_values)
            window = page_size(arguments["limit"], arguments["offset"])
        except GraphQLError:
            continue
        if window.stop <= MAX_CHILDREN:
            asked = max(asked, window.stop)
    return asked


def _selected(info, nodes, name: str):
    """The fields called `name` directly under these nodes' selections, through fragments."""
    pending, spread = [node.selection_set for node in nodes if node.selection_set], set()
    while pending:
        for selection in pending.pop().selections:
            if not should_include_node(info.variable_values, selection):
                continue  # `@skip`/`@include`: not asked for
            if isinstance(selection, FieldNode):
                if selection.name.value == name:
                    yield selection
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode) and selection.name.value not in spread:
                spread.add(selection.name.value)
                fragment = info.fragments.get(selection.name.value)
                if fragment is not None:
                    pending.append(fragment.selection_set)


class GenericPage(graphene.ObjectType):
    class Meta:
        interfaces = (PageInterface,)
        description = "A page of a type with no fields beyond the common ones."


PAGE_TYPES["GenericPage"] = GenericPage


class SnippetInterface(graphene.Interface):
    class Meta:
        name = "SnippetInterface"
        description = "Fields every published snippet has."

    id = graphene.ID(required=True, description="Stable snippet id.")

    @classmethod
    def resolve_type(cls, instance, info):
        return SNIPPET_TYPES[type(instance)]
