"""GraphQL types for the content models: page bodies, blocks and their fields.

Block values are read from the StreamField's raw JSON and resolved through the
request's batched loader (`api.loaders`), never block by block, so a page with
fifty blocks costs the same number of SQL queries as a page with one.
"""

from dataclasses import dataclass

import graphene
from grapple.models import GraphQLField, GraphQLString


def _content(info):
    from api.loaders import PublicContent

    return PublicContent.for_request(info.context)


@dataclass(frozen=True)
class BodyItem:
    """One block of a body, with its plain fields read out once, so GraphQL reads them as attributes."""

    id: str
    block_type: str
    value: dict
    page: object
    heading: str = ""
    intro: str = ""
    anchor: str = ""


class BodyBlock(graphene.Interface):
    class Meta:
        description = "A block in a page body. Switch on `blockType` or `__typename`."

    id = graphene.String(required=True, description="Stable block id, unique within the page.")
    block_type = graphene.String(required=True, description="Block name: `section`, `related_links` or `contacts`.")

    @classmethod
    def resolve_type(cls, instance, info):
        return BLOCK_TYPES[instance.block_type]


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

    def resolve_body(self, info):
        return _content(info).rich_text(self.value.get("body", ""))


class Link(graphene.ObjectType):
    class Meta:
        description = "A link to a page, a document or an external address."

    title = graphene.String(required=True, description="Link text.")
    url = graphene.String(
        required=True, description="Public path for pages, full URL for documents and external links."
    )
    is_external = graphene.Boolean(required=True, description="True when the link leaves the site.")


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

    def resolve_links(self, info):
        content = _content(info)
        resolved = (content.link(item.get("value", item)) for item in self.value.get("links") or [])
        return [Link(title=title, url=url, is_external=external) for title, url, external in filter(None, resolved)]


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
        graphene.NonNull(lambda: _snippet_type(_contact_model())),
        required=True,
        description="Published contact people in editor order.",
    )

    def resolve_contacts(self, info):
        content = _content(info)
        people = []
        for item in self.value.get("contacts") or []:
            pk = item.get("value") if isinstance(item, dict) else item
            person = content.contact(pk) if isinstance(pk, int) else None
            if person is not None:
                people.append(person)
        return people


def _snippet_type(model):
    from api.interfaces import SNIPPET_TYPES

    return SNIPPET_TYPES[model]


def _contact_model():
    from .models import ContactPerson

    return ContactPerson


BLOCK_TYPES = {"section": SectionBlock, "related_links": RelatedLinksBlock, "contacts": ContactBlock}


def body_items(page) -> list[BodyItem]:
    anchors = page.section_anchors()
    items = []
    for child in page.body.raw_data:
        if child.get("type") not in BLOCK_TYPES:
            continue
        value = child.get("value") or {}
        block_id = child.get("id") or ""
        items.append(
            BodyItem(
                id=block_id,
                block_type=child["type"],
                value=value,
                page=page,
                heading=value.get("heading") or "",
                intro=value.get("intro") or "",
                anchor=anchors.get(block_id, ""),
            )
        )
    return items


def page_graphql_fields(*, body: bool):
    fields = [
        GraphQLString("intro", required=True, description="Intro in plain text; blank lines separate paragraphs.")
    ]
    if body:
        from api.images import Image

        fields.append(
            GraphQLField("image", Image, source="graphql_image", description="Top image, or null if none is public.")
        )
        fields.append(
            GraphQLField(
                "body",
                graphene.NonNull(graphene.List(graphene.NonNull(BodyBlock))),
                source="graphql_body",
                description="The page body: sections, related links and contacts, in order.",
            )
        )
    return fields


CONTACT_PERSON_GRAPHQL_FIELDS = [
    GraphQLString("name", required=True, description="Full name."),
    GraphQLString("job_title", required=True, description="Job title; may be empty."),
    GraphQLString("responsibility", required=True, description="What the person answers questions about."),
    GraphQLString("email", required=True, description="Work e-mail; may be empty."),
    GraphQLString("phone", required=True, description="Work phone; may be empty."),
]

ORGANISATION_GRAPHQL_FIELDS = [
    GraphQLString("name", required=True, description="Name of the organisation."),
    GraphQLString("switchboard_phone", required=True, description="Switchboard phone number; may be empty."),
    GraphQLString("postal_address", required=True, description="Postal address; may be empty."),
    GraphQLString("email", required=True, description="Main e-mail address; may be empty."),
    GraphQLString(
        "accessibility_statement_url",
        required=True,
        description="Link to the accessibility statement; may be empty.",
    ),
]

EXTRA_TYPES = [SectionBlock, RelatedLinksBlock, ContactBlock]
