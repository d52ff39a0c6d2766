"""Feeds (RSS 0.9x/1.0/2.0, Atom, JSON Feed): the entries whose pages are new or changed.

XML feeds are first parsed with defusedxml, which refuses entity declarations and external
references, so a billion-laughs or XXE feed is quarantined as `unsafe_xml` and never reaches
feedparser; feedparser then does the forgiving parse (dates in any format, relative links,
ill-formed markup). JSON Feed, which feedparser does not read, is parsed here.

State: what is "new or changed" is decided against the `documents` table. The flow passes
`known_entries` mapping the canonical URL of each page already stored to the time it was last
fetched; an entry is returned when its link is not known, or when its updated (else published)
date is later than that fetch. An entry without any date is returned only while unknown. A feed
entry whose fetch failed is not in `documents`, so it is tried again on the next run while it
stays in the feed.

The feed URL itself is requested conditionally: its last full answer (ETag, Last-Modified and
body) is kept in the `feed_state` table, and a 304 costs one request and no download. The
entries are then selected from the stored body exactly as from a fresh one, so an entry whose
page failed to fetch last time is still retried.
"""

from __future__ import annotations

import calendar
import json
import re
import time
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import NamedTuple
from xml.etree.ElementTree import Element

import defusedxml.ElementTree as safe_etree
import feedparser
import pyarrow as pa
from defusedxml import DefusedXmlException

from config.http import HttpSettings
from config.sources import FeedSource
from tasks.fetch.http import STAGE, HttpSession, run_async
from tasks.fetch.iso_dates import parse_iso_datetime
from tasks.fetch.known import last_feed_answer, last_fetched
from tasks.fetch.plan import PlanContext, Planned
from tasks.fetch.robots import RobotsCache
from tasks.identity import sha256_hex, url_text
from tasks.records import InputRef, QuarantineRecord, Rejected
from tasks.stage import StageStats
from tasks.urls import canonical_url, joined_url
from warehouse.known import KnownVersion, StoredFeed
from warehouse.schemas import FEED_STATE
from warehouse.writer import append_new_rows
from warehouse.storage import WarehouseRoot

