"""One log line per request, and a request id that follows it.

The id is the client's `X-Request-ID` when it is a sane one (a proxy or frontend that already numbered
the request keeps its number), else a new random one; it is sent back in `X-Request-ID` and written on
every log line made while the request is served.

The line holds the method, the path without its query string (preview tokens and search words travel
there), the status and the duration, and nothing else about the client: no address, no user, no body.
Health probes are logged at DEBUG while they pass: an orchestrator asks every few seconds, and a line
each time would bury the requests that matter. A failing readiness probe is logged at WARNING.
"""

import logging
import re
import time
import uuid

from .logs import current_request_id

logger = logging.getLogger("ops.request")

HEADER = "X-Request-ID"
# Letters, digits and a few separators, as UUIDs and the ids of common proxies and tracers are.
SANE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:@/+=-]{0,127}$")
PATH_MAX = 500
PROBES = ("/health/live", "/health/ready")


def request_id_for(request) -> str:
    incoming = request.META.get("HTTP_X_REQUEST_ID", "")
    return incoming if SANE_ID.match(incoming) else uuid.uuid4().hex


def _printable(text: str) -> str:
    """The path as one line of text: control characters escaped, and cut short if very long."""
    if not text.isprintable():
        text = "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)
    return text if len(text) <= PATH_MAX else text[: PATH_MAX - 1] + "…"


class RequestLogMiddleware:
    """Outermost, so it times and numbers everything, the answers of other middleware too."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_for(request)
        request.request_id = request_id
        token = current_request_id.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            response[HEADER] = request_id
            self._log(request, response.status_code, duration_ms, request_id)
            return response
        finally:
            current_request_id.reset(token)

    @staticmethod
    def _log(request, status: int, duration_ms: float, request_id: str):
        path = _printable(request.path)
        method = _printable(request.method[:16])
        level = logging.INFO
        if request.path in PROBES:
            level = logging.DEBUG if status < 400 else logging.WARNING
        if not logger.isEnabledFor(level):
            return
        logger.log(
            level,
            "%s %s %s %.1f ms",
            method,
            path,
            status,
            duration_ms,
            extra={
                "event": "request",
                "method": method,
                "path": path,
                "status": status,
                "duration_ms": duration_ms,
            },
        )
