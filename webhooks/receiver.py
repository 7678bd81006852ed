"""A small webhook receiver on this machine: for tests, `make bench-webhooks` and trying endpoints out.

It verifies each request as a frontend should (see docs/webhooks.md) and
records what arrived. `python -m webhooks.receiver --port 8765 --secret S`
prints every delivery it gets.
"""

import argparse
import json
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from . import signing


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    at: float
    status: int
    signature_valid: bool

    @property
    def json(self) -> dict:
        return json.loads(self.body.decode("utf-8"))


@dataclass
class Receiver:
    """Answers with `statuses` in turn (then 200), records every request; a context manager.

    `delays` holds back the answers to the first requests by so many seconds each (a slow
    frontend); `arrivals` has every request as soon as it is read, before its answer (status 0).
    """

    secret: str
    statuses: Iterable[int] = ()
    port: int = 0
    received: list[Received] = field(default_factory=list)
    delays: Iterable[float] = ()
    arrivals: list[Received] = field(default_factory=list)

    def __post_init__(self):
        self._statuses = iter(self.statuses)
        self._delays = iter(self.delays)
        self._arrived = threading.Condition()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                valid = signing.verify(receiver.secret, self.headers.get(signing.SIGNATURE_HEADER, ""), body)
                with receiver._arrived:
                    receiver.arrivals.append(Received(dict(self.headers), body, time.time(), 0, valid))
                    delay = next(receiver._delays, 0)
                    receiver._arrived.notify_all()
                time.sleep(delay)
                status = next(receiver._statuses, 200) if valid else 401
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "text/plain; charset=utf-8")
                    self.end_headers()
                    self.wfile.write(f"svar {status}".encode())
                except ConnectionError:
                    return  # the sender gave up (or died) while we held the answer back
                with receiver._arrived:
                    receiver.received.append(Received(dict(self.headers), body, time.time(), status, valid))
                    receiver._arrived.notify_all()

            def log_message(self, format, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.port = self.server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}/hook"

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, timeout: float = 10) -> list[Received]:
        """The first `count` requests, waiting up to `timeout` seconds for them."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.received) >= count, timeout)
            return list(self.received)

    def wait_for_arrivals(self, count: int, timeout: float = 10) -> list[Received]:
        """The first `count` requests to arrive, answered or not."""
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.arrivals) >= count, timeout)
            return list(self.arrivals)

    def accepted(self) -> list[Received]:
        return [request for request in self.received if 200 <= request.status < 300]


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--secret", required=True)
    options = parser.parse_args()
    with Receiver(secret=options.secret, port=options.port) as receiver:
        print(f"Listening on {receiver.url}", flush=True)
        seen = 0
        try:
            while True:
                for request in receiver.wait_for(seen + 1, timeout=3600)[seen:]:
                    seen += 1
                    state = "signature OK" if request.signature_valid else "BAD SIGNATURE"
                    print(f"{request.headers.get(signing.EVENT_HEADER)} ({state}): {request.body.decode()}", flush=True)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
