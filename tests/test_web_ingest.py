"""The ingest flow on web sources served by a real HTTP server on 127.0.0.1, and on a WARC file."""

from __future__ import annotations

import gzip
import io
import random
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter
from web_server import WebServer, web_server_fixture  # noqa: F401 - provides the `web_server` fixture

from tests.corpus_factory import article_html
from warehouse.query import run_query

pytestmark = pytest.mark.usefixtures("prefect_harness")

PAGES = ["/news/a.html", "/news/b.html", "/news/c.html", "/blog/d.html"]


@pytest.fixture
def polite_but_quick(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in {"PER_HOST_DELAY": "0", "BACKOFF_BASE": "0.05", "RETRIES": "1", "READ_TIMEOUT": "2"}.items():
        monkeypatch.setenv(f"PRESSROOM_HTTP__{key}", value)


def _ingest(**params):
    from flows.ingest import ingest
    from flows.parameters import IngestParameters

    return ingest(IngestParameters(**params))


def _serve_site(server: WebServer) -> None:
    rng = random.Random(3)
    for i, path in enumerate(PAGES):
        server.page(path, article_html(i, rng).encode("utf-8"))
    items = "".join(f"<item><title>{p}</title><link>{server.url(p)}</link><guid>{p}</guid></item>" for p in PAGES[:2])
    server.page("/feed.xml", f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode(), "application/rss+xml")
    child = "".join(f"<url><loc>{server.url(p)}</loc></url>" for p in PAGES[2:]) + f"<url><loc>{server.url('/gone.html')}</loc></url>"
    server.page("/sitemap-1.xml.gz", gzip.compress(f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{child}</urlset>'.encode()), "application/gzip")
    server.page("/sitemap.xml", f'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>{server.url("/sitemap-1.xml.gz")}</loc></sitemap></sitemapindex>'.encode(), "application/xml")


def test_feed_and_sitemap_then_conditional_rerun_then_one_change(web_server: WebServer, warehouse: Path, polite_but_quick):
    _serve_site(web_server)
    uris = [web_server.url("/feed.xml"), web_server.url("/sitemap.xml")]

    first = _ingest(uris=uris)
    assert first.rows_added["articles"] == 4
    _, rows = run_query(warehouse, "select stage, error from quarantine")
    assert rows == [("fetch", "http_404")]  # the sitemap's /gone.html
    _, rows = run_query(warehouse, "select count(*), count(distinct site) from articles where url like 'https://gazette.example/%'")
    assert rows == [(4, 1)]  # canonical links, tracking parameters dropped

    web_server.reset_log()
    second = _ingest(uris=uris)
    assert second.rows_added["articles"] == 0 and second.rows_added["documents"] == 0
    page_requests = [r for p in PAGES for r in web_server.requests_to(p)]
    # feed entries and sitemap pages already fetched are not requested again at all (no new
    # date), or only conditionally
    assert all(r.conditional for r in page_requests)

    web_server.reset_log()
    second_pages = _ingest(uris=[web_server.url(p) for p in PAGES])
    assert second_pages.rows_added["documents"] == 0
    assert [r.conditional for p in PAGES for r in web_server.requests_to(p)] == [True] * 4

    web_server.page(PAGES[0], article_html(99, random.Random(1)).encode("utf-8"))
    third = _ingest(uris=[web_server.url(p) for p in PAGES])
    assert third.rows_added["documents"] == 1 and third.rows_added["articles"] == 1
    _, [(versions, items)] = run_query(warehouse, "select count(*), count(distinct doc_id) from article_versions")
    assert (versions, items) == (5, 4)


def test_feed_asked_conditionally_and_sitemap_lastmods_kept_across_runs(web_server: WebServer, warehouse: Path, polite_but_quick):
    _serve_site(web_server)
    urlset = "".join(f"<url><loc>{web_server.url(p)}</loc><lastmod>2024-05-01T12:00:00</lastmod></url>" for p in PAGES[2:])
    web_server.page("/dated.xml", f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urlset}</urlset>'.encode(), "application/xml")
    uris = [web_server.url("/feed.xml"), web_server.url("/dated.xml")]
    assert _ingest(uris=uris).rows_added["articles"] == 4
    _, rows = run_query(warehouse, "select count(*), min(lastmod) from sitemap_lastmods")
    assert rows[0][0] == 2 and rows[0][1].isoformat() == "2024-05-01T12:00:00+00:00"

    web_server.reset_log()
    second = _ingest(uris=uris)
    assert second.rows_added["documents"] == 0
    [feed_request] = web_server.requests_to("/feed.xml")
    assert feed_request.conditional, "the feed's stored ETag/Last-Modified are sent"
    assert not any(web_server.requests_to(p) for p in PAGES), "nothing changed: no page is asked for"

    # a page changes and its lastmod moves, to a time before our last fetch (a zone-less lastmod)
    web_server.page(PAGES[2], article_html(42, random.Random(2)).encode("utf-8"))
    web_server.page("/dated.xml", f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urlset.replace("12:00:00", "11:00:00", 1)}</urlset>'.encode(), "application/xml")
    web_server.reset_log()
    third = _ingest(uris=uris)
    assert third.rows_added["documents"] == 1
    assert [r.conditional for r in web_server.requests_to(PAGES[2])] == [True]
    assert not web_server.requests_to(PAGES[3])


def _warc(path: Path, server_url: str) -> None:
    rng = random.Random(5)
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        for i in range(3):
            body = article_html(i, rng).encode("utf-8")
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(f"{server_url}/page{i}", "response", payload=io.BytesIO(body), http_headers=headers))
        missing = StatusAndHeaders("404 Not Found", [("Content-Type", "text/html")], protocol="HTTP/1.1")
        writer.write_record(writer.create_warc_record(f"{server_url}/missing", "response", payload=io.BytesIO(b"nope"), http_headers=missing))


def test_warc_ingests_without_network(warehouse: Path, tmp_path: Path):
    # the URLs point at a closed port: any network access would fail the records
    warc = tmp_path / "crawl.warc.gz"
    _warc(warc, "http://127.0.0.1:9")
    summary = _ingest(uris=[str(warc)])
    assert summary.rows_added["articles"] == 3
    _, rows = run_query(warehouse, "select stage, error from quarantine")
    assert rows == [("fetch", "http_404")]
    assert _ingest(uris=[str(warc)]).rows_added["articles"] == 0
