"""What each model exposes to the public API, declared with grapple's field helpers.

Pure declarations: the API (`api/types.py`) builds its GraphQL types from
them, and types the fields declared without a type (`body`, `image`) itself.
Nothing here imports the API.
"""

from grapple.models import GraphQLField, GraphQLString


def page_fields(*, body: bool) -> list:
    fields = [
        GraphQLString("intro", required=True, description="Intro in plain text; blank lines separate paragraphs.")
    ]
    if body:
        fields += [
            GraphQLField("image", description="Top image, or null if none is public."),
            GraphQLField("body", description="The page body: sections, related links and contacts, in order."),
        ]
    return fields


CONTACT_PERSON_FIELDS = [
    GraphQLString("name", required=True, description="Full name."),
    GraphQLString("job_title", required=True, description="Job title; may be empty."),
    GraphQLString("responsibility", required=True, description="What the person answers questions about."),
    GraphQLString("email", required=True, description="Work e-mail; may be empty."),
    GraphQLString("phone", required=True, description="Work phone; may be empty."),
]

ORGANISATION_FIELDS = [
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
