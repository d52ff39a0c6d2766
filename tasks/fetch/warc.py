"""WARC files (`.warc`, `.warc.gz`) as a source: their `response` and `resource` records become
documents, with no network at all.

A record is a page when its HTTP status is 200 (resource records have none) and its media type
is a page type; it keeps the target URI, the WARC-Date as `fetched_at`, and the HTTP headers'
charset, ETag and Last-Modified. Records of other types (request, metadata, warcinfo, revisit)
describe a crawl rather than hold a document and are passed over; responses that are not pages
(redirects, errors, images, robots.txt, truncated captures) are quarantined with the reason.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.recordloader import ArcWarcRecord

from config.sources import WarcSource
from tasks.fetch.http import STAGE
from tasks.fetch.iso_dates import parse_iso_datetime
from tasks.fetch.media_types import check_page_media_type, page_format, parse_content_type
from tasks.fetch.plan import PlanContext, Planned
from tasks.identity import doc_id_for_url, path_text, sha256_hex
from tasks.records import FetchedDocument, InputRef, QuarantineRecord, Rejected

DOCUMENT_RECORD_TYPES = frozenset({"response", "resource"})
DEFAULT_MAX_RECORD_BYTES = 20 * 1024 * 1024
OFFSET_MARK = "@offset="


def _record_uri(path: Path, record: ArcWarcRecord) -> str:
    """`path#record-id`: names the record for people and quarantine rows."""
    headers = record.rec_headers
    name = (headers.get_header("WARC-Record-ID") or "").strip("<>") or headers.get_header("WARC-Target-URI") or "record"
    return f"{path_text(path)}#{name}"


def _page_from_record(record: ArcWarcRecord, path: Path, source: str, max_bytes: int) -> FetchedDocument:
    headers = record.rec_headers
    target = headers.get_header("WARC-Target-URI")
    if not target:
        raise Rejected("missing_target_uri", "record has no WARC-Target-URI")
    if headers.get_header("WARC-Truncated"):
        raise Rejected("truncated", f"capture truncated ({headers.get_header('WARC-Truncated')})")
    http = record.http_headers
    status: int | None = None
    if http is not None and record.rec_type == "response":
        status = int(http.get_statuscode() or 0)
        if status != 200:
            raise Rejected(f"http_{status}", f"captured HTTP {status}")
        content_type = http.get_header("Content-Type")
    else:
        content_type = headers.get_header("Content-Type")
    if urlsplit(target).path == "/robots.txt":
        raise Rejected("robots_txt", "a crawler's robots.txt, not a page")
    media_type, charset = parse_content_type(content_type)
    check_page_media_type(media_type)
    # content_stream() undoes chunking and Content-Encoding; read one byte past the cap to see it
    body = record.content_stream().read(max_bytes + 1)
    if len(body) > max_bytes:
        raise Rejected("too_large", f"record body exceeds {max_bytes} bytes")
    if not body:
        raise Rejected("empty_body", "the record has an empty body")
    fetched_at = parse_iso_datetime(headers.get_header("WARC-Date")) or datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return FetchedDocument(
        source=source,
        uri=_record_uri(path, record),
        doc_id=doc_id_for_url(target),
        body=body,
        content_sha256=sha256_hex(body),
        fetched_at=fetched_at,
        format=page_format(media_type, body, target),
        url=target,
        content_type=media_type,
        declared_charset=charset,
        http_status=status,
        etag=http.get_header("ETag") if http is not None else None,
        last_modified=http.get_header("Last-Modified") if http is not None else None,
    )


def _starts_like_warc(stream: BinaryIO) -> bool:
    """Whether a file opens with `WARC/`, plain or in a gzip member (warcio alone would read
    other text as lenient ARC records). Leaves the stream at its start."""
    head = stream.read(4096)
    stream.seek(0)
    if head.startswith(b"\x1f\x8b"):
        head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
    return head.lstrip(b"\r\n").startswith(b"WARC/")


def read_warc(path: Path, source: str, max_bytes: int = DEFAULT_MAX_RECORD_BYTES) -> Iterator[FetchedDocument | QuarantineRecord]:
    """Documents and quarantine rows from one WARC file, record by record, without network.

    `max_bytes` caps one record's decoded body (pass the source's or the settings' per-document
    limit); reading stops one byte past it, so a compressed bomb in a record is not expanded. A file that is not a readable WARC, or that
    breaks off midway, ends with one quarantine row `warc_unreadable` after what could be read.
    """
    try:
        with path.open("rb") as stream:
            if not _starts_like_warc(stream):
                raise ValueError("the file does not start with a WARC record")
            for record in ArchiveIterator(stream):
                if record.rec_type not in DOCUMENT_RECORD_TYPES:
                    continue
                try:
                    yield _page_from_record(record, path, source, max_bytes)
                except Rejected as rejected:
                    target = record.rec_headers.get_header("WARC-Target-URI")
                    detail = f"{target}: {rejected.detail}" if target else rejected.detail
                    yield QuarantineRecord(source, _record_uri(path, record), STAGE, rejected.error, detail)
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as exc:
        yield QuarantineRecord(source, path_text(path), STAGE, "warc_unreadable", f"{type(exc).__name__}: {exc}")


def warc_record_refs(path: Path, source: str, max_bytes: int) -> tuple[list[InputRef], list[QuarantineRecord]]:
    """One input per document record of a WARC file, located by its byte offset.

    Only offsets are kept, so a WARC of any size is planned in little memory and its records
    are read batch by batch by `read_warc_record`. An unreadable file is one quarantine row.
    """
    refs: list[InputRef] = []
    try:
        with path.open("rb") as stream:
            if not _starts_like_warc(stream):
                raise ValueError("the file does not start with a WARC record")
            records = ArchiveIterator(stream)
            for record in records:
                if record.rec_type in DOCUMENT_RECORD_TYPES:
                    refs.append(InputRef(source, f"{path}{OFFSET_MARK}{records.get_record_offset()}", "warc_record", None, max_bytes))
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, zlib.error) as exc:
        return refs, [QuarantineRecord(source, path_text(path), STAGE, "warc_unreadable", f"{type(exc).__name__}: {exc}")]
    return refs, []


def read_warc_record(ref: InputRef) -> FetchedDocument:
    """The document in the WARC record an input from `warc_record_refs` points at."""
    location, _, offset = ref.uri.rpartition(OFFSET_MARK)
    path = Path(location)
    try:
        with path.open("rb") as stream:
            stream.seek(int(offset))
            record = next(iter(ArchiveIterator(stream)))
            return _page_from_record(record, path, ref.source, ref.max_bytes or DEFAULT_MAX_RECORD_BYTES)
    except (ArchiveLoadFailed, OSError, EOFError, ValueError, StopIteration, zlib.error) as exc:
        raise Rejected("warc_unreadable", f"record at offset {offset}: {type(exc).__name__}: {exc}") from None


def warc_inputs(source: WarcSource, context: PlanContext) -> Planned:
    """The planner of `warc` sources: one input per document record."""
    return warc_record_refs(source.path, source.name, source.max_bytes or context.default_max_bytes)
