"""The fetch stage: the raw bytes of each input, with provenance.

Local files are read here; web URLs go through the polite HTTP client (`tasks.http`).
"""

from __future__ import annotations

import os
from datetime import datetime, timezone
from pathlib import Path

from tasks.identity import doc_id_for_path, sha256_hex
from tasks.records import FetchedDocument, InputRef, Rejected
from tasks.stage import StageOutput, run_stage


def read_file(ref: InputRef) -> FetchedDocument:
    """Read one local file; missing, unreadable and oversized files are rejected."""
    path = Path(ref.uri)
    try:
        size = path.stat().st_size
        if ref.max_bytes is not None and size > ref.max_bytes:
            raise Rejected("too_large", f"{size} bytes is over the limit of {ref.max_bytes}")
        with path.open("rb") as handle:
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
    return FetchedDocument(
        source=ref.source,
        uri=str(path),
        doc_id=doc_id_for_path(path),
        body=body,
        content_sha256=sha256_hex(body),
        fetched_at=datetime.now(timezone.utc),
        format=ref.format_hint or "text",
    )


def read_files(refs: list[InputRef]) -> StageOutput[FetchedDocument]:
    """Read a batch of local files (stage `fetch`)."""
    output = run_stage("fetch", refs, read_file, describe=lambda r: (r.source, r.uri, None))
    output.stats.bytes_in = sum(len(d.body) for d in output.items)
    return output
