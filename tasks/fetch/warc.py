"""Web archives as a source: WARC files (`.warc`, `.warc.gz`) and their text-only derivative, WET
files (`.warc.wet.gz`), read from disk or streamed over HTTP record by record.

A WARC `response` or `resource` record is a page when its HTTP status is 200 (resource records
have none) and its media type is a page type; it keeps the target URI, the WARC-Date as
`fetched_at`, and the HTTP headers' charset, ETag and Last-Modified. A WET `conversion` record
is the plain text Common Crawl extracted from a page: it becomes a text document (no HTML to
extract; still decoded, repaired and normalized) with the target URI as its URL and the WARC-Date
as `fetched_at`. Records of other types (request, metadata, warcinfo, revisit) describe a crawl
rather than hold a document: they are passed over and counted (`skipped_<type>`); responses
that are not pages (redirects, errors, images, robots.txt, truncated captures) are quarantined
with the reason. A WAT file (metadata records of JSON) holds no text: it is refused with one row
`wat_unsupported`.

A file cut short (a crawl killed mid-write, a partial download) ends in a record that has fewer
bytes than its Content-Length, or in a `.warc.gz` a gzip member without its end, or a header
block that never ends: that record is one quarantine row `warc_truncated`, never a document
made of its first part, and the records before it are read as usual. A stream whose connection
drops is one row `connection_lost` naming the offset of the record it broke off in.

`walk_records` is the one record walk: local files are planned by it (one input per document
record, located by byte offset, read batch by batch by `read_warc_record`), and remote archives
(`tasks.fetch.archive_stream`) are read by it in one pass, batch by batch (`stream_archives`).
"""

from __future__ import annotations

import re
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, closing
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import BinaryIO, Protocol, TypeVar
from urllib.parse import urlsplit

from warcio.archiveiterator import ArchiveIterator
from warcio.exceptions import ArchiveLoadFailed
from warcio.limitreader import LimitReader
from warcio.recordloader import ArcWarcRecord
from warcio.statusandheaders import StatusAndHeadersParserException

from config.http import HttpSettings
from config.sources import WarcSource
from tasks.fetch.archive_stream import RemoteArchive, StreamBroken
from tasks.fetch.http import STAGE
from tasks.fetch.iso_dates import parse_iso_datetime
from tasks.fetch.media_types import check_page_media_type, page_format, parse_content_type
from tasks.fetch.plan import PlanContext, Planned
from tasks.fetch.robots import RobotsCache
from tasks.identity import doc_id_for_url, path_text, sha256_hex
from tasks.records import FetchedDocument, InputRef, QuarantineRecord, Rejected
from tasks.stage import StageOutput, StageStats

# `conversion` records are WET's: a page's text as Common Crawl extracted it
DOCUMENT_RECORD_TYPES = frozenset({"response", "resource", "conversion"})
DEFAULT_MAX_RECORD_BYTES = 20 * 1024 * 1024
OFFSET_MARK = "@offset="
WAT_REFUSAL = "a WAT file holds crawl metadata (JSON), not text: give the segment's WARC or WET file instead"
# warcio fails in many ways on a damaged file (an AttributeError for a header block cut short)
_UNREADABLE = (ArchiveLoadFailed, OSError, EOFError, ValueError, AttributeError, StatusAndHeadersParserException, zlib.error)
# Longest WARC and HTTP header block looked for at the end of a file that breaks off
_MAX_HEADER_BYTES = 1024 * 1024
_CONTENT_LENGTH = re.compile(rb"^content-length:[ \t]*(\d+)[ \t]*\r?$", re.IGNORECASE | re.MULTILINE)
T = TypeVar("T")
Fetched = tuple[list[InputRef], StageOutput[list[FetchedDocument]]]


