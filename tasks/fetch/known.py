"""What the warehouse already holds of web sources, keyed by canonical URL: the latest stored
version of each URL (for conditional requests), when each page of a source was last fetched
(for feeds and sitemaps), the lastmod a sitemap gave each page then, and a feed's last full
answer."""

from __future__ import annotations

from datetime import datetime

from tasks.urls import canonical_url
from warehouse.known import KnownVersion, StoredFeed, fetch_times, latest_feed, latest_web_versions, seen_lastmods
from warehouse.storage import WarehouseRoot


def known_versions(root: WarehouseRoot, urls: list[str]) -> dict[str, KnownVersion]:
    """Latest stored version of each of `urls`, keyed by canonical requested and final URL."""
    # stored URIs are as requested and URLs as finally fetched: match either spelling
    keys = set(urls) | {canonical_url(u) for u in urls}
    known: dict[str, KnownVersion] = {}
    for uri, url, version in latest_web_versions(root, list(keys)):
        for key in (uri, url):
            known[canonical_url(key)] = version
    return known


def last_fetched(root: WarehouseRoot, source: str) -> dict[str, datetime]:
    """When each page of `source` was last fetched, keyed by canonical URL."""
    seen: dict[str, datetime] = {}
    for uri, url, at in fetch_times(root, source):
        for key in (canonical_url(uri), canonical_url(url)):
            seen[key] = max(at, seen.get(key, at))
    return seen


def last_lastmods(root: WarehouseRoot, source: str) -> dict[str, datetime]:
    """The lastmod each page of sitemap source `source` had when a run last handled it, keyed
    by canonical URL."""
    return dict(seen_lastmods(root, source))


def last_feed_answer(root: WarehouseRoot, source: str, url: str) -> StoredFeed | None:
    """The last full answer of feed `url` of `source`, or None."""
    return latest_feed(root, source, url)
