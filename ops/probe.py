"""`python -m ops.probe [live|ready] [URL]`: a health probe for images without curl (docker-compose uses it).

Exits 0 when the endpoint answers 200, 1 otherwise (503, refused, timed out). Django checks the Host
header of every request against ALLOWED_HOSTS, so the probe sends the first allowed host name rather than
the address it connects to; set PROBE_HOST to send another.

Needs nothing but the standard library, and does not start Django.
"""

import os
import sys
import urllib.error
import urllib.request

DEFAULT_BASE = "http://127.0.0.1:8000"
TIMEOUT = 4


def host_header() -> str:
    chosen = os.environ.get("PROBE_HOST", "").strip()
    if chosen:
        return chosen
    for host in os.environ.get("ALLOWED_HOSTS", "localhost").split(","):
        # ".example.org" allows example.org and its subdomains; "*" allows anything, so any name will do.
        host = host.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def probe(which: str = "ready", base: str = DEFAULT_BASE) -> tuple[bool, str]:
    if not base.startswith(("http://", "https://")):
        return False, f"not an http(s) URL: {base}"
    url = f"{base.rstrip('/')}/health/{which}"
    request = urllib.request.Request(url, headers={"Host": host_header()})  # noqa: S310 (http(s) checked above)
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as response:  # noqa: S310
            return response.status == 200, response.read(2000).decode("utf-8", "replace")
    except urllib.error.HTTPError as error:
        return False, error.read(2000).decode("utf-8", "replace")
    except OSError as error:
        return False, f"{error.__class__.__name__}: {error}"


def main(argv: list[str]) -> int:
    which = argv[0] if argv else "ready"
    if which not in ("live", "ready"):
        print("usage: python -m ops.probe [live|ready] [base URL]", file=sys.stderr)
        return 2
    healthy, said = probe(which, argv[1] if len(argv) > 1 else DEFAULT_BASE)
    print(said)
    return 0 if healthy else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
