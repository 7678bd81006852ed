"""Where a webhook may be sent: never, unless an operator allows it, to this machine or the internal network.

A URL is checked when an endpoint is saved and again at each delivery (DNS
answers change), and the delivery connects to the very address that was
checked, so a name cannot resolve to a public address for the check and a
private one for the connection.
"""

import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings


class RefusedAddress(ValueError):
    """The URL is malformed, does not resolve, or points where webhooks may not go."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    # The request line's target: path and query.
    path: str
    ip: str


def _allowed_private(host: str, ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    for entry in settings.WEBHOOKS["ALLOWED_PRIVATE_HOSTS"]:
        entry = entry.strip().lower().strip("[]")
        if entry == host:
            return True
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


# IPv6 prefixes whose last 32 bits are an IPv4 address that a translator or the host's own stack
# connects to: NAT64 (RFC 6052), IPv4-compatible (deprecated) and IPv4-translated (SIIT). Python counts
# them as global, so «64:ff9b::a00:1» would reach 10.0.0.1 through a NAT64 gateway (IPv6-only hosting).
EMBEDDING_IPV4 = [ipaddress.ip_network(net) for net in ("64:ff9b::/96", "::/96", "::ffff:0:0:0/96")]
# NAT64 for a local network (RFC 8215): what it reaches is internal by definition.
LOCAL_NAT64 = ipaddress.ip_network("64:ff9b:1::/48")


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped:
        return ip.ipv4_mapped
    if ip.sixtofour:
        return ip.sixtofour
    if any(ip in net for net in EMBEDDING_IPV4):
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _is_internal(ip) -> bool:
    if isinstance(ip, ipaddress.IPv6Address):
        if ip in LOCAL_NAT64:
            return True
        embedded = _embedded_ipv4(ip)
        if embedded is not None and _is_internal(embedded):
            return True
    return not ip.is_global or ip.is_multicast


def parse(url: str) -> tuple[str, str, int, str]:
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise RefusedAddress(f"Ugyldig adresse: {exc}.") from exc
    if parts.scheme not in ("http", "https"):
        raise RefusedAddress("Adressen må begynne med http:// eller https://.")
    if not parts.hostname:
        raise RefusedAddress("Adressen mangler vertsnavn.")
    if parts.username or parts.password:
        raise RefusedAddress("Adressen kan ikke inneholde brukernavn eller passord.")
    port = port or (443 if parts.scheme == "https" else 80)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    return parts.scheme, parts.hostname.lower(), port, path


def resolve(url: str) -> Target:
    """The address to connect to for `url`, or `RefusedAddress` saying why not."""
    scheme, host, port, path = parse(url)
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise RefusedAddress(f"Fant ikke vertsnavnet {host}.") from exc
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    # Every address the name has must be allowed: the check may not pick the harmless one.
    for ip in addresses:
        if _is_internal(ip) and not _allowed_private(host, ip):
            raise RefusedAddress(
                f"{host} peker til en intern adresse ({ip}). Webhooks sendes bare til offentlige adresser, "
                "med mindre driftsansvarlig har tillatt verten i WEBHOOKS_ALLOWED_PRIVATE_HOSTS."
            )
    return Target(scheme=scheme, host=host, port=port, path=path, ip=str(addresses[0]))
