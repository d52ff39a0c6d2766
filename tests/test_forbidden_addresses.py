"""Server-side request forgery: links found in fetched content reach the origin the user named or
public addresses only, checked after DNS resolution, on every redirect and at connect time.

Every server here is a real one on a loopback address; forbidden addresses are refused before
any connection, which the servers' request logs show (169.254.169.254 is never contacted)."""

from __future__ import annotations

import asyncio
import ipaddress
from pathlib import Path

import pytest
from web_server import Reply, WebServer, web_server_fixture  # noqa: F401 - provides the `web_server` fixture

from config.http import HttpSettings
from config.settings import Settings
from config.sources import FeedSource, SitemapSource
from tasks.fetch import addresses
from tasks.fetch.addresses import non_public_kind, resolve
from tasks.fetch.discover import plan_inputs
from tasks.fetch.http import fetch_urls
from tasks.fetch.retrieve import fetch_inputs
from tasks.records import InputRef
from warehouse.catalog import ensure_catalog

FAST = HttpSettings(connect_timeout=2.0, read_timeout=2.0, retries=0, backoff_base=0.05, jitter=0.0, per_host_delay=0.0, per_host_concurrency=8)
PAGE = b"<html><head><title>Page</title></head><body><p>" + b"An ordinary article. " * 30 + b"</p></body></html>"


def rss(*links: str) -> bytes:
    items = "".join(f"<item><title>{n}</title><link>{link}</link></item>" for n, link in enumerate(links))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()


@pytest.fixture
def inside() -> WebServer:
    """An 'internal' service on another loopback port, which no listed link may reach."""
    with WebServer() as server:
        server.page("/secret", b"<html><body><p>internal admin page</p></body></html>")
        yield server


@pytest.fixture
def inside_too() -> WebServer:
    """Another one on 127.0.0.2 (a distinct host on the loopback network)."""
    with WebServer("127.0.0.2") as server:
        server.page("/secret", b"<html><body><p>internal admin page</p></body></html>")
        yield server


def run_feed(web_server: WebServer, tmp_path: Path, links: list[str], http: HttpSettings = FAST):
    """Plan and fetch a feed source served by `web_server` listing `links` (the ingest stages)."""
    web_server.add("/feed.xml", Reply(200, rss(*links), {"Content-Type": "application/rss+xml"}))
    source = FeedSource(kind="feed", name="feed", url=web_server.url("/feed.xml"))
    ensure_catalog(tmp_path / "warehouse")
    planned = plan_inputs([source], 10**6, tmp_path / "warehouse", http)
    assert planned.quarantined == []
    return fetch_inputs(planned.items, tmp_path / "warehouse", http)


def test_links_in_a_feed_reach_its_own_origin_and_never_other_private_addresses(
    web_server: WebServer, inside: WebServer, inside_too: WebServer, tmp_path: Path
) -> None:
    web_server.page("/news/1", PAGE)
    port, other = inside.base_url.rsplit(":", 1)[1], inside_too.base_url.rsplit(":", 1)[1]
    forbidden = [
        f"http://localhost:{port}/secret",
        f"http://2130706433:{port}/secret",
        f"http://0x7f.1:{port}/secret",
        f"http://127.0.0.2:{other}/secret",
        f"http://[::1]:{port}/secret",
        f"http://[::ffff:127.0.0.1]:{port}/secret",
        "http://169.254.169.254/latest/meta-data/",
    ]
    fetched = run_feed(web_server, tmp_path, [web_server.url("/news/1"), *forbidden])

    assert [d.url for d in fetched.items] == [web_server.url("/news/1")]
    rows = {q.uri: (q.stage, q.error) for q in fetched.quarantined}
    assert rows == {url: ("fetch", "forbidden_address") for url in forbidden}
    assert len(fetched.quarantined) == len(forbidden)
    detail = next(q.detail for q in fetched.quarantined if "169.254" in q.uri)
    assert "169.254.169.254 (link-local)" in detail and "ALLOW_PRIVATE_ADDRESSES" in detail
    assert inside.requests == [] and inside_too.requests == [], "refused before any connection, robots.txt included"


def test_a_redirect_to_another_loopback_port_is_refused(web_server: WebServer, inside: WebServer, tmp_path: Path) -> None:
    web_server.page("/news/1", PAGE)
    # a robots.txt sent elsewhere is not read there: the site is treated as having none
    web_server.add("/robots.txt", Reply(302, headers={"Location": inside.url("/robots.txt")}))
    web_server.add("/moved", Reply(302, headers={"Location": "/news/1"}))
    web_server.add("/escape", Reply(302, headers={"Location": inside.url("/secret")}))
    named = [InputRef("cli", web_server.url("/moved"), "url"), InputRef("cli", web_server.url("/escape"), "url")]
    out = fetch_urls(named, {}, FAST)
    assert [d.url for d in out.items] == [web_server.url("/news/1")]
    assert [(q.uri, q.error) for q in out.quarantined] == [(web_server.url("/escape"), "forbidden_address")]
    assert inside.url("/secret") in out.quarantined[0].detail
    # a link listed by the feed that redirects there is refused the same way
    fetched = run_feed(web_server, tmp_path, [web_server.url("/escape")])
    assert [(q.uri, q.error) for q in fetched.quarantined] == [(web_server.url("/escape"), "forbidden_address")]
    assert inside.requests == []


