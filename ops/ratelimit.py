"""Per-client rate limits, counted in the shared cache (Redis in production) so every process counts together.

A bucket allows `limit` hits per client in each fixed window of `WINDOW_SECONDS`; the hit over the limit
is refused with 429 and `Retry-After` (the seconds until the window ends). Fixed windows cost one
`INCR` per hit; a client can at most double its rate across a window's edge, which is fine for a limit
that exists to keep one client from starving the rest.

When the cache cannot count (Redis away) the limits fail open: the request is served. Refusing every
search because the cache is down would turn a degraded cache into an outage of the search; the API's
cost limits and the database's statement timeout still bound what each request can do.

Clients are told apart by address (`ops.clients.client_ip`, `NUM_PROXIES` behind proxies). Networks in
`RATE_LIMITS["EXEMPT"]` (a frontend that renders pages on its server and calls the API for all its
visitors from one address) are not limited. The cache keys hold a hash of the address, not the address.
"""

import hashlib
import ipaddress
import json
import logging
import math
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import caches
from django.http import HttpResponse

from .clients import client_ip

logger = logging.getLogger(__name__)

PREFIX = "ratelimit"
# A cache that cannot count is reported at most this often per process, not once per request.
WARN_EVERY_SECONDS = 60
_last_warning = [0.0]


class RateLimited(Exception):
    """Raised where a request is refused; carries the 429 to send."""

    def __init__(self, bucket: str, retry_after: int):
        super().__init__(bucket)
        self.bucket = bucket
        self.retry_after = retry_after

    def response(self, message: str) -> HttpResponse:
        body = {
            "errors": [{"message": message, "extensions": {"code": "RATE_LIMITED", "retryAfter": self.retry_after}}]
        }
        response = HttpResponse(json.dumps(body), status=429, content_type="application/json")
        response["Retry-After"] = str(self.retry_after)
        response["Cache-Control"] = "no-store"
        return response


@lru_cache(maxsize=8)
def _networks(exempt: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(network, strict=False) for network in exempt)


def exempt(address: str) -> bool:
    networks = _networks(tuple(settings.RATE_LIMITS["EXEMPT"]))
    if not networks:
        return False
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def _cannot_count(reason: str):
    now = time.monotonic()
    if now - _last_warning[0] >= WARN_EVERY_SECONDS:
        _last_warning[0] = now
        logger.warning("Rate limits are not counted (the cache %s): requests are served unlimited", reason)


def applies(request) -> bool:
    """Whether this request's client is counted at all (limits on, client not exempt)."""
    return settings.RATE_LIMITS["ENABLED"] and not exempt(client_ip(request))


def refuse_if_used_up(request, bucket: str):
    """Raise RateLimited if this client has already used up `bucket` in this window (counting nothing).

    For refusing before any work: a client over its limit gets its 429 before its body is even read."""
    limit = _limit(request, bucket)
    if not limit:
        return
    key, index, now = _key(request, bucket)
    try:
        count = caches[settings.RATE_LIMITS["CACHE_ALIAS"]].get(key)
    except Exception as error:
        _cannot_count(f"failed: {error.__class__.__name__}")
        return
    if count is not None and count >= limit:
        raise RateLimited(bucket, _retry_after(index, now))


def _limit(request, bucket: str) -> int:
    """The bucket's limit for this request's client; 0 when it is not counted."""
    limit = settings.RATE_LIMITS["LIMITS"].get(bucket, 0)
    return limit if limit and applies(request) else 0


def _key(request, bucket: str) -> tuple[str, int, float]:
    now = time.time()
    index = int(now // settings.RATE_LIMITS["WINDOW_SECONDS"])
    client = hashlib.sha256(client_ip(request).encode()).hexdigest()[:32]
    return f"{PREFIX}:{bucket}:{client}:{index}", index, now


def _retry_after(index: int, now: float) -> int:
    return max(1, math.ceil((index + 1) * settings.RATE_LIMITS["WINDOW_SECONDS"] - now))


def hit(request, bucket: str, weight: int = 1):
    """Count `weight` hits of this request's client in `bucket`; raise RateLimited when that is over the limit."""
    config = settings.RATE_LIMITS
    limit = _limit(request, bucket) if weight > 0 else 0
    if not limit:
        return
    window = config["WINDOW_SECONDS"]
    key, index, now = _key(request, bucket)
    cache = caches[config["CACHE_ALIAS"]]
    try:
        cache.add(key, 0, timeout=window + 1)
        count = cache.incr(key, weight)
    except ValueError:
        # Evicted between add and incr: this hit starts the count again.
        cache.set(key, weight, timeout=window + 1)
        count = weight
    except Exception as error:
        _cannot_count(f"failed: {error.__class__.__name__}")
        return
    if count is None:
        # django-redis with IGNORE_EXCEPTIONS answers None when Redis is away.
        _cannot_count("is unreachable")
        return
    if count > limit:
        raise RateLimited(bucket, _retry_after(index, now))
