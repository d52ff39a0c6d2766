"""A real HTTP server on 127.0.0.1 for tests: scripted replies, request log, in-flight counter.

Usage: `from web_server import Reply, WebServer, web_server_fixture` in a test module makes the
`web_server` fixture (a started `WebServer`) available; then:

    web_server.page("/a.html", "<html>…</html>".encode(), "text/html; charset=utf-8")  # with ETag/304
    web_server.add("/flaky", [Reply(500), Reply(200, b"ok")])   # successive replies; the last repeats
    web_server.add("/slow", Reply(200, b"x", delay=2.0))        # waits before sending headers
    web_server.add("/echo", lambda request: Reply(200, request.path.encode()))
    url = web_server.url("/a.html"); web_server.requests_to("/a.html")

Unknown paths answer 404. Each connection is served by its own thread, so concurrent clients
are really concurrent and `max_in_flight` shows how many requests overlapped.
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from email.utils import formatdate, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest


@dataclass
class Reply:
    """One scripted answer. `delay` waits before the headers; `drip` sends the body one
    `drip_size` piece at a time, `drip` seconds apart; `chunked` sends it with chunked transfer
    encoding instead of a Content-Length; `hang_up_after` closes the connection once that many
    bytes of the body are sent, as a dropped connection would."""

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drip: float = 0.0
    drip_size: int = 1
    chunked: bool = False
    hang_up_after: int | None = None


@dataclass
class SeenRequest:
    """A request as the server received it."""

    method: str
    path: str
    query: str
    headers: dict[str, str]
    at: float

    @property
    def conditional(self) -> bool:
        """True when the request carried If-None-Match or If-Modified-Since."""
        return "if-none-match" in self.headers or "if-modified-since" in self.headers


Route = Reply | list[Reply] | Callable[[SeenRequest], Reply]


class _Page:
    """A page that answers conditional requests with 304 like a well-behaved server."""

    def __init__(self, body: bytes, content_type: str | None, etag: bool, modified_at: float | None, headers: dict[str, str]) -> None:
        self.body = body
        self.content_type = content_type
        self.etag = f'"{hashlib.sha1(body).hexdigest()[:16]}"' if etag else None
        self.last_modified = formatdate(modified_at, usegmt=True) if modified_at is not None else None
        self.headers = headers

    def __call__(self, request: SeenRequest) -> Reply:
        headers = dict(self.headers)
        if self.content_type:
            headers["Content-Type"] = self.content_type
        if self.etag:
            headers["ETag"] = self.etag
        if self.last_modified:
            headers["Last-Modified"] = self.last_modified
        if self.etag and request.headers.get("if-none-match") == self.etag:
            return Reply(304, b"", headers)
        since = request.headers.get("if-modified-since")
        if self.last_modified and since and "if-none-match" not in request.headers \
                and parsedate_to_datetime(since) >= parsedate_to_datetime(self.last_modified):
            return Reply(304, b"", headers)
        return Reply(200, self.body, headers)


class WebServer:
    """A threaded HTTP/1.1 server on a loopback address (127.0.0.1 unless told: any 127.x.y.z
    is a distinct host to a client) with a random free port."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self._routes: dict[str, Route] = {}
        self._sequence_position: dict[str, int] = {}
        self._lock = threading.Lock()
        # Last-Modified of pages: one second later for every page() call, so a changed page
        # is always newer (HTTP dates have a resolution of one second)
        self._page_clock = time.time() - 86400
        self.requests: list[SeenRequest] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._server = _Server((host, 0), _handler_for(self))
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), name="test-web-server", daemon=True)

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT`."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        """Absolute URL of a path on this server."""
        return self.base_url + path

    def add(self, path: str, route: Route) -> None:
        """Serve `path` (query ignored) with a reply, a list of successive replies, or a function."""
        with self._lock:
            self._routes[path] = route
            self._sequence_position[path] = 0

    def page(self, path: str, body: bytes, content_type: str | None = "text/html; charset=utf-8", *,
             etag: bool = True, last_modified: bool = True, headers: dict[str, str] | None = None) -> None:
        """Serve a page with ETag and Last-Modified that answers conditional requests with 304."""
        with self._lock:
            self._page_clock += 1
            modified_at = self._page_clock
        self.add(path, _Page(body, content_type, etag, modified_at if last_modified else None, headers or {}))

    def requests_to(self, path: str) -> list[SeenRequest]:
        """Requests received for `path`, in order."""
        with self._lock:
            return [r for r in self.requests if r.path == path]

    def reset_log(self) -> None:
        """Forget the requests seen so far (routes stay)."""
        with self._lock:
            self.requests.clear()
            self.max_in_flight = 0

    def _reply_for(self, request: SeenRequest) -> Reply:
        with self._lock:
            self.requests.append(request)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
            route = self._routes.get(request.path)
            if isinstance(route, list):
                position = self._sequence_position[request.path]
                self._sequence_position[request.path] = position + 1
                return route[min(position, len(route) - 1)]
        if route is None:
            return Reply(404, b"not found", {"Content-Type": "text/plain"})
        return route(request) if callable(route) else route

    def _done(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def start(self) -> WebServer:
        """Start serving in a background thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving; threads still sleeping in a slow reply are left to die with the process."""
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> WebServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def handle_error(self, request: object, client_address: object) -> None:
        """Clients that time out and hang up are expected here; do not print their broken pipes."""


def _handler_for(server: WebServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - the name http.server dispatches to
            parts = urlsplit(self.path)
            seen = SeenRequest("GET", parts.path, parts.query, {k.lower(): v for k, v in self.headers.items()}, time.monotonic())
            try:
                reply = server._reply_for(seen)
                if reply.delay:
                    time.sleep(reply.delay)
                self.send_response(reply.status)
                for key, value in reply.headers.items():
                    self.send_header(key, value)
                if reply.chunked:
                    self.send_header("Transfer-Encoding", "chunked")
                else:
                    self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                if reply.status == 304:
                    return
                body = reply.body if reply.hang_up_after is None else reply.body[:reply.hang_up_after]
                size = reply.drip_size if reply.drip else max(len(body), 1)
                for start in range(0, len(body), size):
                    piece = body[start:start + size]
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece) if reply.chunked else piece)
                    self.wfile.flush()
                    if reply.drip:
                        time.sleep(reply.drip)
                if reply.hang_up_after is not None:
                    self.close_connection = True
                    return
                if reply.chunked:
                    self.wfile.write(b"0\r\n\r\n")
            finally:
                server._done()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - signature of the base class
            """Quiet: tests read `WebServer.requests` instead."""

    return Handler


@pytest.fixture(name="web_server")
def web_server_fixture() -> Iterator[WebServer]:
    """A started `WebServer`, stopped after the test (import `web_server_fixture` to use it)."""
    with WebServer() as server:
        yield server
