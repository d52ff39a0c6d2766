"""Guessing what a command-line URI is: by name, then by peeking at ambiguous URLs."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
from web_server import Reply, WebServer, web_server_fixture  # noqa: F401 - provides the `web_server` fixture

from config.http import HttpSettings
from tasks.fetch.uri_kind import AMBIGUOUS, guess_uri_kind, kind_of_content, peek_web_kind

FAST = HttpSettings(connect_timeout=2.0, read_timeout=2.0, retries=0, per_host_delay=0.0)


@pytest.mark.parametrize(
    ("uri", "kind"),
    [
        ("https://news.example/sitemap.xml", "sitemap"),
        ("https://news.example/sitemap_index.xml", "sitemap"),
        ("https://news.example/post-sitemap.xml", "sitemap"),
        ("https://news.example/sitemaps/2024-05.xml.gz", "sitemap"),
        ("https://news.example/feed/", "feed"),
        ("https://news.example/category/world/feed", "feed"),
        ("https://news.example/rss.xml", "feed"),
        ("https://news.example/index.rss", "feed"),
        ("https://news.example/feeds/all.atom", "feed"),
        ("https://news.example/feed.json", "feed"),
        ("https://news.example/?feed=rss2", "feed"),
        ("https://news.example/2024/05/01/a-story.html", "url"),
        ("https://news.example/", "url"),
        ("https://news.example/data/export.xml", AMBIGUOUS),
        ("https://news.example/api/items.json", AMBIGUOUS),
    ],
)
def test_web_urls_by_name(uri: str, kind: str) -> None:
    assert guess_uri_kind(uri) == kind


def test_local_paths(tmp_path: Path) -> None:
    (tmp_path / "crawl.warc.gz").write_bytes(b"")
    (tmp_path / "notes.md").write_text("x")
    assert guess_uri_kind(str(tmp_path)) == "folder"
    assert guess_uri_kind(str(tmp_path / "crawl.warc.gz")) == "warc"
    assert guess_uri_kind(str(tmp_path / "CRAWL.WARC")) == "warc"
    assert guess_uri_kind(str(tmp_path / "notes.md")) == "file"
    assert guess_uri_kind(f"file://{tmp_path}") == "folder"


def test_peeking_decides_by_content_type_and_root_element(web_server: WebServer) -> None:
    web_server.add("/robots.txt", Reply(404))
    web_server.add("/a.xml", Reply(200, b'<?xml version="1.0"?>\n<!-- generated -->\n<rss version="2.0"><channel/></rss>', {"Content-Type": "application/xml"}))
    web_server.add("/b.xml", Reply(200, b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"/>', {"Content-Type": "text/xml"}))
    web_server.add("/c.xml", Reply(200, b"<html><body>page</body></html>", {"Content-Type": "text/html"}))
    web_server.add("/d.json", Reply(200, b'{"version": "https://jsonfeed.org/version/1", "items": []}', {"Content-Type": "application/json"}))
    web_server.add("/e.gz", Reply(200, gzip.compress(b"<sitemapindex/>"), {"Content-Type": "application/octet-stream"}))
    web_server.add("/f.xml", Reply(200, b"<feed xmlns='http://www.w3.org/2005/Atom'/>", {"Content-Type": "application/atom+xml"}))
    expected = {"/a.xml": "feed", "/b.xml": "sitemap", "/c.xml": "url", "/d.json": "feed", "/e.gz": "sitemap", "/f.xml": "feed", "/missing.xml": "url"}
    assert {path: peek_web_kind(web_server.url(path), FAST) for path in expected} == expected


def test_kind_of_content_without_a_useful_type() -> None:
    assert kind_of_content(None, b"\xef\xbb\xbf<?xml version='1.0'?><rdf:RDF xmlns:rdf='x'/>") == "feed"
    assert kind_of_content("application/octet-stream", b"not xml") == "url"
