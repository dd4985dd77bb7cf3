"""Where a webhook may be sent: checking a receiver's address against server-side request
forgery. Pure apart from name resolution, which is an argument.

An address must be absolute ``https://`` with a host and no user name or password. Every
address its host resolves to must be a public one: loopback (``localhost``), private networks
(10/8, 172.16/12, 192.168/16, fc00::/7, 100.64/10), link-local (169.254/16, where cloud
metadata services answer; fe80::/10), multicast, reserved and unspecified addresses are
refused, so a subscription cannot make the server call into its own network. Two settings
relax this: ``allow_local`` (loopback over plain http, for development and tests) and
``allow_private`` (private networks, for receivers inside the organisation's network).
Link-local, multicast, reserved and unspecified addresses are never allowed.

The check runs when a subscription is saved and again before every attempt (a name may
resolve elsewhere later).
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

MAX_URL_LENGTH = 1000
LOCAL_NAMES = frozenset({"localhost", "localhost.localdomain"})

Resolver = Callable[[str, int], Iterable[str]]


def resolve(host: str, port: int) -> list[str]:
    """Every address ``host`` resolves to (raises ``OSError`` when it resolves to none)."""
    infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in infos})


def _kind(address: str) -> str:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return "loopback"
    if ip.is_link_local:
        return "link-local"
    if ip.is_multicast or ip.is_unspecified or ip.is_reserved:
        return "reserved"
    if ip.is_private or (isinstance(ip, ipaddress.IPv4Address) and ip in _SHARED):
        return "private"
    if not ip.is_global:
        return "reserved"
    return "public"


_SHARED = ipaddress.ip_network("100.64.0.0/10")


def url_problem(
    url: str,
    *,
    allow_local: bool = False,
    allow_private: bool = False,
    resolver: Resolver = resolve,
) -> str | None:
    """What is wrong with a receiver's address, or None when it may be called."""
    url = (url or "").strip()
    if not url:
        return "Enter the receiver's address."
    if len(url) > MAX_URL_LENGTH:
        return f"Keep it under {MAX_URL_LENGTH} characters."
    if any(ch.isspace() or ord(ch) < 32 for ch in url):
        return "A web address has no spaces or control characters."
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "That is not a web address."
    host = (parts.hostname or "").lower().rstrip(".")
    if parts.scheme not in ("https", "http") or not host:
        return "Use an absolute https:// address."
    if parts.username or parts.password:
        return "The address must not contain a user name or password."
    local_name = host in LOCAL_NAMES
    if parts.scheme == "http" and not (allow_local and (local_name or _is_loopback(host))):
        return "Use https:// (plain http is refused: deliveries carry your organisation's data)."
    try:
        addresses = list(resolver(host, port or (443 if parts.scheme == "https" else 80)))
    except (OSError, UnicodeError):
        return f"{host} cannot be found (the name does not resolve)."
    if not addresses:
        return f"{host} cannot be found (the name does not resolve)."
    for address in addresses:
        try:
            kind = _kind(address)
        except ValueError:
            return f"{host} resolves to something that is not an address."
        if kind == "public":
            continue
        if kind == "loopback" and allow_local:
            continue
        if kind == "private" and allow_private:
            continue
        return (
            f"{host} points into a {kind} network ({address}); webhooks are sent only to "
            "public addresses."
        )
    return None


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