class Archive(Protocol):
    """A WARC or WET file the record walk reads: on disk (`LocalArchive`) or over HTTP
    (`tasks.fetch.archive_stream.RemoteArchive`)."""

    name: str  # the path or URL, as rows name it

    def open(self) -> AbstractContextManager[BinaryIO]:
        """The file's bytes from its start."""
        ...

    def tail(self, offset: int, size: int) -> tuple[bytes, int | None]:
        """Up to `size` bytes from `offset`, and how many bytes the file holds from `offset` to
        its end (None: more than `size`, or no longer known)."""
        ...

    def fallback_time(self) -> datetime:
        """`fetched_at` of a record without a readable WARC-Date."""
        ...


@dataclass(frozen=True)
class LocalArchive:
    """A WARC or WET file on disk."""

    path: Path

    @property
    def name(self) -> str:
        """The path as rows name it."""
        return path_text(self.path)

    def open(self) -> AbstractContextManager[BinaryIO]:
        """The file, opened for reading."""
        return self.path.open("rb")

    def tail(self, offset: int, size: int) -> tuple[bytes, int | None]:
        """Up to `size` bytes from `offset`, and the bytes left from there to the end."""
        with self.path.open("rb") as stream:
            stream.seek(offset)
            return stream.read(size), max(0, self.path.stat().st_size - offset)

    def fallback_time(self) -> datetime:
        """The file's modification time."""
        return datetime.fromtimestamp(self.path.stat().st_mtime, UTC)


def _record_uri(archive: Archive, record: ArcWarcRecord) -> str:
    """`name#record-id`: names the record for people and quarantine rows."""
    headers = record.rec_headers
    name = (headers.get_header("WARC-Record-ID") or "").strip("<>") or headers.get_header("WARC-Target-URI") or "record"
    return f"{archive.name}#{name}"


def _page_from_record(record: ArcWarcRecord, archive: Archive, source: str, max_bytes: int) -> FetchedDocument:
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
    fetched_at = parse_iso_datetime(headers.get_header("WARC-Date")) or archive.fallback_time()
    return FetchedDocument(
        source=source,
        uri=_record_uri(archive, record),
        doc_id=doc_id_for_url(target),
        body=body,
        content_sha256=sha256_hex(body),
        fetched_at=fetched_at,
        # a WET record is extracted text, whatever its words look like
        format="text" if record.rec_type == "conversion" else page_format(media_type, body, target),
        url=target,
        content_type=media_type,
        declared_charset=charset,
        http_status=status,
        etag=http.get_header("ETag") if http is not None else None,
        last_modified=http.get_header("Last-Modified") if http is not None else None,
    )


def check_complete(records: ArchiveIterator, record: ArcWarcRecord, archive: Archive, offset: int) -> None:
    """Reject the record `records` last gave (at `offset` of `archive`) when the file cuts it
    short: its block has fewer bytes than its Content-Length, its gzip member (in a `.warc.gz`)
    has no end, or, for an empty block, its header block never ends (warcio reads headers to
    the end of the file, and an empty block has no bytes to miss). Reads the rest of the record,
    as the iterator would before the next one."""
    records.read_to_end()
    block = record.raw_stream
    if isinstance(block, LimitReader) and block.limit > 0:
        raise Rejected("warc_truncated", f"the file ends {block.limit} bytes before the end of the record ({block.tell()} of {record.length} bytes)")
    member = records.reader.decompressor
    if member is not None and not member.eof:
        raise Rejected("warc_truncated", "the file ends inside the record's gzip member")
    if record.length == 0 and _starts_cut_record(archive, offset):
        raise Rejected("warc_truncated", "the file ends inside the record's header block")


def _starts_cut_record(archive: Archive, offset: int) -> bool:
    """Whether the bytes from `offset`, where warcio found no whole record, start a record that
    the end of the file cuts off: a header block that never ends, or a gzip member that does not
    end (warcio passes over such a member without a word)."""
    tail, remaining = archive.tail(offset, _MAX_HEADER_BYTES)
    if not tail:
        return False  # the end of the file: nothing after the last record
    if tail.startswith(b"\x1f\x8b") or tail == b"\x1f":  # a member cut after its first byte too
        member = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            head = member.decompress(tail, _MAX_HEADER_BYTES)
        except zlib.error:
            return False
        return _opens_a_record(head) and not member.eof and remaining is not None
    return _opens_a_record(tail) and _block_cut(tail, remaining)


