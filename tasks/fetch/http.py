"""The polite HTTP client, and `fetch_urls`: the fetch stage for web pages.

One `HttpSession` per call runs on its own event loop: requests to one host are spaced by a
politeness delay and limited in number, requests overall by a global limit, so a batch of URLs
on many hosts is fetched concurrently while no single host sees more than its share. Each
request has connect/read timeouts and a total deadline; connection errors, timeouts, 429 and 5xx
are retried with exponential backoff and jitter (a `Retry-After` is honoured up to a cap);
redirects are followed by hand so loops and long chains are caught; robots.txt is consulted for
every hop. A hop that leaves the origin the user named (a listed link, a redirect) may reach only
public addresses (`tasks.fetch.addresses`): it is refused before any request otherwise, and its
connections go to checked addresses only. Bodies are read as a stream and decoded with caps on
the wire size and on the decompressed size. Every failure is a `Rejected` with a stable reason
code.
"""

from __future__ import annotations

import asyncio
import random
import socket
import ssl
import threading
import time
from collections import Counter
from collections.abc import AsyncIterator, Callable, Coroutine, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

import httpx
from pydantic import BaseModel, ConfigDict, Field

from tasks.fetch.addresses import PublicOnlyTransport, refuse_non_public, url_origin
from tasks.fetch.decompress import CappedDecoder, DecompressionError, SizeCapExceeded, gunzip_document, is_gzip
from tasks.fetch.local_files import format_for_path
from tasks.fetch.media_types import GZIP_MEDIA_TYPES, check_page_or_gzip_media_type, page_format, parse_content_type
from tasks.fetch.robots import RobotsCache, RobotsPolicy, origin, robots_url
from tasks.identity import doc_id_for_url, sha256_hex
from tasks.records import FetchedDocument, Format, InputRef, QuarantineRecord, Rejected
from tasks.stage import StageOutput, StageStats
from tasks.urls import canonical_url

if TYPE_CHECKING:
    from tasks.fetch.host_leases import HostLease

STAGE = "fetch"
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_ROBOTS_MAX_REDIRECTS = 5  # RFC 9309 section 2.3.1.2
_ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 asks crawlers to parse at least 500 KiB
# Decoded/encoded ratio above which an over-cap body is called a bomb rather than just large:
# HTML compresses 5-15 times, rarely past 20 (the encoded count is accurate to 8 KiB).
_BOMB_RATIO = 20
T = TypeVar("T")


@dataclass
class Response:
    """A final HTTP answer: status, headers and the decoded body (empty unless 2xx)."""

    url: str
    status: int
    headers: httpx.Headers
    body: bytes
    fetched_at: datetime
    attempts: int = 1
    stream: httpx.Response | None = None  # the open answer of `HttpSession.open_stream`, body unread

    @property
    def media_type(self) -> str | None:
        """The media type of Content-Type, lower-cased."""
        return parse_content_type(self.headers.get("content-type"))[0]

    @property
    def charset(self) -> str | None:
        """The charset parameter of Content-Type, lower-cased."""
        return parse_content_type(self.headers.get("content-type"))[1]


