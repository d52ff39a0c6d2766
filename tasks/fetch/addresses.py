"""Which network addresses a URL may send pressroom to: the guard against server-side request
forgery.

Addresses the user names (command line, sources file, flow parameters) are fetched as given.
Links found in fetched content (feed items, sitemap entries) and redirects are another matter: a
feed on the internet must not make pressroom fetch `http://127.0.0.1:8080/admin` or the cloud
metadata service at `169.254.169.254` and store the answers as articles. Such a URL may reach
the origin (scheme, host and port) the user named, or public addresses only; every other host
is resolved and refused (`Rejected("forbidden_address")`) when any of its addresses is loopback,
private, link-local, multicast, reserved, unspecified or otherwise not globally routable. The
name is resolved the way the connection would resolve it (`getaddrinfo`), so the spellings
`2130706433`, `0x7f.1` and `[::ffff:127.0.0.1]` are caught as 127.0.0.1.

A name can resolve to a public address when checked and to a private one a moment later (DNS
rebinding), so checking before the request is not enough: requests that must reach public
addresses go through `PublicOnlyTransport`, whose connections resolve the name, check every
address and connect to a checked address itself. Through a proxy (HTTP_PROXY and the like) the
proxy resolves names and only the check before the request applies.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable

import httpcore
import httpx

from tasks.records import Rejected

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")  # IPv6 spellings of IPv4 addresses a NAT64 gateway reaches
_DEFAULT_PORTS = {"http": 80, "https": 443}
_KINDS = ("loopback", "link_local", "multicast", "unspecified", "reserved", "private")
_ADVICE = "links found in fetched content may reach only the origin the user named or public addresses (PRESSROOM_HTTP__ALLOW_PRIVATE_ADDRESSES=true allows intranet crawls)"


def url_origin(url: str) -> str:
    """`scheme://host:port` of a URL as httpx reads it (host lower-cased and IDNA-encoded, the
    default port written out), so two spellings of one origin compare equal."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise Rejected("invalid_url", f"{url}: {exc}") from None
    port = parsed.port or _DEFAULT_PORTS.get(parsed.scheme, 0)
    host = parsed.raw_host.decode("ascii").lower()
    return f"{parsed.scheme}://{f'[{host}]' if ':' in host else host}:{port}"


def non_public_kind(address: IPAddress) -> str | None:
    """Why `address` is not a public one (`loopback`, `link-local`, `private`, ...), or None.

    IPv6 addresses that carry an IPv4 address (IPv4-mapped, 6to4, NAT64) are judged by it.
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and address in _NAT64:
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return non_public_kind(embedded)
    for kind in _KINDS:
        if getattr(address, f"is_{kind}"):
            return kind.replace("_", "-")
    return None if address.is_global else "not globally routable"  # e.g. 100.64.0.0/10


async def resolve(host: str, port: int) -> list[IPAddress]:
    """The addresses a connection to `host` would try, in order (`getaddrinfo`, off the loop)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    addresses: list[IPAddress] = []
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])  # drop an IPv6 zone
        if address not in addresses:
            addresses.append(address)
    return addresses


def check_public(where: str, addresses: Iterable[IPAddress]) -> None:
    """Refuse (`forbidden_address`) unless every address `where` resolves to is public."""
    for address in addresses:
        kind = non_public_kind(address)
        if kind is not None:
            raise Rejected("forbidden_address", f"{where} resolves to {address} ({kind}); {_ADVICE}")


async def refuse_non_public(url: str, timeout: float) -> None:
    """Refuse `url` before any request when its host resolves to a non-public address. A name
    that does not resolve within `timeout` seconds passes here: the request then fails with its
    DNS error (and its connection checks the addresses again)."""
    parsed = httpx.URL(url)
    try:
        async with asyncio.timeout(timeout):
            addresses = await resolve(parsed.raw_host.decode("ascii"), parsed.port or _DEFAULT_PORTS.get(parsed.scheme, 80))
    except (OSError, TimeoutError):
        return
    check_public(url, addresses)


class _PublicOnlyBackend(httpcore.AsyncNetworkBackend):
    """Opens TCP connections only to checked public addresses, resolving names itself."""

    def __init__(self) -> None:
        self._network = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        async with asyncio.timeout(timeout):
            addresses = await resolve(host, port)
        check_public(f"{host}:{port}", addresses)
        failure: Exception | None = None
        for address in addresses:  # as a connection to the name would: each address in turn
            try:
                return await self._network.connect_tcp(str(address), port, timeout, local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                failure = exc
        raise failure or httpcore.ConnectError(f"{host} has no address")

    async def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[httpcore.SOCKET_OPTION] | None = None
    ) -> httpcore.AsyncNetworkStream:
        raise Rejected("forbidden_address", f"a Unix socket ({path}) is no public address")

    async def sleep(self, seconds: float) -> None:
        await self._network.sleep(seconds)


class PublicOnlyTransport(httpx.AsyncHTTPTransport):
    """httpx's own transport (its error mapping, TLS to the host name) whose connections go to
    checked public addresses only."""

    def __init__(self, limits: httpx.Limits) -> None:
        super().__init__(limits=limits)
        # httpx takes no network backend; its pool is httpcore's, which does
        self._pool = httpcore.AsyncConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=_PublicOnlyBackend(),
        )
