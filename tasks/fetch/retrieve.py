"""The fetch stage: the raw bytes of each input, with provenance.

Local files are read here; records of WARC files by `tasks.fetch.warc`; web URLs go through the
polite HTTP client (`tasks.fetch.http`), conditionally when the warehouse holds a version already.
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

from config.http import HttpSettings
from tasks.fetch.decompress import gunzip_document, is_gzip
from tasks.fetch.http import fetch_urls
from tasks.fetch.known import known_versions
from tasks.fetch.local_files import file_validator
from tasks.fetch.robots import RobotsCache
from tasks.fetch.warc import read_warc_record
from tasks.identity import doc_id_for_path, path_text, sha256_hex
from tasks.records import FetchedDocument, InputRef, Rejected
from tasks.stage import StageOutput, StageStats, run_stage
from warehouse.storage import WarehouseRoot

# The decompressed size allowed when an input sets no limit: a bomb must still stop somewhere.
UNLIMITED_GUNZIP_CAP = 1024 * 1024 * 1024


def read_file(ref: InputRef) -> FetchedDocument:
    """Read one local file, gunzipped when it is a gzip file (`max_bytes` then limits the
    decompressed size too); missing, unreadable, oversized and corrupt files are rejected."""
    path = Path(ref.uri)
    try:
        size = path.stat().st_size
        if ref.max_bytes is not None and size > ref.max_bytes:
            raise Rejected("too_large", f"{size} bytes is over the limit of {ref.max_bytes}")
        with path.open("rb") as handle:
            validator = file_validator(os.fstat(handle.fileno()))
            # read one byte past the limit so a file that grew since stat() is still caught
            body = handle.read() if ref.max_bytes is None else handle.read(ref.max_bytes + 1)
    except FileNotFoundError:
        raise Rejected("not_found", "file does not exist") from None
    except IsADirectoryError:
        raise Rejected("not_a_file", "path is a directory") from None
    except PermissionError:
        raise Rejected("unreadable", "permission denied") from None
    except OSError as exc:
        raise Rejected("unreadable", os.strerror(exc.errno) if exc.errno else str(exc)) from None
    if ref.max_bytes is not None and len(body) > ref.max_bytes:
        raise Rejected("too_large", f"over the limit of {ref.max_bytes} bytes")
    if is_gzip(body):  # `story.html.gz`, or a supported name whose content turns out gzipped
        body = gunzip_document(body, ref.max_bytes if ref.max_bytes is not None else UNLIMITED_GUNZIP_CAP)
    return FetchedDocument(
        source=ref.source,
        uri=path_text(path),
        doc_id=doc_id_for_path(path),
        body=body,
        content_sha256=sha256_hex(body),
        fetched_at=datetime.now(timezone.utc),
        format=ref.format_hint or "text",
        etag=validator,
    )


def _read_local(ref: InputRef) -> FetchedDocument:
    return read_warc_record(ref) if ref.kind == "warc_record" else read_file(ref)


def fetch_inputs(
    refs: list[InputRef], root: WarehouseRoot, http: HttpSettings, robots: RobotsCache | None = None
) -> StageOutput[list[FetchedDocument]]:
    """Fetch a batch of inputs of any kind (stage `fetch`). Web pages unchanged since their
    stored version (a 304 or the same hash) add nothing and are counted as `not_modified`."""
    local = [r for r in refs if r.kind != "url"]
    web = [r for r in refs if r.kind == "url"]
    output = run_stage("fetch", local, _read_local, describe=lambda r: (r.source, path_text(r.uri), None))
    if web:
        by_robots: dict[bool, list[InputRef]] = {}
        for ref in web:
            by_robots.setdefault(ref.obey_robots, []).append(ref)
        known = known_versions(root, [r.uri for r in web])
        for obey, group in by_robots.items():
            fetched = fetch_urls(group, known, http.model_copy(update={"obey_robots": http.obey_robots and obey}), robots)
            output.items += fetched.items
            output.quarantined += fetched.quarantined
            output.stats = output.stats + fetched.stats
    output.stats = StageStats(
        "fetch",
        docs_in=len(refs),
        docs_out=len(output.items),
        quarantined=output.stats.quarantined,
        bytes_in=sum(len(d.body) for d in output.items),
        seconds=output.stats.seconds,
        counts=output.stats.counts,
    )
    return output