class _Transient(Exception):
    """A failure worth retrying; becomes `Rejected(reason)` once the retries are spent."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(reason, detail)
        self.reason = reason
        self.detail = detail


def _exception_chain(exc: BaseException) -> list[BaseException]:
    chain: list[BaseException] = []
    current: BaseException | None = exc
    while current is not None and current not in chain:
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def classify_transport_error(exc: BaseException) -> tuple[str, bool]:
    """`(reason code, worth retrying)` for an exception raised while requesting."""
    chain = _exception_chain(exc)
    if any(isinstance(e, (httpx.TimeoutException, TimeoutError)) for e in chain):
        return "timeout", True
    for e in chain:
        if isinstance(e, socket.gaierror):
            return "dns_error", e.errno == socket.EAI_AGAIN  # "temporary failure" only
        if isinstance(e, ssl.SSLError):
            return "tls_error", False
        if isinstance(e, ConnectionRefusedError):
            return "connection_refused", True
    if any(isinstance(e, (httpx.UnsupportedProtocol, httpx.InvalidURL)) for e in chain):
        return "invalid_url", False
    return "connection_error", True


def _retry_after_seconds(value: str | None) -> float | None:
    """Seconds a Retry-After header asks to wait (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def conditional_headers(known: KnownVersion | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since for a known version."""
    headers: dict[str, str] = {}
    if known is not None and known.etag:
        headers["If-None-Match"] = known.etag
    if known is not None and known.last_modified:
        headers["If-Modified-Since"] = known.last_modified
    return headers


class _HostGate:
    """Limits requests to one host: at most `concurrency` in flight, starts `delay` seconds apart.

    With a `lease` (politeness across flow runs, `tasks.fetch.host_leases`), requests also wait
    for the host's lease, held while any request to the host waits or runs and given back once
    `delay` has passed since the last start, so the next holder may start at once.
    """

    def __init__(self, concurrency: int, delay: float, lease: HostLease | None = None) -> None:
        self.delay = delay
        self._slots = asyncio.Semaphore(concurrency)
        self._spacing = asyncio.Lock()
        self._next_start = 0.0
        self._lease = lease
        self._lease_lock = asyncio.Lock()
        self._held = False
        self._users = 0
        self._releases: set[asyncio.Task[None]] = set()
        self.leases_taken = 0

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        self._users += 1
        try:
            if self._lease is not None:
                await self._hold_lease(self._lease)
            async with self._slots:
                async with self._spacing:
                    loop = asyncio.get_running_loop()
                    wait = self._next_start - loop.time()
                    if wait > 0:
                        await asyncio.sleep(wait)
                    self._next_start = loop.time() + self.delay
                yield
        finally:
            self._users -= 1
            if self._lease is not None and self._users == 0:
                release = asyncio.create_task(self._release_when_idle(self._lease))
                self._releases.add(release)
                release.add_done_callback(self._releases.discard)

    async def _hold_lease(self, lease: HostLease) -> None:
        async with self._lease_lock:
            if not self._held:
                await lease.acquire()
                self._held = True
                self.leases_taken += 1

    async def _release_when_idle(self, lease: HostLease) -> None:
        wait = self._next_start - asyncio.get_running_loop().time()
        if wait > 0:
            await asyncio.sleep(wait)
        async with self._lease_lock:
            if self._held and self._users == 0:
                await lease.release()
                self._held = False

    async def close(self) -> None:
        """Wait until the host's lease, if any, is given back."""
        await asyncio.gather(*self._releases)

    def hold_off(self, seconds: float) -> None:
        """Start no request to this host for `seconds` (the host asked for it)."""
        self._next_start = max(self._next_start, asyncio.get_running_loop().time() + seconds)


AcceptCheck = Callable[[str | None], None]


@dataclass
class _Limits:
    raw: int
    decoded: int


class HttpSession:
    """An HTTP client with politeness, retries, robots.txt and capped bodies; use as `async with`.

    Lives on one event loop. `robots` may be shared between sessions (it is thread-safe) so a run
    asks each host for robots.txt once.
    """

    def __init__(self, settings: HttpSettings, robots: RobotsCache | None = None) -> None:
        self.settings = settings
        self.robots = robots if robots is not None else RobotsCache()
        self._hosts: dict[str, _HostGate] = {}
        self._robots_locks: dict[str, asyncio.Lock] = {}
        self._global = asyncio.Semaphore(settings.global_concurrency)
        self._random = random.Random()
        limits = httpx.Limits(max_connections=settings.global_concurrency, max_keepalive_connections=settings.global_concurrency)
        options: dict[str, Any] = {
            "timeout": httpx.Timeout(
                connect=settings.connect_timeout,
                read=settings.read_timeout,
                write=settings.read_timeout,
                pool=None,  # waiting for a pooled connection is bounded by our own semaphores
            ),
            "follow_redirects": False,
            "headers": {
                "User-Agent": settings.user_agent,
                "Accept-Encoding": "gzip, deflate, br",
                "Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.8",
            },
        }
        self._client = httpx.AsyncClient(limits=limits, **options)
        # a pool of its own, so a connection opened for a named origin never serves a listed link
        self._public_client = httpx.AsyncClient(transport=PublicOnlyTransport(limits), **options)

    async def __aenter__(self) -> HttpSession:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await asyncio.gather(*(gate.close() for gate in self._hosts.values()))
        await self._client.aclose()
        await self._public_client.aclose()

    def _gate(self, url: str) -> _HostGate:
        host = (urlsplit(url).hostname or "").lower()
        gate = self._hosts.get(host)
        if gate is None:
            lease = None
            if self.settings.host_limits == "prefect":
                from tasks.fetch.host_leases import HostLease  # imports Prefect's client: only when asked

                lease = HostLease(host)
            gate = self._hosts[host] = _HostGate(self.settings.per_host_concurrency, self.settings.per_host_delay, lease)
        return gate

    @property
    def leases_taken(self) -> int:
        """How often this session took a host's lease (politeness across flow runs)."""
        return sum(gate.leases_taken for gate in self._hosts.values())

    def _backoff(self, attempt: int) -> float:
        s = self.settings
        base = min(s.backoff_max, s.backoff_base * (2 ** attempt))
        return max(0.0, min(s.backoff_max, base * (1 + s.jitter * self._random.uniform(-1, 1))))

    async def get(
        self,
        url: str,
        known: Mapping[str, KnownVersion] | None = None,
        accept: AcceptCheck | None = None,
        max_bytes: int | None = None,
        listed_by: str | None = None,
    ) -> Response:
        """GET `url` following redirects; a 2xx or 304 `Response`, else `Rejected` with the reason.

        `known` (canonical URL -> version) adds conditional headers to any hop it knows; `accept`
        may reject a response by its media type before its body is read; `max_bytes` lowers the
        body caps for this request. `listed_by` is the URL the user named whose content listed
        `url` (None when the user named `url` itself): hops to any other origin must reach public
        addresses (`forbidden_address` otherwise).
        """
        trusted = url_origin(listed_by or url)
        response = await self._follow(url, known or {}, accept, max_bytes, self.settings.max_redirects, check_robots=True, trusted=trusted)
        return self._final(response)

    async def open_stream(self, url: str) -> Response:
        """GET `url`, the user named, for its body as a stream: a 2xx `Response` whose `stream`
        the caller reads (`aiter_bytes`) and closes, else `Rejected` with the reason.

        Redirects, robots.txt, address rules, politeness and retries are those of `get`, for the
        opening only: the body, an archive perhaps hours long, is bounded by the read timeout
        between bytes, not by `total_timeout`. It is asked for without Content-Encoding, so its
        byte offsets are those of the file.
        """
        response = await self._follow(url, {}, None, None, self.settings.max_redirects, check_robots=True, trusted=url_origin(url), stream=True)
        return self._final(response)

    def _final(self, response: Response) -> Response:
        """A 2xx or 304 `Response` as it is; `Rejected` for any other last answer."""
        status = response.status
        if 200 <= status < 300 or status == 304:
            return response
        if status == 429:
            raise Rejected("http_429_after_retries", self._gave_up_detail(response))
        if 500 <= status < 600:
            raise Rejected("http_5xx_after_retries", self._gave_up_detail(response))
        raise Rejected(f"http_{status}", f"HTTP {status} from {response.url}")

    def _gave_up_detail(self, response: Response) -> str:
        wait = _retry_after_seconds(response.headers.get("retry-after"))
        if wait is not None and wait > self.settings.max_retry_after:
            return f"HTTP {response.status} from {response.url} with Retry-After {wait:.0f}s (> max_retry_after {self.settings.max_retry_after:.0f}s)"
        return f"HTTP {response.status} from {response.url} after {response.attempts} attempts"

    async def _follow(
        self,
        url: str,
        known: Mapping[str, KnownVersion],
        accept: AcceptCheck | None,
        max_bytes: int | None,
        max_redirects: int,
        check_robots: bool,
        trusted: str,
        stream: bool = False,
    ) -> Response:
        limits = _Limits(
            raw=min(self.settings.max_body_bytes, max_bytes or self.settings.max_body_bytes),
            decoded=min(self.settings.max_decompressed_bytes, max_bytes or self.settings.max_decompressed_bytes),
        )
        chain = [url]
        current = url
        for _ in range(max_redirects + 1):
            if urlsplit(current).scheme.lower() not in {"http", "https"} or not urlsplit(current).hostname:
                raise Rejected("invalid_url", f"not an http(s) URL: {current}")
            client = await self._client_for(current, trusted)
            if check_robots and self.settings.obey_robots:
                await self._check_robots(current, trusted)
            headers = conditional_headers(known.get(canonical_url(current)))
            response = await self._with_retries(current, headers, accept, limits, client, stream)
            if response.status not in REDIRECT_STATUSES:
                return response
            location = response.headers.get("location")
            if not location:
                raise Rejected("redirect_without_location", f"HTTP {response.status} from {current} has no Location")
            try:
                target = str(httpx.URL(current).join(location.strip()))
            except httpx.InvalidURL as exc:
                raise Rejected("invalid_url", f"redirect from {current} to unusable {location!r}: {exc}") from None
            if target in chain:
                raise Rejected("redirect_loop", " -> ".join([*chain, target]))
            chain.append(target)
            current = target
        raise Rejected("too_many_redirects", f"more than {max_redirects} redirects: " + " -> ".join(chain))

    async def _client_for(self, url: str, trusted: str) -> httpx.AsyncClient:
        """The client for one hop: any address for the trusted origin (or everywhere, when
        private addresses are allowed), else public addresses only, refused here before any
        request (robots.txt included)."""
        if self.settings.allow_private_addresses or url_origin(url) == trusted:
            return self._client
        await refuse_non_public(url, self.settings.connect_timeout)
        return self._public_client

    async def _with_retries(
        self, url: str, headers: dict[str, str], accept: AcceptCheck | None, limits: _Limits, client: httpx.AsyncClient, stream: bool = False
    ) -> Response:
        attempt = 0
        while True:
            try:
                response = await self._attempt(url, headers, accept, limits, client, stream)
            except _Transient as failure:
                if attempt >= self.settings.retries:
                    raise Rejected(failure.reason, f"{failure.detail} (after {attempt + 1} attempts)") from None
                await asyncio.sleep(self._backoff(attempt))
                attempt += 1
                continue
            response.attempts = attempt + 1
            if response.status != 429 and not 500 <= response.status < 600:
                return response
            wait = _retry_after_seconds(response.headers.get("retry-after"))
            if attempt >= self.settings.retries or (wait is not None and wait > self.settings.max_retry_after):
                return response
            if wait is not None:
                self._gate(url).hold_off(wait)  # the whole host asked for the pause, not just this URL
            await asyncio.sleep(wait if wait is not None else self._backoff(attempt))
            attempt += 1

    async def _attempt(
        self, url: str, headers: dict[str, str], accept: AcceptCheck | None, limits: _Limits, client: httpx.AsyncClient, stream: bool = False
    ) -> Response:
        """One request: waits its turn at the host, then reads the answer (or, for a `stream`,
        opens it) within the total deadline."""
        async with self._gate(url).slot(), self._global:
            try:
                async with asyncio.timeout(self.settings.total_timeout):
                    if stream:
                        return await self._open(url, headers, client)
                    return await self._exchange(url, headers, accept, limits, client)
            except (httpx.HTTPError, httpx.InvalidURL, OSError, TimeoutError) as exc:
                reason, retry = classify_transport_error(exc)
                detail = f"{type(exc).__name__}: {exc}".rstrip(": ") + f" ({url})"
                if reason == "timeout" and isinstance(exc, TimeoutError) and not isinstance(exc, httpx.TimeoutException):
                    detail = f"no complete response within total_timeout {self.settings.total_timeout}s ({url})"
                if retry:
                    raise _Transient(reason, detail) from None
                raise Rejected(reason, detail) from None

    async def _exchange(
        self, url: str, headers: dict[str, str], accept: AcceptCheck | None, limits: _Limits, client: httpx.AsyncClient
    ) -> Response:
        async with client.stream("GET", url, headers=headers) as answer:
            fetched_at = datetime.now(UTC)
            response = Response(str(answer.url), answer.status_code, answer.headers, b"", fetched_at)
            if not 200 <= answer.status_code < 300:
                return response  # status and headers are all we use of other answers
            declared = answer.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limits.raw:
                raise Rejected("too_large", f"Content-Length {declared} exceeds {limits.raw} bytes ({url})")
            if accept is not None:
                accept(response.media_type)
            try:
                decoder = CappedDecoder(answer.headers.get("content-encoding"), limits.decoded)
                async for chunk in answer.aiter_raw():
                    if decoder.raw_bytes + len(chunk) > limits.raw:
                        raise Rejected("too_large", f"body exceeds {limits.raw} bytes ({url})")
                    decoder.feed(chunk)
                response.body = decoder.finish()
            except SizeCapExceeded as exc:
                ratio = exc.cap / max(exc.raw_bytes, 1)
                if ratio >= _BOMB_RATIO:
                    raise Rejected("decompression_bomb", f"{exc.raw_bytes} encoded bytes decode past {exc.cap} bytes ({url})") from None
                raise Rejected("too_large", f"decoded body exceeds {exc.cap} bytes ({url})") from None
            except DecompressionError as exc:
                raise Rejected("bad_content_encoding", f"{exc} ({url})") from None
            return response

    async def _open(self, url: str, headers: dict[str, str], client: httpx.AsyncClient) -> Response:
        """Send the request and keep a 2xx answer open, its body unread; close any other."""
        request = client.build_request("GET", url, headers={**headers, "Accept-Encoding": "identity"})
        answer = await client.send(request, stream=True)
        response = Response(str(answer.url), answer.status_code, answer.headers, b"", datetime.now(UTC))
        if 200 <= answer.status_code < 300:
            response.stream = answer
        else:
            await answer.aclose()
        return response

    async def _check_robots(self, url: str, trusted: str) -> None:
        key = origin(url)
        policy = self.robots.get(key)
        if policy is None:
            lock = self._robots_locks.setdefault(key, asyncio.Lock())
            async with lock:
                policy = self.robots.get(key)
                if policy is None:
                    policy = await self._fetch_robots(url, trusted)
                    self.robots.put(key, policy)
        delay = policy.crawl_delay(self.settings.user_agent)
        if delay is not None:
            gate = self._gate(url)
            gate.delay = max(gate.delay, min(delay, self.settings.max_crawl_delay))
        policy.check(url, self.settings.user_agent)

    async def _fetch_robots(self, url: str, trusted: str) -> RobotsPolicy:
        location = robots_url(url)
        try:
            response = await self._follow(location, {}, None, _ROBOTS_MAX_BYTES, _ROBOTS_MAX_REDIRECTS, check_robots=False, trusted=trusted)
        except Rejected as rejected:
            # a robots.txt redirected to an address it may not reach was not read: as if there were none
            if rejected.error in {"too_large", "decompression_bomb", "bad_content_encoding", "too_many_redirects", "redirect_loop", "redirect_without_location", "invalid_url", "forbidden_address"}:
                return RobotsPolicy(source=location, allow_all=True)  # unusable file: as if there were none
            return RobotsPolicy.from_failure(location, rejected.error, rejected.detail)
        if response.status in REDIRECT_STATUSES:
            return RobotsPolicy(source=location, allow_all=True)
        return RobotsPolicy.from_response(response.url, response.status, response.body)


def run_async(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion from synchronous code, even inside a running event loop.

    Stage functions are synchronous; inside a loop (a notebook, an async caller) the coroutine
    runs on a fresh loop in a helper thread.
    """
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(make())
    result: dict[str, T] = {}
    failure: list[BaseException] = []

    def target() -> None:
        try:
            result["value"] = asyncio.run(make())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            failure.append(exc)

    thread = threading.Thread(target=target, name="pressroom-fetch")
    thread.start()
    thread.join()
    if failure:
        raise failure[0]
    return result["value"]


_NOT_MODIFIED = object()


def _unwrap_gzip_file(response: Response, ref: InputRef, settings: HttpSettings) -> tuple[bytes, str | None, Format | None]:
    """`(body, media type, format hint)` of a page, gunzipped when it came as a gzip file.

    A page served as `application/gzip` (a `.html.gz` file on a static host) or undeclared but
    gzip by its magic bytes holds the page compressed; its format is that of the name inside
    (`story.md.gz`), else sniffed. A server that also declared Content-Encoding has had its
    body decoded already: that body is used as it is.
    """
    gzip_file = response.media_type in GZIP_MEDIA_TYPES or (response.media_type is None and is_gzip(response.body))
    if not gzip_file:
        return response.body, response.media_type, ref.format_hint
    cap = min(settings.max_decompressed_bytes, ref.max_bytes or settings.max_decompressed_bytes)
    body = gunzip_document(response.body, cap) if is_gzip(response.body) else response.body
    return body, None, ref.format_hint or format_for_path(PurePosixPath(urlsplit(response.url).path))


async def _fetch_page(session: HttpSession, ref: InputRef, known: Mapping[str, KnownVersion]) -> FetchedDocument | QuarantineRecord | object:
    try:
        response = await session.get(ref.uri, known=known, accept=check_page_or_gzip_media_type, max_bytes=ref.max_bytes, listed_by=ref.listed_by)
        previous = known.get(canonical_url(response.url)) or known.get(canonical_url(ref.uri))
        if response.status == 304:
            if previous is None:
                raise Rejected("http_304", f"304 Not Modified to an unconditional request ({response.url})")
            return _NOT_MODIFIED
        if not response.body:
            raise Rejected("empty_body", f"HTTP {response.status} with an empty body ({response.url})")
        body, media_type, hint = _unwrap_gzip_file(response, ref, session.settings)
        sha = sha256_hex(body)
        if previous is not None and previous.content_sha256 == sha:
            return _NOT_MODIFIED
        fmt = page_format(media_type, body, response.url, hint)
    except Rejected as rejected:
        return QuarantineRecord(ref.source, ref.uri, STAGE, rejected.error, rejected.detail)
    except Exception as exc:  # noqa: BLE001 - one URL's bug must not lose the batch
        return QuarantineRecord(ref.source, ref.uri, STAGE, "unexpected_error", f"{type(exc).__name__}: {exc}")
    return FetchedDocument(
        source=ref.source,
        uri=ref.uri,
        doc_id=doc_id_for_url(response.url),
        body=body,
        content_sha256=sha,
        fetched_at=response.fetched_at,
        format=fmt,
        url=response.url,
        content_type=media_type or response.media_type,
        declared_charset=response.charset,
        http_status=response.status,
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
    )


async def _fetch_all(refs: list[InputRef], known: Mapping[str, KnownVersion], settings: HttpSettings, robots: RobotsCache | None) -> StageOutput[list[FetchedDocument]]:
    started = time.perf_counter()
    unique: dict[str, InputRef] = {}
    for ref in refs:
        unique.setdefault(canonical_url(ref.uri), ref)
    async with HttpSession(settings, robots) as session:
        outcomes = await asyncio.gather(*(_fetch_page(session, ref, known) for ref in unique.values()))
    leases = session.leases_taken
    documents = [o for o in outcomes if isinstance(o, FetchedDocument)]
    quarantined = [o for o in outcomes if isinstance(o, QuarantineRecord)]
    stats = StageStats(
        stage=STAGE,
        docs_in=len(refs),
        docs_out=len(documents),
        quarantined=Counter(q.error for q in quarantined),
        bytes_in=sum(len(d.body) for d in documents),
        seconds=time.perf_counter() - started,
        counts=+Counter(not_modified=sum(1 for o in outcomes if o is _NOT_MODIFIED), duplicates=len(refs) - len(unique), host_leases=leases),
    )
    return StageOutput(documents, quarantined, stats)


def fetch_urls(
    refs: list[InputRef],
    known: Mapping[str, KnownVersion],
    settings: HttpSettings,
    robots: RobotsCache | None = None,
) -> StageOutput[list[FetchedDocument]]:
    """Fetch web pages concurrently and politely; the fetch stage for `InputRef(kind="url")`.

    `known` maps canonical URLs (of requested and of final URLs) to the latest stored version, so
    known pages are requested conditionally and an unchanged page (304, or 200 with the same
    hash) is counted (`stats.counts["not_modified"]`) instead of becoming a document. Every
    failure is one quarantine row (stage `fetch`) with its reason. A URL given twice is fetched
    once and counted (`stats.counts["duplicates"]`). Pass one `robots` cache per run to ask each host for robots.txt only once.
    """
    return run_async(lambda: _fetch_all(list(refs), known, settings, robots))

