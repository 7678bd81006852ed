"""GraphQL types of page bodies.

Blocks come from each page's stored public form (`publishing.records`): rich
text already rendered, link targets and contact people already resolved
through the visibility rule. Only what depends on the request is done here:
document links become absolute URLs on the host the client used.
"""

import graphene

from .interfaces import SNIPPET_TYPES, content


class BodyBlock(graphene.Interface):
    class Meta:
        description = "A block in a page body. Switch on `blockType` or `__typename`."

    id = graphene.String(required=True, description="Stable block id, unique within the page.")
    block_type = graphene.String(required=True, description="Block name: `section`, `related_links` or `contacts`.")

    @classmethod
    def resolve_type(cls, instance, info):
        return BLOCK_TYPES[instance["block_type"]]


class SectionBlock(graphene.ObjectType):
    class Meta:
        interfaces = (BodyBlock,)
        description = "A section of text under a heading."

    heading = graphene.String(required=True, description="Section heading.")
    anchor = graphene.String(
        required=True, description="Fragment id for the heading, unique on the page (slug of the heading)."
    )
    body = graphene.String(
        required=True,
        description="Section text as safe HTML; internal links are public URLs, links to hidden content are removed.",
    )

    @staticmethod
    def resolve_body(block, info):
        return content(info).html(block["html"])


class Link(graphene.ObjectType):
    class Meta:
        description = "A link to a page, a document or an external address."

    title = graphene.String(required=True, description="Link text.")
    url = graphene.String(
        required=True, description="Public path for pages, full URL for documents and external links."
    )
    is_external = graphene.Boolean(required=True, description="True when the link leaves the site.")

    @staticmethod
    def resolve_url(link, info):
        return content(info).document_url(link["url"]) if link["kind"] == "document" else link["url"]


class RelatedLinksBlock(graphene.ObjectType):
    class Meta:
        interfaces = (BodyBlock,)
        description = "A list of related links."

    heading = graphene.String(required=True, description="Heading, by default «Relevante lenker».")
    links = graphene.List(
        graphene.NonNull(Link),
        required=True,
        description="Links in editor order; links to hidden content are left out.",
    )


def _contact_type():
    from content_models.models import ContactPerson

    return SNIPPET_TYPES[ContactPerson]


class ContactBlock(graphene.ObjectType):
    class Meta:
        interfaces = (BodyBlock,)
        description = "The «Ta kontakt med oss» block: a short intro and contact people."

    heading = graphene.String(required=True, description="Heading, by default «Ta kontakt med oss».")
    anchor = graphene.String(
        required=True,
        description="Fragment id for the heading, unique on the page (slug of the heading, e.g. `ta-kontakt-med-oss`); "
        "search hits on contact people point here.",
    )
    intro = graphene.String(required=True, description="Short intro in plain text; may be empty.")
    contacts = graphene.List(
        graphene.NonNull(lambda: _contact_type()),
        required=True,
        description="Published contact people in editor order.",
    )


BLOCK_TYPES = {"section": SectionBlock, "related_links": RelatedLinksBlock, "contacts": ContactBlock}
BODY = graphene.NonNull(graphene.List(graphene.NonNull(BodyBlock)))
