"""The GraphQL endpoint: GET and POST, GraphiQL and introspection by setting, no stack traces."""

import json
import logging

import orjson
from django.conf import settings
from django.http import HttpResponse, HttpResponseBadRequest, HttpResponseNotAllowed
from django.http.multipartparser import MultiPartParserError
from graphene_django.views import GraphQLView, HttpError
from graphql import ExecutionResult, GraphQLError, OperationType, execute, get_operation_ast

from . import caching, graphiql, persisted, rate_limits
from .cost import QueryTooExpensive, check_cost
from .documents import accept, prepare
from .errors import NOT_UNICODE, public_message
from .execution import never_awaitable
from .limits import limits

logger = logging.getLogger(__name__)

INTERNAL_ERROR = "Internal error. The request was logged; please report it if it persists."


def _bad_request(message: str) -> HttpError:
    return HttpError(HttpResponseBadRequest(message))


NUL_MESSAGE = "Text in a query or its variables cannot contain NUL (\\u0000) characters."


def _text_problem(value) -> str | None:
    """Why the request's text cannot be used, if it cannot: NUL, or not encodable as UTF-8.

    Walks nested variables without recursion, so no nesting depth can exhaust the stack.
    """
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            # PostgreSQL cannot store or compare NUL; no content can contain it.
            if "\x00" in item:
                return NUL_MESSAGE
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return NOT_UNICODE
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None


def _json_error(message: str, status: int = 400) -> HttpResponse:
    return HttpResponse(json.dumps({"errors": [{"message": message}]}), status=status, content_type="application/json")