_ENTITY_DECLARATION = re.compile(rb"<!ENTITY", re.IGNORECASE)
_SCHEME_SLASHES = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)/+")


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed: the page it links to and when it last changed, if the feed says."""

    link: str
    entry_id: str | None
    updated: datetime | None


def _looks_like_json(body: bytes, media_type: str | None) -> bool:
    return (media_type or "").endswith("json") or body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{")


def check_xml_safety(body: bytes) -> Element | None:
    """Reject XML with entity declarations or external references (billion laughs, XXE); the
    parsed root of well-formed XML, None for ill-formed XML that is safe to hand to feedparser."""
    try:
        return safe_etree.fromstring(body, forbid_dtd=False, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise Rejected("unsafe_xml", f"{type(exc).__name__}: {exc}") from None
    except (safe_etree.ParseError, LookupError):  # LookupError: the XML declaration names an unknown encoding
        # ill-formed XML goes to feedparser's lenient parser; it must not carry declarations either
        if _ENTITY_DECLARATION.search(body):
            raise Rejected("unsafe_xml", "ill-formed XML with an entity declaration") from None
        return None


def _links_as_written(root: Element | None) -> dict[str, str]:
    """Links of a feed as it wrote them, keyed by feedparser's spelling where the two differ.

    feedparser drops the slashes after `scheme://` (`file:///etc/passwd` reads as
    `file://etc/passwd`); a link must reach its quarantine row as the feed wrote it.
    """
    written: dict[str, str] = {}
    for element in root.iter() if root is not None else ():
        for value in (element.text, element.get("href")):
            value = (value or "").strip()
            if (spelled := _SCHEME_SLASHES.sub(r"\1", value)) != value:
                written[spelled] = value
    return written


def _struct_time_to_datetime(value: time.struct_time | None) -> datetime | None:
    """A parsed feed date as a datetime; None without one, or for one no datetime holds (feedparser
    moves `0001-01-01T00:00:00+01:00` to UTC, the year 0)."""
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC) if value else None
    except (ValueError, OverflowError, OSError):
        return None


def _parse_json_feed(body: bytes, base_url: str) -> list[FeedEntry]:
    try:
        feed = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise Rejected("not_a_feed", f"invalid JSON: {exc}") from None
    if not isinstance(feed, dict) or "jsonfeed.org" not in str(feed.get("version", "")) or not isinstance(feed.get("items"), list):
        raise Rejected("not_a_feed", "JSON without a JSON Feed version and items")
    entries: list[FeedEntry] = []
    for item in feed["items"]:
        if not isinstance(item, dict):
            continue
        entry_id = str(item["id"]) if item.get("id") is not None else None
        link = item.get("url") or item.get("external_url") or (entry_id if entry_id and entry_id.startswith(("http://", "https://")) else None)
        if not isinstance(link, str) or not link.strip():
            continue
        updated = parse_iso_datetime(item.get("date_modified")) or parse_iso_datetime(item.get("date_published"))
        if (url := joined_url(base_url, url_text(link.strip()))) is not None:  # an unparseable link is no link
            entries.append(FeedEntry(url, entry_id, updated))
    return entries


def _parse_xml_feed(body: bytes, base_url: str, content_type: str | None) -> list[FeedEntry]:
    written = _links_as_written(check_xml_safety(body))
    headers = {"content-location": base_url}
    if content_type:
        headers["content-type"] = content_type
    try:
        parsed = feedparser.parse(body, response_headers=headers, sanitize_html=False, resolve_relative_uris=False)
    except ValueError as exc:  # feedparser decodes an XML declaration's bytes as UTF-8 unchecked
        raise Rejected("not_a_feed", f"unreadable feed: {type(exc).__name__}: {exc}") from None
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        raise Rejected("not_a_feed", f"not RSS, Atom or JSON Feed{f': {problem}' if problem else ''}")
    entries: list[FeedEntry] = []
    for item in parsed.entries:
        entry_id = item.get("id") or None
        link = item.get("link") or (entry_id if entry_id and entry_id.startswith(("http://", "https://")) else None)
        if not link:
            continue
        link = written.get(link, link)
        # dict.get: FeedParserDict.get("updated_parsed") falls back to published with a warning
        updated = _struct_time_to_datetime(dict.get(item, "updated_parsed")) or _struct_time_to_datetime(dict.get(item, "published_parsed"))
        if (url := joined_url(base_url, link.strip())) is not None:  # an unparseable link is no link
            entries.append(FeedEntry(url, entry_id, updated))
    return entries


def parse_feed(body: bytes, base_url: str, content_type: str | None = None) -> list[FeedEntry]:
    """Entries of an RSS, Atom or JSON feed, links made absolute against `base_url`.

    Raises `Rejected("unsafe_xml")` for XML with entity declarations and `Rejected("not_a_feed")`
    for anything that is no feed. Entries without a link, or with one that is no URL, are left out.
    """
    media_type = (content_type or "").split(";")[0].strip().lower() or None
    if _looks_like_json(body, media_type):
        return _parse_json_feed(body, base_url)
    return _parse_xml_feed(body, base_url, content_type)


def select_new_entries(entries: list[FeedEntry], known_entries: Mapping[str, datetime]) -> list[FeedEntry]:
    """Entries whose page is not known, or changed after it was last fetched; one per page."""
    latest: dict[str, FeedEntry] = {}
    for entry in entries:
        key = canonical_url(entry.link)
        held = latest.get(key)
        if held is None or (entry.updated and (held.updated is None or entry.updated > held.updated)):
            latest[key] = entry
    chosen: list[FeedEntry] = []
    for key, entry in latest.items():
        seen_at = known_entries.get(key)
        if seen_at is None or (entry.updated is not None and entry.updated > _aware(seen_at)):
            chosen.append(entry)
    return chosen


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


class FeedRead(NamedTuple):
    """What reading a feed gave: refs for its new or changed entries, the quarantine row of a
    feed that failed, stats, and the feed's answer when it came in full (to keep for next time)."""

    refs: list[InputRef]
    quarantined: list[QuarantineRecord]
    stats: StageStats
    answer: StoredFeed | None


