"""Feeds: RSS 0.9x/1.0/2.0, Atom and JSON Feed entries, incremental selection, unsafe XML."""

from __future__ import annotations

import json
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

from web_server import Reply, WebServer, web_server_fixture  # noqa: F401 - provides the `web_server` fixture

from config.http import HttpSettings
from config.sources import FeedSource
from tasks.fetch.feeds import FeedEntry, feed_entries, feed_inputs, parse_feed, select_new_entries
from tasks.fetch.http import fetch_urls
from tasks.fetch.plan import PlanContext
from tasks.urls import canonical_url
from warehouse.schemas import FEED_STATE
from warehouse.tables import read_table
from warehouse.writer import initialize

FAST = HttpSettings(connect_timeout=2.0, read_timeout=2.0, retries=1, backoff_base=0.05, jitter=0.0, per_host_delay=0.0, per_host_concurrency=8)

RSS2 = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>News</title><link>{base}/</link><description>d</description>
<item><title>One</title><link>{base}/news/1</link><guid>{base}/news/1</guid><pubDate>Mon, 01 Jan 2024 10:00:00 GMT</pubDate></item>
<item><title>Two</title><link>{base}/news/2</link><pubDate>Tue, 02 Jan 2024 10:00:00 +0100</pubDate></item>
<item><title>Three, no link but a permalink guid</title><guid isPermaLink="true">{base}/news/3</guid></item>
<item><title>No link at all</title><description>skipped</description></item>
</channel></rss>"""

ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="{base}/blog/">
  <title>Blog</title><id>urn:blog</id><updated>2024-03-02T00:00:00Z</updated>
  <entry><title>A</title><id>urn:a</id><link rel="alternate" href="posts/a"/><updated>2024-03-01T12:00:00Z</updated><published>2024-02-01T00:00:00Z</published></entry>
  <entry><title>B</title><id>urn:b</id><link href="{base}/blog/posts/b"/><published>2024-03-02T08:30:00+02:00</published></entry>
</feed>"""

RSS091 = """<?xml version="1.0" encoding="ISO-8859-1"?>
<!DOCTYPE rss PUBLIC "-//Netscape Communications//DTD RSS 0.91//EN" "http://my.netscape.com/publish/formats/rss-0.91.dtd">
<rss version="0.91"><channel><title>Old</title><link>{base}/</link><description>d</description><language>fr</language>
<item><title>Caf\xe9</title><link>{base}/old/1</link></item>
</channel></rss>"""

RDF = """<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="{base}/"><title>RDF</title><link>{base}/</link><description>d</description></channel>
<item rdf:about="{base}/rdf/1"><title>R1</title><link>{base}/rdf/1</link><dc:date>2024-05-01T00:00:00Z</dc:date></item>
</rdf:RDF>"""

BILLION_LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title><item><title>&lol9;</title><link>http://example.org/x</link></item></channel></rss>"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE rss [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<rss version="2.0"><channel><title>x</title><item><title>&secret;</title><link>http://example.org/x</link></item></channel></rss>"""


def source(server: WebServer, path: str, **extra: object) -> FeedSource:
    return FeedSource(kind="feed", name="feed-test", url=server.url(path), **extra)


def serve_feed(server: WebServer, path: str, body: str, content_type: str) -> None:
    server.add(path, Reply(200, body.encode("utf-8"), {"Content-Type": content_type}))


def test_rss2_entries_with_links_and_permalink_guids(web_server: WebServer) -> None:
    web_server.add("/robots.txt", Reply(404))
    serve_feed(web_server, "/rss.xml", RSS2.format(base=web_server.base_url), "application/rss+xml")
    refs, quarantined, stats, _ = feed_entries(source(web_server, "/rss.xml"), FAST, {})
    assert [r.uri for r in refs] == [web_server.url(f"/news/{n}") for n in (1, 2, 3)]
    assert all(r.kind == "url" and r.source == "feed-test" for r in refs)
    assert quarantined == []
    assert (stats.docs_in, stats.docs_out) == (3, 3)


def test_atom_entries_resolve_relative_links_and_keep_dates(web_server: WebServer) -> None:
    body = ATOM.format(base=web_server.base_url).encode()
    entries = parse_feed(body, web_server.url("/atom.xml"), "application/atom+xml")
    assert [e.link for e in entries] == [web_server.url("/blog/posts/a"), web_server.url("/blog/posts/b")]
    assert entries[0].updated == datetime(2024, 3, 1, 12, tzinfo=UTC), "updated wins over published"
    assert entries[1].updated == datetime(2024, 3, 2, 6, 30, tzinfo=UTC)
    assert entries[0].entry_id == "urn:a"


def test_rss091_with_netscape_doctype_and_rdf_rss10() -> None:
    old = parse_feed(RSS091.format(base="http://h").encode("latin-1"), "http://h/rss091.xml", "text/xml")
    assert [e.link for e in old] == ["http://h/old/1"]
    rdf = parse_feed(RDF.format(base="http://h").encode(), "http://h/index.rdf", "application/rdf+xml")
    assert [(e.link, e.updated) for e in rdf] == [("http://h/rdf/1", datetime(2024, 5, 1, tzinfo=UTC))]


