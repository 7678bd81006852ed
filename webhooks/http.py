"""One POST to a checked address: pinned IP, hard deadline, no redirects, a short excerpt of the answer."""

import contextlib
import http.client
import socket
import ssl
import threading
from dataclasses import dataclass

from .addresses import Target

EXCERPT_CHARS = 500
# Read no more of an answer than the excerpt needs.
READ_BYTES = 4 * EXCERPT_CHARS
USER_AGENT = "troms-cms-webhooks/1"


@dataclass
class Answer:
    status: int | None
    excerpt: str
    error: str = ""


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout)
        self.ip = target.ip

    def connect(self):
        self.sock = socket.create_connection((self.ip, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float):
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self.ip = target.ip

    def connect(self):
        sock = socket.create_connection((self.ip, self.port), self.timeout)
        # The certificate is checked against the host name, not the address we connected to.
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def excerpt(raw: bytes) -> str:
    # Stored as text: invalid UTF-8 replaced, NUL (which PostgreSQL text refuses) dropped.
    return raw.decode("utf-8", errors="replace").replace("\x00", "")[:EXCERPT_CHARS]


def post(target: Target, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    """POST `body`; whatever happens, return within `timeout` seconds (a slow answer counts as a failure)."""
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, timeout)
    timed_out = threading.Event()

    def give_up():
        timed_out.set()
        sock = connection.sock
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)

    # The socket timeout bounds each read; this bounds the whole exchange (a receiver dripping bytes).
    watchdog = threading.Timer(timeout, give_up)
    watchdog.daemon = True
    watchdog.start()
    try:
        connection.request(
            "POST",
            target.path,
            body=body,
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "User-Agent": USER_AGENT,
                **headers,
            },
        )
        response = connection.getresponse()
        raw = response.read(READ_BYTES)
        answer = Answer(status=response.status, excerpt=excerpt(raw))
        if 300 <= response.status < 400:
            answer.error = f"Videresending ikke fulgt ({response.getheader('Location', '')[:200]})"
        if timed_out.is_set():
            return Answer(status=None, excerpt="", error=f"Tidsavbrudd etter {timeout:g} s")
        return answer
    except (OSError, http.client.HTTPException) as exc:
        if timed_out.is_set() or isinstance(exc, TimeoutError | socket.timeout):
            return Answer(status=None, excerpt="", error=f"Tidsavbrudd etter {timeout:g} s")
        return Answer(status=None, excerpt="", error=f"{type(exc).__name__}: {exc}"[:300])
    finally:
        watchdog.cancel()
        connection.close()
