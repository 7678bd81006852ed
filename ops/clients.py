"""Who a client is, as far as limits can tell: its address, seen through our own proxies."""

from django.conf import settings


def client_ip(request) -> str:
    """The client's address: the last `NUM_PROXIES` hops of X-Forwarded-For are our own proxies."""
    proxies = settings.NUM_PROXIES
    if proxies:
        forwarded = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "")
