"""GraphQL fields for site search, mounted on the root query by `api.schema`."""

import graphene


class SearchQuery(graphene.ObjectType):
    pass
