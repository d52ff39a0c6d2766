"""Sitemaps: urlset, recursive index, gzipped children, lastmod, depth limit, unsafe XML."""

from __future__ import annotations

import gzip
import zlib
from datetime import UTC, datetime
from pathlib import Path

from web_server import Reply, WebServer, web_server_fixture  # noqa: F401 - provides the `web_server` fixture

from config.http import HttpSettings
from config.sources import SitemapSource
from tasks.fetch.plan import PlanContext
from tasks.fetch.retrieve import fetch_inputs
from tasks.fetch.sitemaps import parse_sitemap, sitemap_inputs, sitemap_urls
from tasks.stage import StageOutput
from tasks.store import write_batch
from tasks.urls import canonical_url
from warehouse.writer import initialize

FAST = HttpSettings(connect_timeout=2.0, read_timeout=2.0, retries=1, backoff_base=0.05, jitter=0.0,
                    per_host_delay=0.0, per_host_concurrency=8, max_decompressed_bytes=1024 * 1024)
NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"'
NEWS_NS = 'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'


def urlset(*entries: str) -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<urlset {NS} {NEWS_NS}>{"".join(entries)}</urlset>'.encode()


def url(loc: str, lastmod: str | None = None) -> str:
    return f"<url><loc>{loc}</loc>{f'<lastmod>{lastmod}</lastmod>' if lastmod else ''}</url>"


def index(*children: tuple[str, str | None]) -> bytes:
    items = "".join(f"<sitemap><loc>{loc}</loc>{f'<lastmod>{m}</lastmod>' if m else ''}</sitemap>" for loc, m in children)
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex {NS}>{items}</sitemapindex>'.encode()


def serve_site(server: WebServer) -> None:
    """An index with a plain child, a gzipped child, an old child, a nested index, and itself."""
    b = server.base_url
    server.add("/robots.txt", Reply(404))
    server.add("/sitemap_index.xml", Reply(200, index(
        (f"{b}/sitemaps/pages.xml", "2024-03-01"),
        (f"{b}/sitemaps/archive.xml.gz", "2024-03-01T00:00:00+00:00"),
        (f"{b}/sitemaps/old.xml", "2019-12-31"),
        (f"{b}/sitemaps/nested.xml", None),
        (f"{b}/sitemap_index.xml", None),
    ), {"Content-Type": "application/xml"}))
    server.add("/sitemaps/pages.xml", Reply(200, urlset(
        url(f"{b}/p/1", "2024-02-01"),
        url(f"{b}/p/2", "2024-02-15T09:00:00+01:00"),
        url(f"{b}/p/3"),
        f"<url><loc>{b}/p/4</loc><news:news><news:publication_date>2024-02-20T10:00:00Z</news:publication_date></news:news></url>",
    ), {"Content-Type": "text/xml; charset=utf-8"}))
    server.add("/sitemaps/archive.xml.gz", Reply(200, gzip.compress(urlset(url(f"{b}/a/1", "2023-05-05"), url(f"{b}/a/2"))), {"Content-Type": "application/x-gzip"}))
    server.add("/sitemaps/old.xml", Reply(200, urlset(url(f"{b}/old/1", "2019-01-01")), {"Content-Type": "application/xml"}))
    server.add("/sitemaps/nested.xml", Reply(200, index((f"{b}/sitemaps/deep.xml", None)), {"Content-Type": "application/xml"}))
    server.add("/sitemaps/deep.xml", Reply(200, urlset(url(f"{b}/deep/1")), {"Content-Type": "application/xml"}))


def source(server: WebServer, path: str = "/sitemap_index.xml") -> SitemapSource:
    return SitemapSource(kind="sitemap", name="sitemap-test", url=server.url(path))


def test_index_with_gzipped_and_nested_children_lists_every_page(web_server: WebServer) -> None:
    serve_site(web_server)
    refs, quarantined, stats = sitemap_urls(source(web_server), FAST, {})
    found = sorted(r.uri.removeprefix(web_server.base_url) for r in refs)
    assert found == ["/a/1", "/a/2", "/deep/1", "/old/1", "/p/1", "/p/2", "/p/3", "/p/4"]
    assert all(r.kind == "url" and r.source == "sitemap-test" for r in refs)
    assert quarantined == []
    assert (stats.docs_in, stats.docs_out) == (8, 8)
    assert len(web_server.requests_to("/sitemap_index.xml")) == 1, "an index listing itself is read once"


def test_a_known_page_is_fetched_again_when_its_lastmod_differs_from_the_one_seen(web_server: WebServer) -> None:
    serve_site(web_server)
    b = web_server.base_url
    known = {
        canonical_url(f"{b}/p/1"): datetime(2024, 2, 1, tzinfo=UTC),  # listed with the same lastmod
        canonical_url(f"{b}/p/2"): datetime(2024, 3, 1, tzinfo=UTC),  # listed with an earlier one
        canonical_url(f"{b}/p/3"): None,  # listed without a date
        canonical_url(f"{b}/p/4"): None,  # listed with a date, none recorded
    }
    refs, _, stats = sitemap_urls(source(web_server), FAST, known)
    pages = {r.uri.removeprefix(b): r.lastmod for r in refs if "/p/" in r.uri}
    # p/2's lastmod went back before the last one seen (a publisher's clock, a zone-less date
    # read anew): a change all the same
    assert pages == {"/p/2": datetime(2024, 2, 15, 8, tzinfo=UTC), "/p/4": datetime(2024, 2, 20, 10, tzinfo=UTC)}
    assert stats.docs_out == stats.docs_in - 2


