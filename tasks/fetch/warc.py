"""WARC files (`.warc`, `.warc.gz`) as a source: their `response` and `resource` records become
documents, with no network at all.

A record is a page when its HTTP status is 200 (resource records have none) and its media type
is a page type; it keeps the target URI, the WARC-Date as `fetched_at`, and the HTTP headers'
charset, ETag and Last-Modified. Records of other types (request, metadata, warcinfo, revisit)
describe a crawl rather than hold a document and are passed over; responses that are not pages
(redirects, errors, images, robots.txt, truncated captures) are quarantined with the reason.

A file cut short (a crawl killed mid-write, a partial download) ends in a record that has fewer
bytes than its Content-Length, or in a `.warc.gz` a gzip member without its end, or a header
block that never ends: that record is one quarantine row `warc_truncated`, never a document
made of its first part, and the records before it are read as usual.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.limitreader import LimitReader
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeadersParserException

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
# warcio fails in many ways on a damaged file (an AttributeError for a header block cut short)
_UNREADABLE = (ArchiveLoadFailed, OSError, EOFError, ValueError, AttributeError, StatusAndHeadersParserException, zlib.error)
# Longest WARC and HTTP header block looked for at the end of a file that breaks off
_MAX_HEADER_BYTES = 1024 * 1024
_CONTENT_LENGTH = re.compile(rb"^content-length:[ \t]*(\d+)[ \t]*\r?$", re.IGNORECASE | re.MULTILINE)


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


def check_complete(records: ArchiveIterator, record: ArcWarcRecord) -> None:
    """Reject the record `records` last gave when the file cuts it short: its block has fewer
    bytes than its Content-Length, or its gzip member (in a `.warc.gz`) has no end. Reads the
    rest of the record, as the iterator would before the next one."""
    records.read_to_end()
    block = record.raw_stream
    if isinstance(block, LimitReader) and block.limit > 0:
        raise Rejected("warc_truncated", f"the file ends {block.limit} bytes before the end of the record ({block.tell()} of {record.length} bytes)")
    member = records.reader.decompressor
    if member is not None and not member.eof:
        raise Rejected("warc_truncated", "the file ends inside the record's gzip member")


def _starts_cut_record(path: Path, offset: int) -> bool:
    """Whether the bytes from `offset`, where warcio found no whole record, start a record that
    the end of the file cuts off: a header block that never ends, or a gzip member that does not
    end (warcio passes over such a member without a word)."""
    with path.open("rb") as stream:
        stream.seek(offset)
        tail = stream.read(_MAX_HEADER_BYTES)
    if tail.startswith(b"\x1f\x8b") or tail == b"\x1f":  # a member cut after its first byte too
        member = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            head = member.decompress(tail, _MAX_HEADER_BYTES)
        except zlib.error:
            return False
        return _opens_a_record(head) and not member.eof
    return _opens_a_record(tail) and _block_cut(tail, path.stat().st_size - offset)


def _block_cut(record: bytes, remaining: int) -> bool:
    """Whether a plain record that starts `record` (its first bytes, `remaining` to the end of the
    file) is cut: its header block never ends, or fewer bytes than its Content-Length follow it."""
    head, end, _ = record.partition(b"\r\n\r\n")
    if not end:
        return True
    length = _CONTENT_LENGTH.search(head)  # without one the record is damaged, not cut
    return length is not None and remaining - len(head) - len(end) < int(length.group(1))


def _opens_a_record(data: bytes) -> bool:
    """Whether `data` is, or starts with, the `WARC/` that opens a record (a few bytes of it,
    when that is all the file still holds)."""
    start = data.lstrip(b"\r\n")
    return start.startswith(b"WARC/") or b"WARC/".startswith(start)


def _cut_header_block(records: ArchiveIterator, record: ArcWarcRecord, path: Path) -> int | None:
    """The offset of `record` when it is a header block the end of the file cut (warcio gives it
    as a record without a type, or without the Content-Length a WARC record must have), else None."""
    if record.rec_type is not None and (record.rec_headers.get_header("Content-Length") or "").strip().isdigit():
        return None
    offset = records.get_record_offset()
    return offset if _starts_cut_record(path, offset) else None


def _stop_offset(records: ArchiveIterator | None, cut_at: int | None) -> int | None:
    """Where reading a WARC file stopped: at a cut header block, else where warcio stopped."""
    if cut_at is not None:
        return cut_at
    return records.offset if records is not None else None


def _where_reading_stopped(path: Path, source: str, offset: int | None, exc: Exception | None) -> QuarantineRecord | None:
    """The row for the end of a WARC file's reading, which stopped at `offset` (None: before the
    first record): `warc_truncated` when the file ends inside a record, `warc_unreadable` when
    warcio failed on anything else, None for a clean end."""
    if offset is not None and offset < path.stat().st_size and _starts_cut_record(path, offset):
        return QuarantineRecord(source, f"{path_text(path)}{OFFSET_MARK}{offset}", STAGE, "warc_truncated",
                                f"the file ends inside the record at offset {offset}, before the end of its headers or of its gzip member")
    if exc is None:
        return None
    return QuarantineRecord(source, path_text(path), STAGE, "warc_unreadable", f"{type(exc).__name__}: {exc}")


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
    breaks off midway, ends with one quarantine row (`warc_truncated` or `warc_unreadable`) after
    what could be read.
    """
    records: ArchiveIterator | None = None
    cut_at: int | None = None  # where the file ends inside a record's header block
    try:
        with path.open("rb") as stream:
            if not _starts_like_warc(stream):
                raise ValueError("the file does not start with a WARC record")
            records = ArchiveIterator(stream)
            for record in records:
                if (cut_at := _cut_header_block(records, record, path)) is not None:
                    break
                if record.rec_type not in DOCUMENT_RECORD_TYPES:
                    continue
                try:
                    page = _page_from_record(record, path, source, max_bytes)
                    check_complete(records, record)
                    yield page
                except Rejected as rejected:
                    target = record.rec_headers.get_header("WARC-Target-URI")
                    detail = f"{target}: {rejected.detail}" if target else rejected.detail
                    yield QuarantineRecord(source, _record_uri(path, record), STAGE, rejected.error, detail)
    except _UNREADABLE as exc:
        failure: Exception | None = exc
    else:
        failure = None
    if (last := _where_reading_stopped(path, source, _stop_offset(records, cut_at), failure)) is not None:
        yield last