class PublicGraphQLView(GraphQLView):
    """graphene-django's view with our limits, document cache and error policy.

    Errors raised on purpose (`GraphQLError`, syntax, limit and validation
    errors) keep their message; anything else is logged and replaced by a
    generic message, so no exception text, SQL or path ever reaches a client.
    """

    def __init__(self, **kwargs):
        from .schema import schema

        kwargs.setdefault("schema", schema)
        super().__init__(**kwargs)

    def dispatch(self, request, *args, **kwargs):
        # Answers are the same for everyone and may be stored by CDNs: never a cookie on them, not even
        # the new CSRF cookie Django's middleware sets when a client sends a malformed one.
        request.META.pop("CSRF_COOKIE_NEEDS_UPDATE", None)
        try:
            return self._dispatch(request, *args, **kwargs)
        except RecursionError:
            # JSON nested thousands of levels deep: refused whole, wherever it was parsed.
            return _json_error("The request is nested too deeply.")

    def _dispatch(self, request, *args, **kwargs):
        self.graphiql = settings.API["GRAPHIQL"]
        if self.graphiql and self.can_display_graphiql(request, {}):
            return super().dispatch(request, *args, **kwargs)
        try:
            rate_limits.refuse_used_up_post(request)
        except rate_limits.RateLimited as error:
            return rate_limits.refusal(error)
        repeated = caching.answer_from_url(request)
        if repeated is not None:
            return repeated
        early = persisted.resolve(request, self.schema.graphql_schema)
        if early is not None:
            return early
        query = getattr(request, "_graphql_query", None) or request.GET.get("query")
        return caching.respond(request, query, lambda: self._answer(request))

    def render_graphiql(self, request, **data):
        response = super().render_graphiql(request, **data, **graphiql.page_context(data))
        response["Content-Security-Policy"] = graphiql.CONTENT_SECURITY_POLICY
        return response

    def _answer(self, request) -> HttpResponse:
        """graphene-django's dispatch, minus its `ensure_csrf_cookie`.

        The API is csrf-exempt and anonymous: a `Set-Cookie` on every answer
        would only stop shared caches (CDNs) from storing it.
        """
        try:
            if request.method not in ("GET", "POST"):
                raise HttpError(HttpResponseNotAllowed(["GET", "POST"], "GraphQL only supports GET and POST requests."))
            result, status_code = self.get_response(request, self.parse_body(request))
            cap = limits()["MAX_RESPONSE_BYTES"]
            if result is not None and len(result) > cap:
                return _json_error(f"The answer would be larger than {cap:,} bytes: ask for fewer items or fields.")
            return HttpResponse(status=status_code, content=result, content_type="application/json")
        except rate_limits.RateLimited as error:
            return rate_limits.refusal(error)
        except HttpError as error:
            response = error.response
            response["Content-Type"] = "application/json"
            response.content = self.json_encode(request, {"errors": [self.format_error(error)]})
            return response

    def json_encode(self, request, data, pretty=False):
        if pretty or self.pretty or request.GET.get("pretty"):
            return super().json_encode(request, data, pretty=True)
        # A full page is kilobytes of JSON; orjson writes it several times faster than `json`.
        return orjson.dumps(data)

    def parse_body(self, request):
        # A GET is answered from its URL alone: a body could otherwise change the
        # answer that is cached under the URL for everyone else.
        if request.method == "GET":
            return {}
        if request.body.lstrip()[:1] == b"[":
            raise _bad_request("Batched requests are not supported: send one operation per request.")
        try:
            request.body.decode("utf-8")
        except UnicodeDecodeError as error:
            raise _bad_request("The request body must be UTF-8 text.") from error
        try:
            return super().parse_body(request)
        except MultiPartParserError as error:
            # Django would answer with its HTML «Bad Request» page; an API client gets JSON.
            raise _bad_request("The multipart body cannot be read (no or a malformed boundary).") from error

    @staticmethod
    def get_graphql_params(request, data):
        query, variables, operation_name, ident = GraphQLView.get_graphql_params(request, data)
        # A persisted query's document, looked up by its hash in `dispatch`.
        query = getattr(request, "_graphql_query", None) or query
        if query is not None and not isinstance(query, str):
            raise _bad_request("`query` must be a string.")
        if variables is not None and not isinstance(variables, dict):
            raise _bad_request("`variables` must be a JSON object.")
        if operation_name is not None and not isinstance(operation_name, str):
            raise _bad_request("`operationName` must be a string.")
        return query, variables, operation_name, ident

    def execute_graphql_request(self, request, data, query, variables, operation_name, show_graphiql=False):
        if not query:
            if show_graphiql:
                return None
            raise _bad_request("Must provide query string.")
        # A NUL can also arrive escaped inside a GraphQL string literal.
        problem = _text_problem([query, variables]) or (NUL_MESSAGE if "\\u0000" in query else None)
        if problem:
            raise _bad_request(problem)
        # Only requests that would run count: what the caches answered never got here.
        rate_limits.count_post(request)

        prepared = prepare(self.schema.graphql_schema, query)
        if prepared.errors:
            return ExecutionResult(data=None, errors=list(prepared.errors))

        operation = get_operation_ast(prepared.document, operation_name)
        if operation is None:
            message = (
                f"Unknown operation named {operation_name!r}."
                if operation_name
                else "Give `operationName`: the document has several operations."
            )
            return ExecutionResult(data=None, errors=[GraphQLError(message)])
        if operation.operation != OperationType.QUERY:
            return ExecutionResult(data=None, errors=[GraphQLError("The public API only answers queries.")])
        try:
            check_cost(
                self.schema.graphql_schema,
                prepared.document,
                operation,
                variables,
                limits()["MAX_COST"],
                known=prepared.costs,
                names=prepared.limit_variables,
            )
        except QueryTooExpensive as error:
            return ExecutionResult(data=None, errors=[error])
        accept(prepared)
        rate_limits.count_fields(request, prepared.document, operation)

        try:
            return execute(
                self.schema.graphql_schema,
                prepared.document,
                root_value=self.get_root_value(request),
                context_value=self.get_context(request),
                variable_values=variables,
                operation_name=operation_name,
                # An empty list still builds a middleware manager, which turns the fast paths off.
                middleware=self.get_middleware(request) or None,
                execution_context_class=prepared.context_class,
                is_awaitable=never_awaitable,
            )
        except Exception as error:
            logger.exception("GraphQL execution failed")
            return ExecutionResult(data=None, errors=[GraphQLError(INTERNAL_ERROR, original_error=error)])

    @staticmethod
    def format_error(error):
        original = getattr(error, "original_error", None)
        if original is not None and not isinstance(original, GraphQLError):
            logger.error("GraphQL resolver failed", exc_info=original)
            return {"message": INTERNAL_ERROR, "path": error.path}
        if isinstance(error, GraphQLError):
            formatted = error.formatted
            formatted["message"] = public_message(formatted["message"])
            return formatted
        if isinstance(error, HttpError):
            return {"message": public_message(error.message)}
        return {"message": INTERNAL_ERROR}