def test_lastmods_recorded_by_the_write_stage_decide_the_next_run(web_server: WebServer, tmp_path: Path) -> None:
    b = web_server.base_url
    web_server.add("/robots.txt", Reply(404))
    web_server.page("/p/1", b"<html><body><p>one</p></body></html>")
    web_server.add("/p/2", Reply(503))

    def serve_sitemap(lastmod_of_p1: str) -> None:
        body = urlset(url(f"{b}/p/1", lastmod_of_p1), url(f"{b}/p/2", "2024-05-01"))
        web_server.add("/sitemap.xml", Reply(200, body, {"Content-Type": "application/xml"}))

    def plan() -> list[str]:
        refs, failed = sitemap_inputs(source(web_server, "/sitemap.xml"), context)
        assert failed == []
        return sorted(r.uri.removeprefix(b) for r in refs)

    def run(run_id: str) -> StageOutput:
        refs, _ = sitemap_inputs(source(web_server, "/sitemap.xml"), context)
        fetched = fetch_inputs(refs, root, FAST)
        write_batch(root, run_id, fetched.items, [], fetched.quarantined, refs)
        return fetched

    root = tmp_path / "wh"
    initialize(root)
    context = PlanContext(root, FAST.model_copy(update={"retries": 0}), None, 100_000)
    serve_sitemap("2024-05-01T12:00:00")
    assert [d.uri.removeprefix(b) for d in run("run-1").items] == ["/p/1"]
    assert plan() == ["/p/2"], "unchanged lastmod: not again; a failed fetch is retried"

    # the new lastmod is earlier than our fetch (a zone-less time, a slow clock): still a change
    serve_sitemap("2024-05-01T11:00:00")
    assert plan() == ["/p/1", "/p/2"]
    web_server.reset_log()
    second = run("run-2")
    assert [r.conditional for r in web_server.requests_to("/p/1")] == [True]
    assert second.stats.counts["not_modified"] == 1
    assert plan() == ["/p/2"], "the lastmod of a page found unchanged is recorded too"


def test_children_older_than_the_last_run_are_not_fetched(web_server: WebServer) -> None:
    serve_site(web_server)
    refs, _, _ = sitemap_urls(source(web_server), FAST, {}, since=datetime(2023, 1, 1, tzinfo=UTC))
    assert not web_server.requests_to("/sitemaps/old.xml")
    assert web_server.url("/old/1") not in {r.uri for r in refs}
    assert len(web_server.requests_to("/sitemaps/pages.xml")) == 1


def test_depth_limit_quarantines_deeper_sitemaps(web_server: WebServer) -> None:
    serve_site(web_server)
    refs, quarantined, _ = sitemap_urls(source(web_server), FAST, {}, max_depth=1)
    assert [(q.uri, q.error) for q in quarantined] == [(web_server.url("/sitemaps/deep.xml"), "sitemap_too_deep")]
    assert not web_server.requests_to("/sitemaps/deep.xml")
    assert web_server.url("/p/1") in {r.uri for r in refs}


def test_bad_children_are_quarantined_and_the_rest_is_read(web_server: WebServer) -> None:
    b = web_server.base_url
    web_server.add("/robots.txt", Reply(404))
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    bomb = packer.compress(b"\0" * (50 << 20)) + packer.flush()
    laughs = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]><urlset>&b;</urlset>'
    web_server.add("/index.xml", Reply(200, index(*((f"{b}/{name}", None) for name in ("ok.xml", "bomb.xml.gz", "laughs.xml", "page.html", "missing.xml"))), {"Content-Type": "application/xml"}))
    web_server.add("/ok.xml", Reply(200, urlset(url(f"{b}/fine")), {"Content-Type": "application/xml"}))
    web_server.add("/bomb.xml.gz", Reply(200, bomb, {"Content-Type": "application/gzip"}))
    web_server.add("/laughs.xml", Reply(200, laughs, {"Content-Type": "application/xml"}))
    web_server.page("/page.html", b"<html><body>not a sitemap</body></html>")
    refs, quarantined, stats = sitemap_urls(source(web_server, "/index.xml"), FAST, {})
    assert [r.uri for r in refs] == [f"{b}/fine"]
    assert {q.uri.removeprefix(b): q.error for q in quarantined} == {
        "/bomb.xml.gz": "decompression_bomb",
        "/laughs.xml": "unsafe_xml",
        "/page.html": "not_a_sitemap",
        "/missing.xml": "http_404",
    }
    assert all(q.stage == "fetch" and q.source == "sitemap-test" for q in quarantined)
    assert sum(stats.quarantined.values()) == 4


def test_sitemap_sent_with_gzip_content_encoding(web_server: WebServer) -> None:
    web_server.add("/robots.txt", Reply(404))
    body = urlset(url(web_server.url("/x"), "2024-01-01"))
    web_server.add("/sitemap.xml", Reply(200, gzip.compress(body), {"Content-Type": "application/xml", "Content-Encoding": "gzip"}))
    refs, quarantined, _ = sitemap_urls(source(web_server, "/sitemap.xml"), FAST, {})
    assert [r.uri for r in refs] == [web_server.url("/x")] and quarantined == []


def test_plain_text_sitemap_and_relative_locations() -> None:
    listed = parse_sitemap(b"http://h/a\n\nhttps://h/b\n# comment\n", "http://h/sitemap.txt")
    assert (listed.kind, [e.loc for e in listed.entries]) == ("urlset", ["http://h/a", "https://h/b"])
    relative = parse_sitemap(urlset(url("/rel", "2024-01-01")), "http://h/sitemap.xml")
    assert [(e.loc, e.lastmod) for e in relative.entries] == [("http://h/rel", datetime(2024, 1, 1, tzinfo=UTC))]
