"""Where a webhook may go: https to a public address; http to loopback only when allowed.

Checked when an endpoint is saved and again before every delivery, on the addresses the name
resolves to then; the delivery connects to the checked address itself, so a name that
resolves elsewhere between check and connect (DNS rebinding) reaches nothing private.

An IPv6 address that carries an IPv4 one (mapped ::ffff:a.b.c.d, compatible ::a.b.c.d, NAT64
64:ff9b::/96, 6to4 2002::/16, Teredo's client) is judged by that IPv4 address too, since a
translator on the way may deliver it there; the NAT64 local-use prefix 64:ff9b:1::/48 maps to
whatever the local network chooses, so it counts as private.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from domain.errors import DomainError, ErrorCode

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
# Cloud metadata services: refused even when private addresses are allowed.
METADATA = {
    ipaddress.ip_address("169.254.169.254"),
    ipaddress.ip_address("fd00:ec2::254"),
    ipaddress.ip_address("100.100.100.200"),
}
MAX_URL_LENGTH = 2000
NAT64 = ipaddress.ip_network("64:ff9b::/96")
NAT64_LOCAL = ipaddress.ip_network("64:ff9b:1::/48")
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


@dataclass(frozen=True)
class Target:
    url: str
    scheme: str
    host: str
    port: int


def check_url(url: str, *, allow_private: bool, field: str = "url") -> Target:
    """Return the URL's parts, refusing anything but https (http only to loopback, if allowed)."""
    parts = urlsplit(url.strip())
    if len(url) > MAX_URL_LENGTH or not parts.hostname or parts.username or parts.password:
        raise DomainError(ErrorCode.INVALID, field, "Give an absolute https URL without a login.")
    if parts.scheme == "http" and not allow_private:
        raise DomainError(ErrorCode.INVALID, field, "Webhook URLs must use https.")
    if parts.scheme not in ("https", "http"):
        raise DomainError(ErrorCode.INVALID, field, "Webhook URLs must use https.")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as error:
        raise DomainError(ErrorCode.INVALID, field, "The URL's port is not a number.") from error
    target = Target(url.strip(), parts.scheme, parts.hostname, port)
    literal = _literal(target.host)
    if literal is not None:
        check_address(literal, target=target, allow_private=allow_private, field=field)
    return target


def check_address(
    address: IPAddress, *, target: Target, allow_private: bool, field: str = "url"
) -> None:
    """Refuse a private, loopback, link-local or metadata address, or an IPv6 address carrying
    one (see the module docstring)."""
    judged = [address, *embedded_ipv4(address)]
    if any(each in METADATA for each in judged):
        raise DomainError(ErrorCode.INVALID, field, f"{address} is a metadata address.")
    if target.scheme == "http" and not address.is_loopback:
        raise DomainError(ErrorCode.INVALID, field, "http is allowed to loopback addresses only.")
    if allow_private:
        return
    if address in NAT64_LOCAL or any(not each.is_global or each.is_multicast for each in judged):
        raise DomainError(
            ErrorCode.INVALID, field, f"{target.host} is not a public address ({address})."
        )


def embedded_ipv4(address: IPAddress) -> list[ipaddress.IPv4Address]:
    """Return the IPv4 addresses an IPv6 address carries (none for an IPv4 address)."""
    if not isinstance(address, ipaddress.IPv6Address):
        return []
    low_32_bits = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    carried = [address.ipv4_mapped, address.sixtofour]
    if address.teredo is not None:
        carried.append(address.teredo[1])  # the client's address (the server's is public)
    if address in NAT64 or (address in IPV4_COMPATIBLE and int(address) > 1):
        carried.append(low_32_bits)
    return [each for each in carried if each is not None]


async def resolve(target: Target, *, allow_private: bool, field: str = "url") -> IPAddress:
    """Return the address to connect to: every address the name has must pass the checks."""
    literal = _literal(target.host)
    if literal is not None:
        return literal
    loop = asyncio.get_running_loop()
    try:
        infos = await loop.getaddrinfo(target.host, target.port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise DomainError(ErrorCode.INVALID, field, f"{target.host} does not resolve.") from error
    addresses = [ipaddress.ip_address(info[4][0]) for info in infos]
    for address in addresses:
        check_address(address, target=target, allow_private=allow_private, field=field)
    return addresses[0]


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
