"""GraphQL object types built from models' grapple-style `graphql_fields`.

Models declare what they expose with grapple's field helpers
(`GraphQLString("intro")`, ...), which Wagtail developers already know.
Grapple's own type builder is not used: for page models it also publishes
every column of Wagtail's `Page` (draft title, live and lock state, alias and
revision data). This builder exposes the declared fields and the interface
fields, nothing else. Fields declared without a type are the API's own:
`body` and `image`, read from the page's stored public form.
"""

import graphene
from django.db import models
from wagtail.models import get_page_models

from .blocks import BODY
from .images import Image

API_TYPES = {"body": BODY, "image": Image}


def _resolver(source: str):
    def resolve(root, info, **kwargs):
        return getattr(root, source)

    return resolve


def build_object_type(
    model: type[models.Model], *, interfaces=(), name: str | None = None
) -> type[graphene.ObjectType]:
    meta = type(
        "Meta",
        (),
        {
            "name": name or model.__name__,
            "interfaces": tuple(interfaces),
            "description": getattr(model, "graphql_description", None) or str(model._meta.verbose_name).capitalize(),
        },
    )
    attrs: dict = {"Meta": meta}
    for declared in model.graphql_fields:
        field = declared() if callable(declared) else declared
        attrs[field.field_name] = graphene.Field(
            field.field_type or API_TYPES[field.field_name], description=field.description
        )
        if field.field_source != field.field_name:
            attrs[f"resolve_{field.field_name}"] = _resolver(field.field_source)
        # Otherwise graphene's default attribute lookup, which the executor reads without a resolver call.
    return type(meta.name, (graphene.ObjectType,), attrs)


def exposed_page_models() -> list[type]:
    return [model for model in get_page_models() if hasattr(model, "graphql_fields")]