def test_json_feed() -> None:
    feed = {
        "version": "https://jsonfeed.org/version/1.1",
        "title": "J",
        "items": [
            {"id": "1", "url": "/j/1", "date_published": "2024-06-01T10:00:00+02:00"},
            {"id": "2", "external_url": "http://other.example/j/2", "date_modified": "2024-06-02T00:00:00Z"},
            {"id": "http://h/j/3"},
            {"id": "4", "content_text": "no url"},
        ],
    }
    entries = parse_feed(json.dumps(feed).encode(), "http://h/feed.json", "application/feed+json")
    assert [(e.link, e.updated) for e in entries] == [
        ("http://h/j/1", datetime(2024, 6, 1, 8, tzinfo=UTC)),
        ("http://other.example/j/2", datetime(2024, 6, 2, tzinfo=UTC)),
        ("http://h/j/3", None),
    ]


def test_only_new_or_changed_entries_are_selected() -> None:
    fetched = datetime(2024, 1, 10, tzinfo=UTC)
    entries = [
        FeedEntry("http://h/old", "a", datetime(2024, 1, 5, tzinfo=UTC)),  # fetched after its date
        FeedEntry("http://h/updated", "b", datetime(2024, 1, 12, tzinfo=UTC)),  # changed since
        FeedEntry("http://h/new", "c", datetime(2024, 1, 1, tzinfo=UTC)),  # never fetched
        FeedEntry("http://h/undated", "d", None),  # known, no date: nothing says it changed
        FeedEntry("http://h/new?utm_source=rss", "e", None),  # same page as /new
    ]
    known = {canonical_url(u): fetched for u in ("http://h/old", "http://h/updated", "http://h/undated")}
    chosen = select_new_entries(entries, known)
    assert [e.link for e in chosen] == ["http://h/updated", "http://h/new"]


def test_a_second_run_fetches_only_what_changed(web_server: WebServer) -> None:
    web_server.add("/robots.txt", Reply(404))
    serve_feed(web_server, "/rss.xml", RSS2.format(base=web_server.base_url), "application/rss+xml")
    for n in (1, 2, 3):
        web_server.page(f"/news/{n}", f"<html><body><p>news {n}</p></body></html>".encode())
    refs, _, _, _ = feed_entries(source(web_server, "/rss.xml"), FAST, {})
    first = fetch_urls(refs, {}, FAST)
    assert len(first.items) == 3
    # what the flow loads from `documents`: page URL -> when it was fetched
    known_entries = {canonical_url(d.url): d.fetched_at for d in first.items}
    again, _, stats, _ = feed_entries(source(web_server, "/rss.xml"), FAST, known_entries)
    assert again == []
    assert (stats.docs_in, stats.docs_out) == (3, 0)

    newer = RSS2.format(base=web_server.base_url).replace("Mon, 01 Jan 2024 10:00:00 GMT", "Mon, 01 Jan 2124 10:00:00 GMT")
    serve_feed(web_server, "/rss.xml", newer, "application/rss+xml")
    changed, _, _, _ = feed_entries(source(web_server, "/rss.xml"), FAST, known_entries)
    assert [r.uri for r in changed] == [web_server.url("/news/1")]


def test_billion_laughs_feed_is_quarantined_not_expanded(web_server: WebServer) -> None:
    web_server.add("/robots.txt", Reply(404))
    serve_feed(web_server, "/lol.xml", BILLION_LAUGHS, "application/rss+xml")
    tracemalloc.start()
    started = time.perf_counter()
    try:
        refs, quarantined, stats, _ = feed_entries(source(web_server, "/lol.xml"), FAST, {})
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert refs == []
    assert [(q.error, q.stage, q.uri) for q in quarantined] == [("unsafe_xml", "fetch", web_server.url("/lol.xml"))]
    assert stats.quarantined["unsafe_xml"] == 1
    assert time.perf_counter() - started < 2 and peak < 20 * 1024 * 1024


def test_external_entity_feed_is_quarantined(web_server: WebServer) -> None:
    web_server.add("/robots.txt", Reply(404))
    serve_feed(web_server, "/xxe.xml", XXE, "application/rss+xml")
    refs, quarantined, _, _ = feed_entries(source(web_server, "/xxe.xml"), FAST, {})
    assert refs == [] and [q.error for q in quarantined] == ["unsafe_xml"]


def test_feed_failures_are_one_quarantine_row_each(web_server: WebServer) -> None:
    web_server.add("/robots.txt", Reply(200, b"User-agent: *\nDisallow: /members/\n", {"Content-Type": "text/plain"}))
    web_server.page("/page.html", b"<html><body><p>not a feed</p></body></html>")
    web_server.add("/members/feed", Reply(200, b"<rss/>", {"Content-Type": "application/rss+xml"}))
    cases = {"/page.html": "not_a_feed", "/gone.xml": "http_404", "/members/feed": "robots_disallowed"}
    for path, reason in cases.items():
        refs, quarantined, stats, _ = feed_entries(source(web_server, path), FAST, {})
        assert refs == [] and [(q.uri, q.error) for q in quarantined] == [(web_server.url(path), reason)]
        assert stats.quarantined == {reason: 1}
    allowed, quarantined, _, _ = feed_entries(source(web_server, "/members/feed", obey_robots=False), FAST, {})
    assert quarantined == [] and allowed == []