def warc_record_refs(path: Path, source: str, max_bytes: int) -> tuple[list[InputRef], list[QuarantineRecord]]:
    """One input per document record of a WARC file, located by its byte offset.

    Only offsets are kept, so a WARC of any size is planned in little memory and its records
    are read batch by batch by `read_warc_record`. A record the end of the file cuts short is one
    quarantine row `warc_truncated`; an unreadable file is one row `warc_unreadable`.
    """
    refs: list[InputRef] = []
    records: ArchiveIterator | None = None
    cut_at: int | None = None  # where the file ends inside a record's header block
    try:
        with path.open("rb") as stream:
            if not _starts_like_warc(stream):
                raise ValueError("the file does not start with a WARC record")
            records = ArchiveIterator(stream)
            for record in records:
                if (cut_at := _cut_header_block(records, record, path)) is not None:
                    break
                if record.rec_type not in DOCUMENT_RECORD_TYPES:
                    continue
                offset = records.get_record_offset()
                try:
                    check_complete(records, record)
                except Rejected as rejected:
                    return refs, [QuarantineRecord(source, _record_uri(path, record), STAGE, rejected.error, rejected.detail)]
                refs.append(InputRef(source, f"{path}{OFFSET_MARK}{offset}", "warc_record", None, max_bytes))
    except _UNREADABLE as exc:
        failure: Exception | None = exc
    else:
        failure = None
    last = _where_reading_stopped(path, source, _stop_offset(records, cut_at), failure)
    return refs, [] if last is None else [last]


def read_warc_record(ref: InputRef) -> FetchedDocument:
    """The document in the WARC record an input from `warc_record_refs` points at."""
    location, _, offset = ref.uri.rpartition(OFFSET_MARK)
    path = Path(location)
    try:
        with path.open("rb") as stream:
            stream.seek(int(offset))
            records = ArchiveIterator(stream)
            record = next(records)
            page = _page_from_record(record, path, ref.source, ref.max_bytes or DEFAULT_MAX_RECORD_BYTES)
            check_complete(records, record)  # the file may have been cut since it was planned
            return page
    except (*_UNREADABLE, StopIteration) as exc:
        raise Rejected("warc_unreadable", f"record at offset {offset}: {type(exc).__name__}: {exc}") from None


def warc_inputs(source: WarcSource, context: PlanContext) -> Planned:
    """The planner of `warc` sources: one input per document record."""
    return warc_record_refs(source.path, source.name, source.max_bytes or context.default_max_bytes)
