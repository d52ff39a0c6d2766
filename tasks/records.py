"""The records that flow between ingest stages, one dataclass per stage boundary.

Each stage takes a list of one kind and returns a list of the next, plus the inputs it could
not handle as `QuarantineRecord`s. Records are plain dataclasses so they pickle across a
process pool and know nothing of Prefect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

Format = Literal["html", "text", "markdown"]


@dataclass(frozen=True)
class InputRef:
    """One input to fetch: a file path, a URL, a record inside a WARC file, or a remote WARC file.

    `listed_by` is, for a URL found in fetched content (a feed item, a sitemap entry), the feed
    or sitemap URL the user named; None when the user named `uri` itself. It decides which
    addresses the fetch may reach (`tasks.fetch.addresses`).
    """

    source: str
    uri: str
    kind: Literal["file", "url", "warc_record", "archive"] = "file"  # archive: a remote WARC or WET file, streamed
    format_hint: Format | None = None
    max_bytes: int | None = None
    obey_robots: bool = True
    lastmod: datetime | None = None  # the `lastmod` the sitemap listing this URL gave it
    listed_by: str | None = None


@dataclass
class FetchedDocument:
    """Raw bytes of one input version, with where and how they were obtained."""

    source: str
    uri: str
    doc_id: str
    body: bytes
    content_sha256: str
    fetched_at: datetime
    format: Format
    url: str | None = None
    content_type: str | None = None
    declared_charset: str | None = None
    http_status: int | None = None
    etag: str | None = None
    last_modified: str | None = None


@dataclass
class DecodedDocument:
    """A fetched document as Unicode text (charset found, mojibake repaired, NFC)."""

    doc: FetchedDocument
    text: str
    encoding: str
    repaired: bool


@dataclass
class PageMetadata:
    """Metadata candidates as found in a page, before normalization (strings as written)."""

    title: str | None = None
    authors: list[str] = field(default_factory=list)
    date: str | None = None
    url: str | None = None
    site: str | None = None
    categories: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    image: str | None = None
    description: str | None = None
    language: str | None = None


@dataclass
class ExtractedDocument:
    """Main text of a document with the metadata found alongside it."""

    decoded: DecodedDocument
    text: str
    metadata: PageMetadata
    extractor: str


@dataclass
class ArticleRecord:
    """One article version as stored in the `articles` table."""

    article_id: str
    doc_id: str
    content_sha256: str
    source: str
    uri: str
    url: str | None
    site: str | None
    title: str | None
    authors: list[str]
    published_at: datetime | None
    # how precisely the page stated it: "day" (a date alone, or a midnight), "minute", "second"
    published_at_precision: str | None
    fetched_at: datetime
    categories: list[str]
    tags: list[str]
    image_url: str | None
    description: str | None
    text: str
    word_count: int
    format: str
    encoding: str
    encoding_repaired: bool
    extractor: str


@dataclass
class QuarantineRecord:
    """An input that could not become an article, and why."""

    source: str
    uri: str
    stage: str
    error: str
    detail: str
    content_sha256: str | None = None


class Rejected(Exception):
    """Raised by a per-document stage function for input it cannot handle.

    `error` is a short stable reason code (it is counted and grouped by); `detail` is for people.
    """

    def __init__(self, error: str, detail: str = "") -> None:
        super().__init__(error, detail)
        self.error = error
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.error}: {self.detail}" if self.detail else self.error