def _block_cut(record: bytes, remaining: int | None) -> bool:
    """Whether a plain record that starts `record` (its first bytes, `remaining` to the end of the
    file, None when that is more than were looked at) is cut: its header block never ends, or
    fewer bytes than its Content-Length follow it."""
    head, end, _ = record.partition(b"\r\n\r\n")
    if not end:
        return remaining is not None
    length = _CONTENT_LENGTH.search(head)  # without one the record is damaged, not cut
    return length is not None and remaining is not None and remaining - len(head) - len(end) < int(length.group(1))


def _opens_a_record(data: bytes) -> bool:
    """Whether `data` is, or starts with, the `WARC/` that opens a record (a few bytes of it,
    when that is all the file still holds)."""
    start = data.lstrip(b"\r\n")
    return start.startswith(b"WARC/") or b"WARC/".startswith(start)


def _cut_header_block(records: ArchiveIterator, record: ArcWarcRecord, archive: Archive) -> int | None:
    """The offset of `record` when it is a header block the end of the file cut (warcio gives it
    as a record without a type, or without the Content-Length a WARC record must have), else None."""
    if record.rec_type is not None and (record.rec_headers.get_header("Content-Length") or "").strip().isdigit():
        return None
    offset = records.offset
    return offset if _starts_cut_record(archive, offset) else None


def _where_reading_stopped(archive: Archive, source: str, offset: int | None, exc: Exception | None) -> QuarantineRecord | None:
    """The row for the end of a WARC file's reading, which stopped at `offset` (None: before the
    first record): `warc_truncated` when the file ends inside a record, `warc_unreadable` when
    warcio failed on anything else, None for a clean end."""
    if offset is not None and _starts_cut_record(archive, offset):
        return QuarantineRecord(source, f"{archive.name}{OFFSET_MARK}{offset}", STAGE, "warc_truncated",
                                f"the file ends inside the record at offset {offset}, before the end of its headers or of its gzip member")
    if exc is None:
        return None
    return QuarantineRecord(source, archive.name, STAGE, "warc_unreadable", f"{type(exc).__name__}: {exc}")


def opens_like_warc(head: bytes) -> bool:
    """Whether the first bytes of a file open a WARC record, plain or in a gzip member (warcio
    alone would read other text as lenient ARC records)."""
    if head.startswith(b"\x1f\x8b"):
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, 64)
        except zlib.error:
            return False
    return head.lstrip(b"\r\n").startswith(b"WARC/")


def _is_wat(record: ArcWarcRecord) -> bool:
    """Whether a record is one of a WAT file's: metadata as JSON (a WARC's own metadata records
    are `application/warc-fields`)."""
    content_type = parse_content_type(record.rec_headers.get_header("Content-Type"))[0]
    return record.rec_type == "metadata" and content_type == "application/json"


def _taken(take: Callable[[ArcWarcRecord, int], T], record: ArcWarcRecord, offset: int) -> T:
    """`take(record, offset)`, with a record warcio cannot read (a damaged Content-Encoding or
    chunking) rejected as `warc_unreadable`; a broken stream is the file's failure, not the record's."""
    try:
        return take(record, offset)
    except StreamBroken:
        raise
    except _UNREADABLE as exc:
        raise Rejected("warc_unreadable", f"{type(exc).__name__}: {exc}") from None


