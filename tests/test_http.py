"""The polite HTTP client and `fetch_urls`, against a real server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import gzip
import itertools
import socket
import time
import tracemalloc
import zlib

import brotli
import pytest
from web_server import Reply, WebServer, web_server_fixture  # noqa: F401 - provides the `web_server` fixture

from config.http import HttpSettings
from tasks.fetch.http import fetch_urls
from tasks.fetch.robots import RobotsCache
from tasks.identity import doc_id_for_url, sha256_hex
from tasks.records import InputRef
from tasks.stage import StageOutput
from tasks.urls import canonical_url
from warehouse.known import KnownVersion

# Settings that keep the suite fast: no politeness delay between test requests, quick retries.
FAST = HttpSettings(
    connect_timeout=2.0,
    read_timeout=0.5,
    total_timeout=5.0,
    retries=2,
    backoff_base=0.05,
    backoff_max=0.2,
    jitter=0.0,
    per_host_delay=0.0,
    per_host_concurrency=8,
    max_body_bytes=512 * 1024,
    max_decompressed_bytes=1024 * 1024,
)

UTF8_TEXT = "Ünïcödé news: 新闻 — Ελληνικά and हिन्दी in one page. " * 3
CP1252_TEXT = (
    "Les élèves ont répondu « très bien » à l’examen de français. Ça, c’est déjà un succès: "
    "la moyenne a dépassé les prévisions du ministère, malgré les grèves de l’hiver dernier."
)
GBK_TEXT = "国际社会应当加强疫苗合作，共同战胜新冠肺炎疫情。各国政府表示将继续推进疫苗的公平分配，支持发展中国家获得更多疫苗。"
MOJIBAKE_ORIGINAL = "Crème brûlée à la française: déjà vu, naïve café and façade — all in one über-article about cuisine."


def html(text: str, charset_meta: str | None = None) -> str:
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    return f"<!doctype html><html><head>{meta}<title>t</title></head><body><p>{text}</p></body></html>"


def refs_for(server: WebServer, *paths: str) -> list[InputRef]:
    return [InputRef(source="test", uri=server.url(p), kind="url") for p in paths]


def known_from(result: StageOutput) -> dict[str, KnownVersion]:
    """What the flow would load from `documents`: keyed by canonical requested and final URL."""
    known = {}
    for doc in result.items:
        version = KnownVersion(doc.etag, doc.last_modified, doc.content_sha256)
        known[canonical_url(doc.uri)] = version
        known[canonical_url(doc.url)] = version
    return known


def gzip_bomb(decompressed_mib: int) -> bytes:
    """Concatenated gzip members of 10 MiB of zeros each: ~1 KB on the wire per MiB decoded."""
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    member = packer.compress(b"\0" * (10 << 20)) + packer.flush()
    return member * (decompressed_mib // 10)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


ENCODED_PAGES = {
    "/utf8.html": (html(UTF8_TEXT, "utf-8").encode("utf-8"), "text/html; charset=utf-8", "utf-8"),
    "/cp1252.html": (html(CP1252_TEXT).encode("cp1252"), "text/html", None),
    "/gbk.html": (html(GBK_TEXT).encode("gbk"), "text/html; charset=ISO-8859-1", "iso-8859-1"),
    "/mojibake.html": (html(MOJIBAKE_ORIGINAL).encode("utf-8").decode("cp1252").encode("utf-8"), "text/html; charset=utf-8", "utf-8"),
}
ORIGINAL_TEXT = {"/utf8.html": UTF8_TEXT, "/cp1252.html": CP1252_TEXT, "/gbk.html": GBK_TEXT, "/mojibake.html": MOJIBAKE_ORIGINAL}


def serve_everything(server: WebServer) -> dict[str, str | None]:
    """Serve one endpoint per case; returns path -> expected quarantine reason (None: a document)."""
    server.add("/robots.txt", Reply(200, b"User-agent: *\nDisallow: /private/\n", {"Content-Type": "text/plain"}))
    for path, (body, content_type, _) in ENCODED_PAGES.items():
        server.page(path, body, content_type)
    server.page("/plain.txt", b"Just text.\n", "text/plain; charset=us-ascii")
    server.page("/notes.md", b"# Title\n\nSome *markdown*.\n", "text/markdown")
    server.add("/flaky", [Reply(500), Reply(200, html("recovered").encode(), {"Content-Type": "text/html"})])
    server.add("/down", Reply(503))
    server.add("/busy", [Reply(429, headers={"Retry-After": "1"}), Reply(200, html("after the pause").encode(), {"Content-Type": "text/html"})])
    server.add("/loop-a", Reply(302, headers={"Location": "/loop-b"}))
    server.add("/loop-b", Reply(302, headers={"Location": "/loop-a"}))
    for hop in range(12):
        server.add(f"/chain/{hop}", Reply(301, headers={"Location": f"/chain/{hop + 1}"}))
    server.add("/moved", Reply(301, headers={"Location": "/utf8.html"}))
    server.add("/slow", Reply(200, b"late", {"Content-Type": "text/html"}, delay=3.0))
    server.add("/big", Reply(200, b"x" * (600 * 1024), {"Content-Type": "text/html"}))
    server.add("/bomb", Reply(200, gzip_bomb(200), {"Content-Type": "text/html", "Content-Encoding": "gzip"}))
    server.add("/private/page", Reply(200, html("secret").encode(), {"Content-Type": "text/html"}))
    server.add("/photo.png", Reply(200, b"\x89PNG\r\n\x1a\n" + b"\0" * 64, {"Content-Type": "image/png"}))
    server.add("/paper.pdf", Reply(200, b"%PDF-1.7\n", {"Content-Type": "application/pdf"}))
    server.add("/blob", Reply(200, b"\x00\x01\x02", {"Content-Type": "application/octet-stream"}))
    server.add("/style.css", Reply(200, b"p{}", {"Content-Type": "text/css"}))
    server.add("/empty", Reply(200, b"", {"Content-Type": "text/html"}))
    return {
        **{path: None for path in ENCODED_PAGES},
        "/plain.txt": None,
        "/notes.md": None,
        "/flaky": None,
        "/busy": None,
        "/moved": None,
        "/missing": "http_404",
        "/down": "http_5xx_after_retries",
        "/loop-a": "redirect_loop",
        "/chain/0": "too_many_redirects",
        "/slow": "timeout",
        "/big": "too_large",
        "/bomb": "decompression_bomb",
        "/private/page": "robots_disallowed",
        "/photo.png": "non_text_content_type",
        "/paper.pdf": "non_text_content_type",
        "/blob": "non_text_content_type",
        "/style.css": "unsupported_content_type",
        "/empty": "empty_body",
    }


def test_every_endpoint_becomes_one_document_or_one_quarantine_row(web_server: WebServer) -> None:
    expected = serve_everything(web_server)
    dead_port = closed_port()
    unreachable = {
        "http://nonexistent-host.invalid/page": "dns_error",
        f"http://127.0.0.1:{dead_port}/page": "connection_refused",
        web_server.base_url.replace("http://", "https://") + "/utf8.html": "tls_error",
    }
    refs = refs_for(web_server, *expected) + [InputRef("test", uri, "url") for uri in unreachable]

    result = fetch_urls(refs, {}, FAST)

    outcome = {doc.uri: None for doc in result.items} | {q.uri: q.error for q in result.quarantined}
    assert len(result.items) + len(result.quarantined) == len(refs), "each input is exactly one row"
    assert outcome == {web_server.url(p): reason for p, reason in expected.items()} | unreachable
    assert all(q.stage == "fetch" and q.detail for q in result.quarantined)
    assert result.stats.docs_in == len(refs)
    assert result.stats.docs_out == len(result.items)
    assert sum(result.stats.quarantined.values()) == len(result.quarantined)
    assert result.stats.quarantined["non_text_content_type"] == 3
    assert result.stats.counts["not_modified"] == 0


def test_bytes_headers_and_charset_pass_through(web_server: WebServer) -> None:
    serve_everything(web_server)
    result = fetch_urls(refs_for(web_server, *ENCODED_PAGES, "/plain.txt", "/notes.md", "/moved"), {}, FAST)
    docs = {doc.uri.removeprefix(web_server.base_url): doc for doc in result.items}
    assert set(docs) == {*ENCODED_PAGES, "/plain.txt", "/notes.md", "/moved"}, result.quarantined
    for path, (body, content_type, charset) in ENCODED_PAGES.items():
        doc = docs[path]
        assert doc.body == body
        assert doc.content_sha256 == sha256_hex(body)
        assert doc.declared_charset == charset
        assert doc.content_type == content_type.split(";")[0].lower()
        assert doc.format == "html"
        assert doc.http_status == 200
        assert doc.etag and doc.etag.startswith('"')
        assert doc.last_modified and doc.last_modified.endswith("GMT")
        assert doc.url == web_server.url(path)
        assert doc.doc_id == doc_id_for_url(web_server.url(path))
        assert doc.source == "test"
    assert docs["/plain.txt"].format == "text"
    assert docs["/notes.md"].format == "markdown"
    moved = docs["/moved"]
    assert moved.url == web_server.url("/utf8.html"), "url is the final URL after redirects"
    assert moved.doc_id == doc_id_for_url(web_server.url("/utf8.html"))
    assert moved.body == ENCODED_PAGES["/utf8.html"][0]


def test_decoded_text_equals_the_original(web_server: WebServer) -> None:
    decode = pytest.importorskip("tasks.clean.decode", reason="tasks/decode.py (another helper's stage) is not there yet")
    serve_everything(web_server)
    result = fetch_urls(refs_for(web_server, *ENCODED_PAGES), {}, FAST)
    assert len(result.items) == len(ENCODED_PAGES), result.quarantined
    wrong = {}
    for doc in result.items:
        path = doc.uri.removeprefix(web_server.base_url)
        decoded = decode.decode_document(doc)
        if f"<p>{ORIGINAL_TEXT[path]}</p>" not in decoded.text:
            wrong[path] = (decoded.encoding, decoded.text[60:140])
    assert not wrong, f"decoded text differs from the original: {wrong}"


def test_retries_follow_the_status_and_honour_retry_after(web_server: WebServer) -> None:
    serve_everything(web_server)
    result = fetch_urls(refs_for(web_server, "/flaky", "/down", "/busy"), {}, FAST)
    assert sorted(doc.uri for doc in result.items) == [web_server.url("/busy"), web_server.url("/flaky")]
    assert len(web_server.requests_to("/flaky")) == 2, "a 500 is retried once it recovers, not more"
    assert len(web_server.requests_to("/down")) == FAST.retries + 1
    busy = web_server.requests_to("/busy")
    assert len(busy) == 2
    assert busy[1].at - busy[0].at >= 0.95, "Retry-After: 1 is honoured"
    assert {q.uri: q.error for q in result.quarantined} == {web_server.url("/down"): "http_5xx_after_retries"}


def test_429_that_never_ends_and_a_retry_after_beyond_the_cap(web_server: WebServer) -> None:
    web_server.add("/robots.txt", Reply(404))
    web_server.add("/always-busy", Reply(429, headers={"Retry-After": "0"}))
    web_server.add("/come-back-tomorrow", Reply(429, headers={"Retry-After": "86400"}))
    started = time.perf_counter()
    result = fetch_urls(refs_for(web_server, "/always-busy", "/come-back-tomorrow"), {}, FAST)
    assert time.perf_counter() - started < 3
    reasons = {q.uri.removeprefix(web_server.base_url): q for q in result.quarantined}
    assert reasons["/always-busy"].error == "http_429_after_retries"
    assert len(web_server.requests_to("/always-busy")) == FAST.retries + 1
    assert reasons["/come-back-tomorrow"].error == "http_429_after_retries"
    assert "Retry-After 86400s" in reasons["/come-back-tomorrow"].detail
    assert len(web_server.requests_to("/come-back-tomorrow")) == 1, "a wait beyond the cap is not retried"


def test_total_timeout_stops_a_server_that_trickles(web_server: WebServer) -> None:
    web_server.add("/robots.txt", Reply(404))
    web_server.add("/trickle", Reply(200, b"x" * 100, {"Content-Type": "text/html"}, drip=0.1))
    settings = FAST.model_copy(update={"read_timeout": 2.0, "total_timeout": 0.6, "retries": 0})
    started = time.perf_counter()
    result = fetch_urls(refs_for(web_server, "/trickle"), {}, settings)
    assert time.perf_counter() - started < 2.5, "the 10 s body is cut off by the total deadline"
    assert [q.error for q in result.quarantined] == ["timeout"]
    assert "total_timeout" in result.quarantined[0].detail


def test_size_cap_is_enforced_while_streaming(web_server: WebServer) -> None:
    web_server.add("/robots.txt", Reply(404))
    # chunked: no Content-Length to refuse up front; 20 chunks of 64 KiB, 0.2 s apart (4 s in all)
    body = b"y" * (20 * 64 * 1024)
    web_server.add("/stream", Reply(200, body, {"Content-Type": "text/html"}, drip=0.2, drip_size=64 * 1024, chunked=True))
    settings = FAST.model_copy(update={"max_body_bytes": 200 * 1024, "read_timeout": 2.0})
    started = time.perf_counter()
    result = fetch_urls(refs_for(web_server, "/stream"), {}, settings)
    assert [q.error for q in result.quarantined] == ["too_large"]
    assert time.perf_counter() - started < 2.0, "reading stops at the cap, not at the end of the body"


def test_per_source_max_bytes_lowers_the_cap(web_server: WebServer) -> None:
    web_server.add("/robots.txt", Reply(404))
    web_server.page("/medium", b"z" * 5000)
    ref = InputRef("test", web_server.url("/medium"), "url", max_bytes=1000)
    result = fetch_urls([ref], {}, FAST)
    assert [q.error for q in result.quarantined] == ["too_large"]


def test_gzip_bomb_is_stopped_without_allocating_its_size(web_server: WebServer) -> None:
    web_server.add("/robots.txt", Reply(404))
    bomb = gzip_bomb(1000)  # 1 GB decoded from ~1 MB
    web_server.add("/bomb", Reply(200, bomb, {"Content-Type": "text/html", "Content-Encoding": "gzip"}))
    settings = FAST.model_copy(update={"max_body_bytes": 4 * 1024 * 1024})
    tracemalloc.start()
    try:
        result = fetch_urls(refs_for(web_server, "/bomb"), {}, settings)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [q.error for q in result.quarantined] == ["decompression_bomb"]
    assert peak < 24 * 1024 * 1024, f"peak allocation {peak / 1e6:.1f} MB while decoding a 1 GB bomb"


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br", "gzip, br"])
def test_compressed_pages_decode_to_the_original_bytes(web_server: WebServer, coding: str) -> None:
    web_server.add("/robots.txt", Reply(404))
    original = html(UTF8_TEXT * 20).encode("utf-8")
    encoded = original
    for step in coding.split(", "):
        encoded = {"gzip": gzip.compress, "deflate": zlib.compress, "br": brotli.compress}[step](encoded)
    web_server.add("/packed", Reply(200, encoded, {"Content-Type": "text/html; charset=utf-8", "Content-Encoding": coding}))
    result = fetch_urls(refs_for(web_server, "/packed"), {}, FAST)
    assert [doc.body for doc in result.items] == [original]
    assert web_server.requests_to("/packed")[0].headers["accept-encoding"] == "gzip, deflate, br"


def test_second_fetch_sends_only_conditional_requests_and_a_change_gives_one_version(web_server: WebServer) -> None:
    web_server.add("/robots.txt", Reply(404))
    paths = [f"/article/{n}" for n in range(6)]
    for n, path in enumerate(paths):
        # a third of the pages have only an ETag, a third only Last-Modified, a third both
        web_server.page(path, html(f"article {n}").encode(), etag=n % 3 != 1, last_modified=n % 3 != 0)
    first = fetch_urls(refs_for(web_server, *paths), {}, FAST)
    assert len(first.items) == 6

    web_server.reset_log()
    second = fetch_urls(refs_for(web_server, *paths), known_from(first), FAST)
    page_requests = [r for r in web_server.requests if r.path.startswith("/article/")]
    assert len(page_requests) == 6
    assert all(r.conditional for r in page_requests), "every page request is conditional"
    assert (second.items, second.stats.counts["not_modified"], second.quarantined) == ([], 6, [])

    web_server.page(paths[4], html("article 4, corrected").encode())
    third = fetch_urls(refs_for(web_server, *paths), known_from(first), FAST)
    assert [doc.uri for doc in third.items] == [web_server.url(paths[4])]
    assert third.items[0].body == html("article 4, corrected").encode()
    assert third.stats.counts["not_modified"] == 5


def test_unchanged_page_without_validators_is_recognised_by_its_hash(web_server: WebServer) -> None:
    web_server.add("/robots.txt", Reply(404))
    web_server.page("/bare", html("no validators").encode(), etag=False, last_modified=False)
    first = fetch_urls(refs_for(web_server, "/bare"), {}, FAST)
    second = fetch_urls(refs_for(web_server, "/bare"), known_from(first), FAST)
    assert (len(first.items), len(second.items), second.stats.counts["not_modified"]) == (1, 0, 1)


def test_many_urls_are_fetched_concurrently_within_the_per_host_limit(web_server: WebServer) -> None:
    web_server.add("/robots.txt", Reply(404))
    delay, count, limit = 0.2, 50, 10
    for n in range(count):
        web_server.add(f"/p/{n}", Reply(200, html(f"page {n}").encode(), {"Content-Type": "text/html"}, delay=delay))
    settings = FAST.model_copy(update={"per_host_concurrency": limit, "read_timeout": 5.0})
    started = time.perf_counter()
    result = fetch_urls(refs_for(web_server, *(f"/p/{n}" for n in range(count))), {}, settings)
    elapsed = time.perf_counter() - started
    sequential = count * delay
    assert len(result.items) == count
    # ideal with 10 in flight: 1 s; the bound leaves room for a loaded 2-core machine
    assert elapsed < 0.5 * sequential, f"{elapsed:.2f} s for {count} URLs of {delay} s each"
    assert 2 <= web_server.max_in_flight <= limit


def test_urls_on_many_hosts_are_not_fetched_one_after_another() -> None:
    hosts, per_host, delay = 20, 2, 0.3
    servers = [WebServer(f"127.0.0.{n + 2}").start() for n in range(hosts)]
    try:
        refs = []
        for server in servers:
            server.add("/robots.txt", Reply(404))
            for n in range(per_host):
                server.add(f"/a/{n}", Reply(200, html(str(n)).encode(), {"Content-Type": "text/html"}, delay=delay))
                refs.append(InputRef("test", server.url(f"/a/{n}"), "url"))
        # polite per host (one request at a time, 0.2 s apart), concurrent across hosts
        settings = FAST.model_copy(update={"per_host_concurrency": 1, "per_host_delay": 0.2, "read_timeout": 5.0})
        started = time.perf_counter()
        result = fetch_urls(refs, {}, settings)
        elapsed = time.perf_counter() - started
    finally:
        for server in servers:
            server.stop()
    assert len(result.items) == hosts * per_host
    sequential = hosts * per_host * delay  # 12 s
    assert elapsed < 0.5 * sequential, f"{elapsed:.2f} s for {len(refs)} URLs on {hosts} hosts"
    assert all(server.max_in_flight == 1 for server in servers)


def test_per_host_delay_spaces_requests(web_server: WebServer) -> None:
    web_server.add("/robots.txt", Reply(404))
    for n in range(4):
        web_server.page(f"/s/{n}", html(str(n)).encode())
    settings = FAST.model_copy(update={"per_host_delay": 0.3, "per_host_concurrency": 4})
    fetch_urls(refs_for(web_server, *(f"/s/{n}" for n in range(4))), {}, settings)
    starts = sorted(r.at for r in web_server.requests if r.path.startswith("/s/"))
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(gaps) == 3 and min(gaps) >= 0.27, gaps


def test_robots_rules_user_agent_cache_and_switch(web_server: WebServer) -> None:
    web_server.add("/robots.txt", Reply(200, b"User-agent: otherbot\nDisallow: /\n\nUser-agent: pressroom\nDisallow: /drafts/\n", {"Content-Type": "text/plain"}))
    web_server.page("/drafts/one", html("draft").encode())
    web_server.page("/news/one", html("news").encode())
    cache = RobotsCache()
    refs = refs_for(web_server, "/drafts/one", "/news/one")
    result = fetch_urls(refs, {}, FAST, robots=cache)
    assert [q.error for q in result.quarantined] == ["robots_disallowed"]
    assert [doc.uri for doc in result.items] == [web_server.url("/news/one")]
    assert not web_server.requests_to("/drafts/one"), "a disallowed page is never requested"
    assert web_server.requests_to("/news/one")[0].headers["user-agent"] == FAST.user_agent

    fetch_urls(refs, {}, FAST, robots=cache)
    assert len(web_server.requests_to("/robots.txt")) == 1, "robots.txt is cached across calls sharing a cache"

    ignoring = FAST.model_copy(update={"obey_robots": False})
    unrestricted = fetch_urls(refs, {}, ignoring)
    assert len(unrestricted.items) == 2


ROBOTS_RFC9309 = b"""User-agent: *
Disallow: /private/
Allow: /private/press/
Disallow: /*.pdf$
Disallow: /*?print=
Disallow: /shop
Allow: /shop/offers
Crawl-delay: 0.5
"""


@pytest.mark.parametrize(
    ("path", "allowed"),
    [
        ("/private/notes", False),
        ("/private/press/release", True),  # the longest matching rule decides, not the first
        ("/report.pdf", False),  # `*` matches any characters and `$` anchors the end
        ("/report.pdf.html", True),
        ("/story?print=1", False),
        ("/story?page=2", True),
        ("/shop/offers/today", True),  # Allow is longer than Disallow: /shop, listed after it
        ("/shop/cart", False),
    ],
)
def test_robots_txt_rules_follow_rfc_9309(web_server: WebServer, path: str, allowed: bool) -> None:
    web_server.add("/robots.txt", Reply(200, ROBOTS_RFC9309, {"Content-Type": "text/plain"}))
    web_server.page(path.split("?")[0], html("page").encode())
    result = fetch_urls(refs_for(web_server, path), {}, FAST)
    assert (len(result.items), [q.error for q in result.quarantined]) == ((1, []) if allowed else (0, ["robots_disallowed"]))
    assert bool(web_server.requests_to(path.split("?")[0])) == allowed


def test_robots_txt_with_a_byte_order_mark_is_obeyed(web_server: WebServer) -> None:
    web_server.add("/robots.txt", Reply(200, b"\xef\xbb\xbfUser-agent: *\r\nDisallow: /private/\r\n", {"Content-Type": "text/plain"}))
    web_server.page("/private/x", html("x").encode())
    result = fetch_urls(refs_for(web_server, "/private/x"), {}, FAST)
    assert [q.error for q in result.quarantined] == ["robots_disallowed"]


def test_fractional_crawl_delay_is_honoured(web_server: WebServer) -> None:
    web_server.add("/robots.txt", Reply(200, b"User-agent: *\nCrawl-delay: 0.5\n", {"Content-Type": "text/plain"}))
    for n in range(3):
        web_server.page(f"/f/{n}", html(str(n)).encode())
    fetch_urls(refs_for(web_server, *(f"/f/{n}" for n in range(3))), {}, FAST)
    starts = sorted(r.at for r in web_server.requests if r.path.startswith("/f/"))
    gaps = [b - a for a, b in itertools.pairwise(starts)]
    assert len(gaps) == 2 and min(gaps) >= 0.45, gaps


def test_unreachable_robots_txt_disallows_the_host(web_server: WebServer) -> None:
    web_server.add("/robots.txt", Reply(503))
    web_server.page("/a", html("a").encode())
    result = fetch_urls(refs_for(web_server, "/a"), {}, FAST)
    assert [q.error for q in result.quarantined] == ["robots_disallowed"]
    assert "503" in result.quarantined[0].detail
    assert not web_server.requests_to("/a")


def test_crawl_delay_from_robots_txt_is_honoured(web_server: WebServer) -> None:
    web_server.add("/robots.txt", Reply(200, b"User-agent: *\nCrawl-delay: 1\n", {"Content-Type": "text/plain"}))
    web_server.page("/c/1", html("1").encode())
    web_server.page("/c/2", html("2").encode())
    fetch_urls(refs_for(web_server, "/c/1", "/c/2"), {}, FAST)
    starts = sorted(r.at for r in web_server.requests if r.path.startswith("/c/"))
    assert len(starts) == 2 and starts[1] - starts[0] >= 0.95


def test_redirect_hops_are_checked_against_robots(web_server: WebServer) -> None:
    web_server.add("/robots.txt", Reply(200, b"User-agent: *\nDisallow: /private/\n", {"Content-Type": "text/plain"}))
    web_server.add("/go", Reply(302, headers={"Location": "/private/x"}))
    web_server.page("/private/x", html("x").encode())
    result = fetch_urls(refs_for(web_server, "/go"), {}, FAST)
    assert [q.error for q in result.quarantined] == ["robots_disallowed"]
    assert not web_server.requests_to("/private/x")


def test_a_url_given_twice_is_fetched_once(web_server: WebServer) -> None:
    web_server.add("/robots.txt", Reply(404))
    web_server.page("/once", html("once").encode())
    refs = refs_for(web_server, "/once", "/once?utm_source=newsletter")
    result = fetch_urls(refs, {}, FAST)
    assert (len(result.items), result.stats.counts["duplicates"], len(web_server.requests_to("/once"))) == (1, 1, 1)


def test_invalid_urls_are_quarantined() -> None:
    refs = [InputRef("test", "ftp://example.org/file", "url"), InputRef("test", "not a url", "url")]
    result = fetch_urls(refs, {}, FAST)
    assert [q.error for q in result.quarantined] == ["invalid_url", "invalid_url"]


def test_fetch_urls_works_when_called_inside_a_running_event_loop(web_server: WebServer) -> None:
    web_server.add("/robots.txt", Reply(404))
    web_server.page("/in-loop", html("loop").encode())

    async def caller() -> StageOutput:
        return fetch_urls(refs_for(web_server, "/in-loop"), {}, FAST)

    assert len(asyncio.run(caller()).items) == 1


@pytest.mark.parametrize(("robots", "allowed"), [(Reply(404), True), (Reply(403), True), (Reply(500), False), (Reply(429), False)])
def test_robots_txt_status_follows_rfc_9309(web_server: WebServer, robots: Reply, allowed: bool) -> None:
    web_server.add("/robots.txt", robots)
    web_server.page("/p", html("p").encode())
    result = fetch_urls(refs_for(web_server, "/p"), {}, FAST.model_copy(update={"retries": 0}))
    assert (len(result.items) == 1) is allowed
    assert [q.error for q in result.quarantined] == ([] if allowed else ["robots_disallowed"])


def test_robots_txt_behind_a_redirect_is_followed(web_server: WebServer) -> None:
    web_server.add("/robots.txt", Reply(301, headers={"Location": "/real-robots.txt"}))
    web_server.add("/real-robots.txt", Reply(200, b"User-agent: *\nDisallow: /no/\n", {"Content-Type": "text/plain"}))
    web_server.page("/no/1", html("1").encode())
    web_server.page("/yes/1", html("1").encode())
    result = fetch_urls(refs_for(web_server, "/no/1", "/yes/1"), {}, FAST)
    assert [q.uri for q in result.quarantined] == [web_server.url("/no/1")]
    assert [d.uri for d in result.items] == [web_server.url("/yes/1")]


def test_a_304_to_an_unconditional_request_is_not_dropped(web_server: WebServer) -> None:
    web_server.add("/robots.txt", Reply(404))
    web_server.add("/confused", Reply(304))
    result = fetch_urls(refs_for(web_server, "/confused"), {}, FAST)
    assert ([q.error for q in result.quarantined], result.stats.counts["not_modified"]) == (["http_304"], 0)
