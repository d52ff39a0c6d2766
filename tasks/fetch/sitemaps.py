"""Sitemaps (urlset, sitemap index, gzipped, plain-text): the page URLs that are new or changed.

A sitemap index is followed recursively up to a depth limit, its children fetched concurrently
through one polite `HttpSession`; a child whose own `lastmod` is older than `since` (the last
successful run of the source) is not fetched at all. A `.xml.gz` child is gunzipped with a cap on
the decompressed size. XML is parsed with defusedxml, so entity tricks are `unsafe_xml`.

State: a page is returned when it is not in `documents` (never fetched, or its fetch failed),
or when its `lastmod` (else `news:publication_date`) differs from the lastmod it had when a run
last handled it (the `sitemap_lastmods` table, written by the write stage for pages fetched or
found unchanged). Comparing with the last fetch time instead would skip a change whose lastmod
is still earlier than that fetch, which zone-less lastmods and publishers' clocks make common.
The page is then requested conditionally (its stored ETag/Last-Modified), so a lastmod that
moved without the page changing costs one 304. A known page listed with no lastmod is not
fetched again: a sitemap that gives no dates gives no reason to. A known page with a lastmod
but none recorded (fetched before lastmods were kept) is requested once, conditionally.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as safe_etree
from defusedxml import DefusedXmlException

from config.http import HttpSettings
from config.sources import SitemapSource
from tasks.fetch.decompress import DecompressionError, SizeCapExceeded, gunzip_capped, is_gzip
from tasks.fetch.http import STAGE, HttpSession, run_async
from tasks.fetch.iso_dates import parse_iso_datetime
from tasks.fetch.known import last_fetched, last_lastmods
from tasks.fetch.plan import PlanContext, Planned
from tasks.fetch.robots import RobotsCache
from tasks.records import InputRef, QuarantineRecord, Rejected
from tasks.stage import StageStats
from tasks.urls import canonical_url, joined_url

DEFAULT_MAX_DEPTH = 3


@dataclass(frozen=True)
class SitemapEntry:
    """One `<url>` or `<sitemap>` entry: its location and last modification, if given."""

    loc: str
    lastmod: datetime | None


@dataclass
class Sitemap:
    """A parsed sitemap: `kind` is `urlset` (pages) or `index` (further sitemaps)."""

    kind: str
    entries: list[SitemapEntry] = field(default_factory=list)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].lower()


def _child_text(element: Element, name: str) -> str | None:
    for child in element:
        if _local(child.tag) == name and child.text and child.text.strip():
            return child.text.strip()
    return None


def _news_date(element: Element) -> str | None:
    for child in element:
        if _local(child.tag) == "news":
            return _child_text(child, "publication_date")
    return None


def parse_sitemap(body: bytes, base_url: str) -> Sitemap:
    """Parse a sitemap's bytes (XML urlset or index, or a plain list of URLs, one per line).

    Raises `Rejected("unsafe_xml")` for entity declarations and `Rejected("not_a_sitemap")` for
    other content.
    """
    start = body.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not start.startswith(b"<"):
        lines = body.decode("utf-8", errors="replace").splitlines()
        urls = [line.strip() for line in lines if line.strip().startswith(("http://", "https://"))]
        if not urls:
            raise Rejected("not_a_sitemap", "neither XML nor a list of URLs")
        return Sitemap("urlset", [SitemapEntry(url, None) for url in urls])
    try:
        root = safe_etree.fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise Rejected("unsafe_xml", f"{type(exc).__name__}: {exc}") from None
    except (safe_etree.ParseError, LookupError) as exc:  # LookupError: an encoding the XML declaration names that Python has not
        raise Rejected("not_a_sitemap", f"ill-formed XML: {exc}") from None
    kind = _local(root.tag)
    if kind not in {"urlset", "sitemapindex"}:
        raise Rejected("not_a_sitemap", f"root element <{kind}> is not <urlset> or <sitemapindex>")
    item = "url" if kind == "urlset" else "sitemap"
    entries = []
    for element in root:
        if _local(element.tag) != item:
            continue
        loc = _child_text(element, "loc")
        url = joined_url(base_url, loc) if loc else None  # an unparseable location is none
        if url is not None:
            lastmod = _child_text(element, "lastmod") or _news_date(element)
            entries.append(SitemapEntry(url, parse_iso_datetime(lastmod)))
    return Sitemap("urlset" if kind == "urlset" else "index", entries)


def _is_changed(lastmod: datetime | None, known: bool, seen_lastmod: datetime | None) -> bool:
    """Whether a listed page is worth requesting: unknown, or listed with a lastmod other than
    the one it had when last handled."""
    if not known:
        return True
    if lastmod is None:
        return False
    return seen_lastmod is None or lastmod != _aware(seen_lastmod)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@dataclass
class _Walk:
    source: SitemapSource
    settings: HttpSettings
    since: datetime | None
    max_depth: int
    pages: dict[str, SitemapEntry] = field(default_factory=dict)
    quarantined: list[QuarantineRecord] = field(default_factory=list)
    visited: set[str] = field(default_factory=set)
    sitemaps_read: int = 0
    bytes_in: int = 0

    def quarantine(self, uri: str, rejected: Rejected) -> None:
        self.quarantined.append(QuarantineRecord(self.source.name, uri, STAGE, rejected.error, rejected.detail))

    async def read(self, session: HttpSession, url: str) -> Sitemap:
        # an index's children are links found in fetched content, as its pages are
        response = await session.get(url, max_bytes=self.source.max_bytes, listed_by=self.source.url)
        body = response.body
        self.bytes_in += len(body)
        if is_gzip(body):  # a .xml.gz file served as such, not as a Content-Encoding
            try:
                body = gunzip_capped(body, self.settings.max_decompressed_bytes)
            except SizeCapExceeded as exc:
                raise Rejected("decompression_bomb", f"gzip sitemap decodes past {exc.cap} bytes") from None
            except DecompressionError as exc:
                raise Rejected("bad_content_encoding", str(exc)) from None
        return parse_sitemap(body, response.url)

    async def visit(self, session: HttpSession, url: str, depth: int) -> None:
        try:
            sitemap = await self.read(session, url)
        except Rejected as rejected:
            self.quarantine(url, rejected)
            return
        self.sitemaps_read += 1
        if sitemap.kind == "urlset":
            for entry in sitemap.entries:
                key = canonical_url(entry.loc)
                held = self.pages.get(key)
                if held is None or (entry.lastmod and (held.lastmod is None or entry.lastmod > held.lastmod)):
                    self.pages[key] = entry
            return
        children = []
        for entry in sitemap.entries:
            if entry.loc in self.visited:
                continue
            self.visited.add(entry.loc)
            if depth + 1 > self.max_depth:
                self.quarantine(entry.loc, Rejected("sitemap_too_deep", f"sitemap index nesting deeper than {self.max_depth}"))
            elif self.since is None or entry.lastmod is None or entry.lastmod > self.since:
                children.append(entry.loc)
        await asyncio.gather(*(self.visit(session, child, depth + 1) for child in children))

    async def run(self, robots: RobotsCache | None) -> None:
        self.visited.add(self.source.url)
        async with HttpSession(self.settings, robots) as session:
            await self.visit(session, self.source.url, 0)


def sitemap_urls(
    source: SitemapSource,
    settings: HttpSettings,
    known: Mapping[str, datetime | None],
    since: datetime | None = None,
    max_depth: int = DEFAULT_MAX_DEPTH,
    robots: RobotsCache | None = None,
) -> tuple[list[InputRef], list[QuarantineRecord], StageStats]:
    """Read a sitemap (recursively for an index) and return refs for new or changed pages.

    `known` maps the canonical URL of each stored page to the lastmod it had when a run last
    handled it (None when none was recorded); each ref carries the page's listed `lastmod`, for
    the write stage to record. `since` (aware) skips index children whose `lastmod` is older;
    `max_depth` bounds index nesting (the root is depth 0). Each sitemap that fails is one
    quarantine row (stage `fetch`). Stats count pages: in = distinct pages listed, out = refs
    returned.
    """
    started = time.perf_counter()
    effective = settings.model_copy(update={"obey_robots": settings.obey_robots and source.obey_robots})
    if since is not None and since.tzinfo is None:
        since = since.replace(tzinfo=UTC)
    walk = _Walk(source, effective, since, max_depth)
    run_async(lambda: walk.run(robots))
    refs = [
        InputRef(source=source.name, uri=entry.loc, kind="url", max_bytes=source.max_bytes, lastmod=entry.lastmod, listed_by=source.url)
        for key, entry in walk.pages.items()
        if _is_changed(entry.lastmod, key in known, known.get(key))
    ]
    stats = StageStats(
        stage=STAGE,
        docs_in=len(walk.pages),
        docs_out=len(refs),
        quarantined=Counter(q.error for q in walk.quarantined),
        bytes_in=walk.bytes_in,
        seconds=time.perf_counter() - started,
    )
    return refs, walk.quarantined, stats


def sitemap_inputs(source: SitemapSource, context: PlanContext) -> Planned:
    """The planner of `sitemap` sources: the listed pages not stored yet or whose lastmod changed."""
    lastmods = last_lastmods(context.root, source.name)
    known = {url: lastmods.get(url) for url in last_fetched(context.root, source.name)}
    refs, failed, stats = sitemap_urls(source, context.http, known, max_depth=source.max_depth, robots=context.robots)
    # pages stored before whose lastmod did not change: a run that finds only these read the sitemap
    context.counts["unchanged"] += stats.docs_in - stats.docs_out
    return [replace(r, obey_robots=source.obey_robots) for r in refs], failed
