"""What the warehouse already holds of web sources: the latest stored version of each URL (for
conditional requests) and when each page of a source was last fetched (for feeds and sitemaps)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pyarrow as pa

from tasks.http import KnownVersion
from tasks.urls import canonical_url
from warehouse.scratch import scratch_connection
from warehouse.schemas import DOCUMENTS
from warehouse.writer import table_glob


def known_versions(root: Path, urls: list[str]) -> dict[str, KnownVersion]:
    """Latest stored version of each of `urls`, keyed by canonical requested and final URL."""
    if not urls:
        return {}
    # stored URIs are as requested and URLs as finally fetched: match either spelling
    wanted = pa.table({"key": sorted(set(urls) | {canonical_url(u) for u in urls})})
    with scratch_connection() as con:
        con.register("wanted", wanted)
        rows = con.execute(
            f"""
            SELECT uri, url, etag, last_modified, content_sha256
            FROM read_parquet('{table_glob(root, DOCUMENTS)}', hive_partitioning=false)
            WHERE url IS NOT NULL AND (uri IN (SELECT key FROM wanted) OR url IN (SELECT key FROM wanted))
            QUALIFY row_number() OVER (PARTITION BY doc_id ORDER BY fetched_at DESC) = 1
            """
        ).fetchall()
    known: dict[str, KnownVersion] = {}
    for uri, url, etag, last_modified, sha in rows:
        version = KnownVersion(etag, last_modified, sha)
        for key in (uri, url):
            known[canonical_url(key)] = version
    return known


def last_fetched(root: Path, source: str) -> dict[str, datetime]:
    """When each page of `source` was last fetched, keyed by canonical URL."""
    with scratch_connection() as con:
        rows = con.execute(
            f"""
            SELECT uri, url, max(fetched_at)
            FROM read_parquet('{table_glob(root, DOCUMENTS)}', hive_partitioning=false)
            WHERE source = ? AND url IS NOT NULL
            GROUP BY ALL
            """,
            [source],
        ).fetchall()
    seen: dict[str, datetime] = {}
    for uri, url, at in rows:
        for key in (canonical_url(uri), canonical_url(url)):
            seen[key] = max(at, seen.get(key, at))
    return seen
