"""What a URI given on the command line is: a local file, folder or WARC file, or a web page,
feed or sitemap.

`guess_uri_kind` decides from the name alone (no I/O for URLs); when a URL's name does not tell
(`/data.xml`, `/items.json`), it answers `ambiguous` and `peek_web_kind` fetches the URL and
decides from the content type and the root element.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from typing import TYPE_CHECKING

from tasks.fetch.media_types import PAGE_FORMATS

if TYPE_CHECKING:
    from config.http import HttpSettings
    from tasks.fetch.robots import RobotsCache

KINDS = ("file", "folder", "warc", "warc_paths", "url", "feed", "sitemap")
AMBIGUOUS = "ambiguous"

# WET files are `.warc.wet.gz` at Common Crawl; `.warc.gz` may hold either kind
_WARC_SUFFIXES = (".warc", ".warc.gz", ".wet", ".wet.gz")
_WAT_SUFFIXES = (".wat", ".wat.gz")
# Common Crawl's listings of a crawl's files: `warc.paths.gz`, `wet.paths.gz`
_PATHS_SUFFIXES = (".paths", ".paths.gz")
_SITEMAP_SUFFIXES = (".xml", ".xml.gz", ".txt", ".txt.gz")
_FEED_SUFFIXES = (".rss", ".atom", ".rdf", ".jsonfeed")
_FEED_NAMES = frozenset({"feed", "feeds", "rss", "atom", "rss2", "rss.xml", "atom.xml", "feed.xml", "feed.json", "rss.json", "index.rss"})
_FEED_QUERY = re.compile(r"^(rss|rss2|atom|rdf|json)$", re.IGNORECASE)
_FEED_MEDIA_TYPES = frozenset({"application/rss+xml", "application/atom+xml", "application/rdf+xml", "application/feed+json"})
_ROOT_ELEMENT = re.compile(rb"<([A-Za-z_][\w.:-]*)")
_PROLOG = re.compile(rb"\s*(<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^>]*>)\s*", re.DOTALL | re.IGNORECASE)


def _is_sitemap_path(segments: list[str]) -> bool:
    """`sitemap.xml`, `post-sitemap.xml`, `sitemap_index.xml.gz`, `/sitemaps/2024.xml`, `/sitemap`."""
    last = segments[-1] if segments else ""
    if "sitemap" in last and (last == "sitemap" or last.endswith(_SITEMAP_SUFFIXES)):
        return True
    if any("sitemap" in s for s in segments[:-1]) and last.endswith(_SITEMAP_SUFFIXES):
        return True
    return last.endswith(".xml.gz")  # feeds are not served as gzip files; sitemaps often are


def is_wat_name(uri: str) -> bool:
    """Whether a path or URL names a WAT file (`.warc.wat.gz`): crawl metadata, no text."""
    return urlsplit(uri).path.lower().endswith(_WAT_SUFFIXES)


def _starts_with_warc_record(path: Path) -> bool:
    """Whether a local file opens with a WARC record, whatever its name."""
    try:
        from tasks.fetch.warc import opens_like_warc  # the WARC reader imports the HTTP client

        with path.open("rb") as stream:
            return opens_like_warc(stream.read(4096))
    except OSError:
        return False


def guess_uri_kind(uri: str) -> str:
    """`file`, `folder`, `warc` (a WARC or WET file, by its name or its first bytes) or
    `warc_paths` (a Common Crawl path listing) for a local path; `warc`, `warc_paths`, `feed`,
    `sitemap` or `url` (a page) for a web URL whose name says so; `ambiguous` for a web URL that
    must be peeked at."""
    parts = urlsplit(uri)
    if parts.path.lower().endswith(_PATHS_SUFFIXES):
        return "warc_paths"
    if parts.scheme.lower() not in {"http", "https"}:
        path = Path(parts.path if parts.scheme.lower() == "file" else uri).expanduser()
        if path.is_dir():
            return "folder"
        return "warc" if path.name.lower().endswith(_WARC_SUFFIXES) or _starts_with_warc_record(path) else "file"
    segments = [s for s in parts.path.lower().split("/") if s]
    last = segments[-1] if segments else ""
    if last.endswith(_WARC_SUFFIXES):
        return "warc"
    query = parse_qsl(parts.query.lower(), keep_blank_values=True)
    if _is_sitemap_path(segments):
        return "sitemap"
    if last in _FEED_NAMES or last.endswith(_FEED_SUFFIXES) or (len(segments) > 1 and segments[-2] == "feed" and last in {"rss", "rss2", "atom", "rdf", "json"}):
        return "feed"
    if any(key in {"feed", "format", "type"} and _FEED_QUERY.match(value) for key, value in query):
        return "feed"
    if last.endswith((".xml", ".json", ".gz")):
        return AMBIGUOUS
    return "url"


def kind_of_content(media_type: str | None, body: bytes) -> str:
    """`feed`, `sitemap` or `url` for fetched content, from its media type and root element."""
    if media_type in _FEED_MEDIA_TYPES:
        return "feed"
    if media_type in PAGE_FORMATS and media_type != "text/plain":
        return "url"
    head = body[:64 * 1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"{"):
        try:
            version = json.loads(body).get("version", "")
        except (ValueError, AttributeError):
            return "url"
        return "feed" if "jsonfeed.org" in str(version) else "url"
    position = 0
    while match := _PROLOG.match(head, position):
        position = match.end()
    root = _ROOT_ELEMENT.match(head, position)
    if root is None:
        return "url"
    name = root.group(1).decode("ascii", errors="replace").rsplit(":", 1)[-1].lower()
    if name in {"rss", "feed", "rdf", "channel"}:
        return "feed"
    if name in {"urlset", "sitemapindex"}:
        return "sitemap"
    return "url"


async def _peek(url: str, settings: HttpSettings, robots: RobotsCache | None) -> str:
    # imported here: the command line guesses kinds by name before the HTTP client is loaded
    from tasks.fetch.decompress import DecompressionError, SizeCapExceeded, gunzip_capped, is_gzip
    from tasks.fetch.http import HttpSession

    async with HttpSession(settings, robots) as session:
        response = await session.get(url)
    body = response.body
    if is_gzip(body):
        try:
            body = gunzip_capped(body, settings.max_decompressed_bytes)
        except (SizeCapExceeded, DecompressionError):
            return "url"
    return kind_of_content(response.media_type, body)


def peek_web_kind(url: str, settings: HttpSettings, robots: RobotsCache | None = None) -> str:
    """Fetch `url` (politely, obeying robots.txt) and say whether it is a `feed`, a `sitemap` or
    a page (`url`). A URL that cannot be fetched is called a page, so that the fetch stage
    records the failure with its reason."""
    from tasks.fetch.http import run_async
    from tasks.records import Rejected

    try:
        return run_async(lambda: _peek(url, settings, robots))
    except Rejected:
        return "url"
