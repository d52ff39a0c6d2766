"""Politeness across flow runs (`HttpSettings.host_limits = "prefect"`): two fetches of one host
at once, as two flow runs on two workers would do, against a real Prefect API and a real HTTP
server that counts the requests in flight."""

from __future__ import annotations

import threading

import pytest
from web_server import Reply, WebServer, web_server_fixture  # noqa: F401 - provides the `web_server` fixture

from config.http import HttpSettings
from tasks.fetch.http import fetch_urls
from tasks.records import InputRef
from tasks.stage import StageOutput

# The delay is longer than a reply takes, so starts a delay apart show the spacing held across
# sessions (one request in flight at a time alone would space them by a reply's time).
REPLY_SECONDS = 0.5
POLITE = HttpSettings(per_host_concurrency=1, per_host_delay=0.8, retries=0, read_timeout=10.0)


def _fetch_together(server: WebServer, settings: HttpSettings, pages: int) -> list[StageOutput]:
    """Two fetch sessions on their own threads (their own event loops), released at once, each
    asking the server for `pages` pages of its own."""
    for n in range(2 * pages):
        server.add(f"/p{n}", Reply(200, f"<html><body><p>page {n}</p></body></html>".encode(), {"Content-Type": "text/html"}, delay=REPLY_SECONDS))
    start = threading.Barrier(2)
    outputs: list[StageOutput] = []

    def one(first: int) -> None:
        refs = [InputRef("test", server.url(f"/p{n}"), "url") for n in range(first, first + pages)]
        start.wait()
        outputs.append(fetch_urls(refs, {}, settings))

    threads = [threading.Thread(target=one, args=(i * pages,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert len(outputs) == 2
    return outputs


def test_without_shared_limits_two_fetches_add_up(web_server: WebServer):
    """The in-process limit alone: each session keeps its own pace, the host sees both."""
    _fetch_together(web_server, POLITE, pages=3)
    assert web_server.max_in_flight == 2


@pytest.mark.usefixtures("prefect_harness")
def test_shared_limits_hold_across_fetches(web_server: WebServer):
    from prefect.client.orchestration import get_client

    from tasks.fetch.host_leases import limit_name

    settings = POLITE.model_copy(update={"host_limits": "prefect"})
    outputs = _fetch_together(web_server, settings, pages=3)

    assert all(len(out.items) == 3 and not out.quarantined for out in outputs)
    assert web_server.max_in_flight == 1
    pages = sorted(r.at for r in web_server.requests if r.path.startswith("/p"))
    assert len(pages) == 6
    # the delay holds across the sessions too (the clock is the server's: slack for the time
    # between the client's start and the server's read of the request line on a loaded machine)
    gaps = [b - a for a, b in zip(pages, pages[1:])]
    assert min(gaps) >= POLITE.per_host_delay - 0.2 > REPLY_SECONDS, gaps
    assert sum(out.stats.counts["host_leases"] for out in outputs) >= 2
    with get_client(sync_client=True) as client:
        limit = client.read_global_concurrency_limit_by_name(limit_name("127.0.0.1"))
    assert (limit.limit, limit.active_slots) == (1, 0)  # created with one slot, and given back


def test_limit_names_are_valid_prefect_names():
    from tasks.fetch.host_leases import limit_name

    assert limit_name("News.Example.ORG") == "host:news.example.org"
    assert limit_name("fe80::1%eth0") == "host:fe80::1_eth0"


def test_without_the_prefect_api_a_page_is_quarantined_not_fetched():
    """No lease, no request: the page is one quarantine row with the reason, and a rerun
    fetches it. (A host of its own: Prefect's client keeps, per limit name, the API it first used.)"""
    from prefect.settings import PREFECT_API_URL, PREFECT_CLIENT_MAX_RETRIES, temporary_settings

    from prefect_server import free_port

    settings = POLITE.model_copy(update={"host_limits": "prefect", "obey_robots": False})
    with WebServer("127.0.0.2") as web, temporary_settings({PREFECT_API_URL: f"http://127.0.0.1:{free_port()}/api", PREFECT_CLIENT_MAX_RETRIES: 0}):
        web.add("/story", Reply(200, b"<html><body><p>story</p></body></html>", {"Content-Type": "text/html"}))
        out = fetch_urls([InputRef("test", web.url("/story"), "url")], {}, settings)
        assert out.items == [] and [q.error for q in out.quarantined] == ["host_lease_unavailable"]
        assert "host:127.0.0.2" in out.quarantined[0].detail
        assert web.requests == []