async def _read_feed(source: FeedSource, settings: HttpSettings, robots: RobotsCache | None, previous: StoredFeed | None) -> tuple[StoredFeed, bool]:
    """The feed's answer, and whether it came in full (False: a 304 to the validators of `previous`)."""
    known: dict[str, KnownVersion] = {}
    if previous is not None:
        version = KnownVersion(etag=previous.etag, last_modified=previous.last_modified)
        known = {canonical_url(source.url): version, canonical_url(previous.final_url): version}
    async with HttpSession(settings, robots) as session:
        response = await session.get(source.url, known=known, max_bytes=source.max_bytes)
    if response.status == 304 and previous is not None:
        return previous, False
    if response.status == 304 or not response.body:
        raise Rejected("empty_body", f"HTTP {response.status} without a feed body")
    answer = StoredFeed(
        final_url=response.url,
        etag=response.headers.get("etag"),
        last_modified=response.headers.get("last-modified"),
        content_type=response.headers.get("content-type"),
        body=response.body,
    )
    return answer, True


def feed_entries(
    source: FeedSource,
    settings: HttpSettings,
    known_entries: Mapping[str, datetime],
    robots: RobotsCache | None = None,
    previous: StoredFeed | None = None,
) -> FeedRead:
    """Fetch a feed and return `InputRef(kind="url")`s for its new or changed entries.

    `known_entries` maps canonical page URLs to when they were last fetched (from `documents`).
    `previous` is the feed's last full answer: the request carries its validators, and on a 304
    its body is read instead. A feed that cannot be fetched or parsed is one quarantine row
    (stage `fetch`). Stats count entries: in = entries in the feed, out = refs returned; the
    rest were unchanged; `counts["not_modified"]` is 1 for a 304. `settings.obey_robots` is
    combined with the source's `obey_robots`.
    """
    started = time.perf_counter()
    stats = StageStats(stage=STAGE)
    effective = settings.model_copy(update={"obey_robots": settings.obey_robots and source.obey_robots})
    try:
        answer, fresh = run_async(lambda: _read_feed(source, effective, robots, previous))
        if fresh:
            stats.bytes_in = len(answer.body)
        else:
            stats.counts = Counter(not_modified=1)
        entries = parse_feed(answer.body, answer.final_url, answer.content_type)
    except Rejected as rejected:
        stats.quarantined = Counter({rejected.error: 1})
        stats.seconds = time.perf_counter() - started
        return FeedRead([], [QuarantineRecord(source.name, source.url, STAGE, rejected.error, rejected.detail)], stats, None)
    chosen = select_new_entries(entries, known_entries)
    refs = [InputRef(source=source.name, uri=entry.link, kind="url", max_bytes=source.max_bytes, listed_by=source.url) for entry in chosen]
    stats.docs_in = len(entries)
    stats.docs_out = len(refs)
    stats.seconds = time.perf_counter() - started
    return FeedRead(refs, [], stats, answer if fresh else None)


def _worth_keeping(answer: StoredFeed | None, previous: StoredFeed | None) -> bool:
    """Whether a feed's answer is worth storing for next time. A feed served without validators
    can never answer 304; one whose body is the stored body again came in full although its
    stored validators were sent (a server that makes up a new ETag or Last-Modified on every
    answer): storing either would add a copy of the feed every run for nothing."""
    if answer is None or not (answer.etag or answer.last_modified):
        return False
    return previous is None or previous.body != answer.body


def _keep_answer(root: WarehouseRoot, source: FeedSource, answer: StoredFeed) -> None:
    """Store a feed's full answer in `feed_state` (an answer identical to a stored one adds nothing)."""
    row = {
        "source": source.name,
        "url": source.url,
        "final_url": answer.final_url,
        "etag": answer.etag,
        "last_modified": answer.last_modified,
        "content_type": answer.content_type,
        "content_sha256": sha256_hex(answer.body),
        "body": answer.body,
        "fetched_at": datetime.now(UTC),
    }
    append_new_rows(root, FEED_STATE, pa.Table.from_pylist([row], FEED_STATE.schema))


def feed_inputs(source: FeedSource, context: PlanContext) -> Planned:
    """The planner of `feed` sources: the feed's entries not fetched since they last changed,
    the feed itself requested conditionally against its last full answer."""
    previous = last_feed_answer(context.root, source.name, source.url)
    read = feed_entries(source, context.http, last_fetched(context.root, source.name), context.robots, previous)
    # entries fetched before and not changed since: a run that finds only these read the feed
    context.counts["unchanged"] += read.stats.docs_in - read.stats.docs_out
    if _worth_keeping(read.answer, previous):
        # kept at once: a run that dies later loses nothing, since entries are chosen against
        # `documents` from the stored body as from a fresh one
        _keep_answer(context.root, source, read.answer)
    return [replace(r, obey_robots=source.obey_robots) for r in read.refs], read.quarantined