def walk_records(
    archive: Archive, source: str, take: Callable[[ArcWarcRecord, int], T], skipped: Counter[str]
) -> Iterator[T | QuarantineRecord]:
    """`take(record, offset)` of every document record of a WARC or WET file, in order, or a
    quarantine row for a record `take` rejects or the file cuts short; other records are counted
    in `skipped`. A file that is not a readable WARC, breaks off midway or loses its connection
    ends with one quarantine row after what could be read."""
    records: ArchiveIterator | None = None
    cut_at: int | None = None  # where the file ends inside a record's header block
    try:
        if not opens_like_warc(archive.tail(0, 4096)[0]):
            raise ValueError("the file does not start with a WARC record")
        with archive.open() as stream:
            records = ArchiveIterator(stream)
            for record in records:
                if (cut_at := _cut_header_block(records, record, archive)) is not None:
                    break
                if _is_wat(record):
                    yield QuarantineRecord(source, archive.name, STAGE, "wat_unsupported", WAT_REFUSAL)
                    return
                offset = records.offset
                try:
                    if record.rec_type not in DOCUMENT_RECORD_TYPES:
                        check_complete(records, record, archive, offset)  # a file cut inside any record says so
                        skipped[f"skipped_{record.rec_type}"] += 1
                        continue
                    taken = _taken(take, record, offset)
                    check_complete(records, record, archive, offset)
                except Rejected as rejected:
                    target = record.rec_headers.get_header("WARC-Target-URI")
                    detail = f"{target}: {rejected.detail}" if target else rejected.detail
                    yield QuarantineRecord(source, _record_uri(archive, record), STAGE, rejected.error, detail)
                    if rejected.error == "warc_truncated":
                        return  # the file ends inside this record
                    continue
                yield taken
    except Rejected as rejected:  # a remote file that cannot be had: not found, refused, too large
        yield QuarantineRecord(source, archive.name, STAGE, rejected.error, rejected.detail)
        return
    except StreamBroken as broken:
        where = records.offset if records is not None else 0
        yield QuarantineRecord(source, f"{archive.name}{OFFSET_MARK}{where}", STAGE, broken.reason,
                               f"{broken.detail}, inside the record at offset {where}; the records before it are kept, rerun to read the rest")
        return
    except _UNREADABLE as exc:
        failure: Exception | None = exc
    else:
        failure = None
    stopped_at = cut_at if cut_at is not None else records.offset if records is not None else None
    if (last := _where_reading_stopped(archive, source, stopped_at, failure)) is not None:
        yield last


def read_warc(
    archive: Archive | Path, source: str, max_bytes: int = DEFAULT_MAX_RECORD_BYTES, skipped: Counter[str] | None = None
) -> Iterator[FetchedDocument | QuarantineRecord]:
    """Documents and quarantine rows from one WARC or WET file, record by record, in one pass.

    `max_bytes` caps one record's decoded body (pass the source's or the settings' per-document
    limit); reading stops one byte past it, so a compressed bomb in a record is not expanded.
    Records passed over are counted in `skipped` by type.
    """
    local = LocalArchive(archive) if isinstance(archive, Path) else archive
    yield from walk_records(local, source, lambda record, _: _page_from_record(record, local, source, max_bytes), skipped if skipped is not None else Counter())


def warc_record_refs(
    path: Path, source: str, max_bytes: int, skipped: Counter[str] | None = None
) -> tuple[list[InputRef], list[QuarantineRecord]]:
    """One input per document record of a local WARC or WET file, located by its byte offset.

    Only offsets are kept, so a file of any size is planned in little memory and its records
    are read batch by batch by `read_warc_record`. A record the end of the file cuts short is one
    quarantine row `warc_truncated`; an unreadable file is one row `warc_unreadable`.
    """
    archive = LocalArchive(path)
    found = walk_records(archive, source, lambda _, offset: InputRef(source, f"{path}{OFFSET_MARK}{offset}", "warc_record", None, max_bytes),
                         skipped if skipped is not None else Counter())
    refs: list[InputRef] = []
    rows: list[QuarantineRecord] = []
    for item in found:
        (rows if isinstance(item, QuarantineRecord) else refs).append(item)
    return refs, rows