def test_the_setting_opts_in_for_intranet_crawls(
    web_server: WebServer, inside: WebServer, inside_too: WebServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PRESSROOM_HTTP__ALLOW_PRIVATE_ADDRESSES", "true")
    http = Settings().http.model_copy(update=FAST.model_dump(exclude={"allow_private_addresses"}))
    assert http.allow_private_addresses
    port, other = inside.base_url.rsplit(":", 1)[1], inside_too.base_url.rsplit(":", 1)[1]
    links = [f"http://localhost:{port}/secret", f"http://2130706433:{port}/secret?b", f"http://127.0.0.2:{other}/secret"]
    fetched = run_feed(web_server, tmp_path, links, http)
    assert sorted(d.url for d in fetched.items) == sorted(links) and fetched.quarantined == []
    assert len(inside.requests_to("/secret")) == 2 and len(inside_too.requests_to("/secret")) == 1


def test_a_name_that_turns_private_after_the_check_is_refused_at_connect_time(
    inside: WebServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the check before the request sees a public address, the connection's own
    resolution a loopback one; the connection is refused, and the public address is never used."""
    answers = iter([[ipaddress.ip_address("93.184.215.14")]])
    real_resolve = addresses.resolve

    async def rebinding(host: str, port: int) -> list:
        if host == "rebind.test":
            return next(answers, [ipaddress.ip_address("127.0.0.1")])
        return await real_resolve(host, port)

    monkeypatch.setattr(addresses, "resolve", rebinding)
    port = inside.base_url.rsplit(":", 1)[1]
    ref = InputRef("feed", f"http://rebind.test:{port}/secret", "url", listed_by="http://news.example/feed.xml")
    out = fetch_urls([ref], {}, FAST.model_copy(update={"obey_robots": False}))
    assert [(q.uri, q.error) for q in out.quarantined] == [(ref.uri, "forbidden_address")]
    assert "127.0.0.1 (loopback)" in out.quarantined[0].detail
    assert inside.requests == []


@pytest.mark.parametrize(
    ("host", "kind"),
    [
        ("2130706433", "loopback"), ("0177.0.0.1", "loopback"), ("::ffff:127.0.0.1", "loopback"), ("64:ff9b::7f00:1", "loopback"),
        ("169.254.169.254", "link-local"), ("fe80::1", "link-local"), ("10.1.2.3", "private"), ("192.168.0.1", "private"),
        ("224.0.0.1", "multicast"), ("0.0.0.0", "unspecified"), ("100.64.0.1", "not globally routable"), ("8.8.8.8", None),
        ("2606:4700:4700::1111", None),
    ],
)
def test_every_spelling_of_an_address_is_judged_by_what_it_resolves_to(host: str, kind: str | None) -> None:
    """Numeric hosts resolve without any DNS query or connection."""
    assert {non_public_kind(a) for a in asyncio.run(resolve(host, 80))} == {kind}


def test_sitemap_entries_and_child_sitemaps_follow_the_same_rule(web_server: WebServer, inside: WebServer, tmp_path: Path) -> None:
    port = inside.base_url.rsplit(":", 1)[1]
    sitemap = '<?xml version="1.0"?><{0} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{1}</{0}>'
    children = [web_server.url("/pages.xml"), f"http://localhost:{port}/child.xml"]
    web_server.add("/sitemap.xml", Reply(200, sitemap.format("sitemapindex", "".join(f"<sitemap><loc>{c}</loc></sitemap>" for c in children)).encode()))
    pages = [web_server.url("/news/1"), f"http://localhost:{port}/secret"]
    web_server.add("/pages.xml", Reply(200, sitemap.format("urlset", "".join(f"<url><loc>{p}</loc></url>" for p in pages)).encode()))
    web_server.page("/news/1", PAGE)
    ensure_catalog(tmp_path / "warehouse")
    planned = plan_inputs([SitemapSource(kind="sitemap", name="map", url=web_server.url("/sitemap.xml"))], 10**6, tmp_path / "warehouse", FAST)
    assert [(q.uri, q.error) for q in planned.quarantined] == [(children[1], "forbidden_address")]
    assert all(r.listed_by == web_server.url("/sitemap.xml") for r in planned.items)
    fetched = fetch_inputs(planned.items, tmp_path / "warehouse", FAST)
    assert [d.url for d in fetched.items] == [pages[0]]
    assert [(q.uri, q.error) for q in fetched.quarantined] == [(pages[1], "forbidden_address")]
    assert inside.requests == []