def test_the_feed_is_requested_conditionally_and_a_304_costs_one_request(web_server: WebServer) -> None:
    web_server.add("/robots.txt", Reply(404))
    web_server.page("/rss.xml", RSS2.format(base=web_server.base_url).encode(), "application/rss+xml")
    for n in (1, 2, 3):
        web_server.page(f"/news/{n}", f"<html><body><p>news {n}</p></body></html>".encode())
    first = feed_entries(source(web_server, "/rss.xml"), FAST, {})
    assert len(first.refs) == 3 and first.answer is not None and first.answer.etag
    fetched = fetch_urls(first.refs, {}, FAST)
    # the page of entry 3 failed to fetch: it is not in `documents`
    known_entries = {canonical_url(d.url): d.fetched_at for d in fetched.items if not d.url.endswith("/3")}

    web_server.reset_log()
    second = feed_entries(source(web_server, "/rss.xml"), FAST, known_entries, previous=first.answer)
    [request] = web_server.requests_to("/rss.xml")
    assert request.headers["if-none-match"] == first.answer.etag
    assert request.headers["if-modified-since"] == first.answer.last_modified
    assert second.answer is None and second.stats.counts["not_modified"] == 1 and second.stats.bytes_in == 0
    # a 304 reads the stored body: nothing new, but the entry whose page failed is retried
    assert [r.uri for r in second.refs] == [web_server.url("/news/3")]
    assert [r.path for r in web_server.requests if r.path != "/robots.txt"] == ["/rss.xml"], "one request, no page"

    web_server.page("/rss.xml", RSS2.format(base=web_server.base_url).replace("2024", "2124").encode(), "application/rss+xml")
    third = feed_entries(source(web_server, "/rss.xml"), FAST, known_entries, previous=first.answer)
    assert third.answer is not None and third.answer.etag != first.answer.etag
    assert {r.uri for r in third.refs} == {web_server.url(f"/news/{n}") for n in (1, 2, 3)}


def test_the_feed_planner_keeps_the_feeds_answer_between_runs(web_server: WebServer, tmp_path: Path) -> None:
    web_server.add("/robots.txt", Reply(404))
    web_server.page("/rss.xml", RSS2.format(base=web_server.base_url).encode(), "application/rss+xml")
    root = tmp_path / "wh"
    initialize(root)
    context = PlanContext(root, FAST, None, 100_000)
    refs, failed = feed_inputs(source(web_server, "/rss.xml"), context)
    assert len(refs) == 3 and failed == []
    refs, failed = feed_inputs(source(web_server, "/rss.xml"), context)
    assert len(refs) == 3 and failed == [], "no page was stored: every entry is still wanted"
    assert [r.conditional for r in web_server.requests_to("/rss.xml")] == [False, True]
    assert read_table(root, FEED_STATE, ["url", "etag"]).num_rows == 1, "a 304 adds no row"
    serve_feed(web_server, "/plain.xml", RSS2.format(base=web_server.base_url), "application/rss+xml")
    feed_inputs(source(web_server, "/plain.xml"), context)
    assert read_table(root, FEED_STATE, ["url"]).num_rows == 1, "a feed without ETag or Last-Modified is not kept"
    answers = iter(range(100))
    body = RSS2.format(base=web_server.base_url).encode()
    web_server.add("/dynamic.xml", lambda _: Reply(200, body, {"Content-Type": "application/rss+xml", "ETag": f'"{next(answers)}"'}))
    for _ in range(3):
        feed_inputs(source(web_server, "/dynamic.xml"), context)
    assert read_table(root, FEED_STATE, ["url"]).num_rows == 2, "a new ETag on the same body every time is kept once"


def test_a_refused_link_is_recorded_exactly_as_the_feed_wrote_it(web_server: WebServer) -> None:
    links = ["file:///etc/passwd", "file:////srv/share/x.html", "ftp:///pub/notes.txt"]
    items = "".join(f"<item><title>{n}</title><link>{link}</link></item>" for n, link in enumerate(links))
    atom_entry = '<entry><title>A</title><id>urn:a</id><link href="file:///etc/shadow"/></entry>'
    serve_feed(web_server, "/odd.xml", f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>', "application/rss+xml")
    serve_feed(web_server, "/odd.atom", f'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title>{atom_entry}</feed>', "application/atom+xml")
    refs = feed_entries(source(web_server, "/odd.xml"), FAST, {})[0] + feed_entries(source(web_server, "/odd.atom"), FAST, {})[0]
    fetched = fetch_urls(refs, {}, FAST)
    assert fetched.items == []
    assert sorted((q.uri, q.error) for q in fetched.quarantined) == sorted((link, "invalid_url") for link in [*links, "file:///etc/shadow"])