def read_warc_record(ref: InputRef) -> FetchedDocument:
    """The document in the WARC record an input from `warc_record_refs` points at."""
    location, _, offset = ref.uri.rpartition(OFFSET_MARK)
    archive = LocalArchive(Path(location))
    try:
        with archive.open() as stream:
            stream.seek(int(offset))
            records = ArchiveIterator(stream)
            record = next(records)
            page = _page_from_record(record, archive, ref.source, ref.max_bytes or DEFAULT_MAX_RECORD_BYTES)
            check_complete(records, record, archive, int(offset))  # the file may have been cut since it was planned
            return page
    except (*_UNREADABLE, StopIteration) as exc:
        raise Rejected("warc_unreadable", f"record at offset {offset}: {type(exc).__name__}: {exc}") from None


def warc_inputs(source: WarcSource, context: PlanContext) -> Planned:
    """The planner of `warc` sources: a local file gives one input per document record; a remote
    one (`url`) one input of kind `archive`, streamed in one pass by `stream_archives`."""
    max_bytes = source.max_bytes or context.default_max_bytes
    if source.url is not None:
        return [InputRef(source.name, source.url, "archive", None, max_bytes)], []
    return warc_record_refs(source.path, source.name, max_bytes, context.counts)


def _fetch_output(items: list[FetchedDocument | QuarantineRecord], skipped: Counter[str], started: float) -> StageOutput[list[FetchedDocument]]:
    documents = [d for d in items if isinstance(d, FetchedDocument)]
    rows = [q for q in items if isinstance(q, QuarantineRecord)]
    stats = StageStats(STAGE, docs_in=len(items), docs_out=len(documents), quarantined=Counter(q.error for q in rows),
                       bytes_in=sum(len(d.body) for d in documents), seconds=time.perf_counter() - started, counts=+skipped)
    return StageOutput(documents, rows, stats)


def _archive_batches(ref: InputRef, batch_size: int, limit: int | None, http: HttpSettings, robots: RobotsCache | None) -> Iterator[Fetched]:
    """One remote archive's records, `batch_size` at a time, the first `limit` of them (None: all)."""
    archive = RemoteArchive(ref.uri, http, robots)
    max_bytes = ref.max_bytes or DEFAULT_MAX_RECORD_BYTES
    skipped: Counter[str] = Counter()
    batch: list[InputRef] = []
    items: list[FetchedDocument | QuarantineRecord] = []
    started = time.perf_counter()

    def take(record: ArcWarcRecord, offset: int) -> FetchedDocument:
        batch.append(InputRef(ref.source, f"{ref.uri}{OFFSET_MARK}{offset}", "warc_record", None, max_bytes))
        return _page_from_record(record, archive, ref.source, max_bytes)

    # closing(): a walk stopped at the limit hangs up, and the rest of the file is never read
    with closing(walk_records(archive, ref.source, take, skipped)) as walk:
        for item in islice(walk, limit):
            items.append(item)
            if len(items) >= batch_size:
                yield batch, _fetch_output(items, skipped, started)
                batch, items, started = [], [], time.perf_counter()
                skipped.clear()
    if items or skipped:
        yield batch, _fetch_output(items, skipped, started)


def stream_archives(
    refs: list[InputRef], batch_size: int, http: HttpSettings, robots: RobotsCache | None = None, limit: int | None = None
) -> Iterator[Fetched]:
    """The `archive` inputs among `refs` (remote WARC and WET files), each streamed over HTTP in
    one pass and cut into fetch-stage batches of `batch_size` records as they arrive: one input
    per document record read (its offset), and the batch's documents and quarantine rows; the
    first `limit` records in all (None: every one; the rest is not downloaded). Memory holds one
    batch and the stream's small window, whatever the file's size."""
    for ref in refs:
        if ref.kind != "archive" or limit == 0:
            continue
        for batch, output in _archive_batches(ref, batch_size, limit, http, robots):
            limit = None if limit is None else limit - output.stats.docs_in
            yield batch, output
