"""The GraphQL endpoint: GET and POST, GraphiQL and introspection by setting, no stack traces."""

import logging

from django.conf import settings
from graphene_django.views import GraphQLView
from graphql import GraphQLError

logger = logging.getLogger(__name__)

INTERNAL_ERROR = "Internal error. The request was logged; please report it if it persists."


class PublicGraphQLView(GraphQLView):
    """graphene-django's view with our switches and error policy.

    Errors raised on purpose (`GraphQLError`, syntax and validation errors)
    keep their message; anything else is logged and replaced by a generic
    message, so no exception text, SQL or path ever reaches a client.
    """

    def __init__(self, **kwargs):
        from .schema import schema

        kwargs.setdefault("schema", schema)
        super().__init__(**kwargs)

    def dispatch(self, request, *args, **kwargs):
        self.graphiql = settings.API["GRAPHIQL"]
        return super().dispatch(request, *args, **kwargs)

    @staticmethod
    def format_error(error):
        original = getattr(error, "original_error", None)
        if original is not None and not isinstance(original, GraphQLError):
            logger.error("GraphQL resolver failed", exc_info=original)
            return {"message": INTERNAL_ERROR, "path": error.path}
        return GraphQLView.format_error(error)
