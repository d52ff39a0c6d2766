"""What the warehouse already holds of the inputs: which fetched versions are stored, the latest
stored version of web pages (for conditional requests), when each page of a source was last
fetched and the lastmod its sitemap gave then (for feeds and sitemaps), and what a feed URL
answered last (for conditional requests of feeds)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import pyarrow as pa

from warehouse.key_index import key_index
from warehouse.schemas import DOCUMENTS, FEED_STATE, RUNS, SITEMAP_LASTMODS
from warehouse.scratch import scratch_connection
from warehouse.storage import WarehouseRoot, exists
from warehouse.tables import SCHEMA_FILE, part_written_at, table_files, table_scan


@dataclass(frozen=True)
class KnownVersion:
    """What the warehouse knows of a URL's latest version, for conditional requests."""

    etag: str | None = None
    last_modified: str | None = None
    content_sha256: str | None = None


def stored_versions(root: WarehouseRoot, keys: list[tuple[str, str]]) -> set[tuple[str, str]]:
    """The `(doc_id, content_sha256)` pairs among `keys` that `documents` already holds (from
    its key index: the cost does not grow with the warehouse)."""
    if not keys:
        return set()
    wanted = pa.table({"doc_id": [k[0] for k in keys], "content_sha256": [k[1] for k in keys]})
    with key_index(root, DOCUMENTS) as index:
        found = index.stored(wanted)
    return set(zip(found.column("doc_id").to_pylist(), found.column("content_sha256").to_pylist()))


def latest_web_versions(root: WarehouseRoot, keys: list[str]) -> list[tuple[str, str, KnownVersion]]:
    """`(uri, url, version)` of the latest stored version of each web document whose requested
    URI or final URL is one of `keys`."""
    if not keys:
        return []
    with scratch_connection(root) as con:
        con.register("wanted_urls", pa.table({"key": sorted(set(keys))}))
        rows = con.execute(
            f"""
            SELECT uri, url, etag, last_modified, content_sha256
            FROM {table_scan(root, DOCUMENTS)}
            WHERE url IS NOT NULL AND (uri IN (SELECT key FROM wanted_urls) OR url IN (SELECT key FROM wanted_urls))
            QUALIFY row_number() OVER (PARTITION BY doc_id ORDER BY fetched_at DESC) = 1
            """
        ).fetchall()
    return [(uri, url, KnownVersion(etag, last_modified, sha)) for uri, url, etag, last_modified, sha in rows]


def fetch_times(root: WarehouseRoot, source: str) -> list[tuple[str, str, datetime]]:
    """`(uri, url, last fetched)` of every web document of `source`."""
    with scratch_connection(root) as con:
        return con.execute(
            f"""
            SELECT uri, url, max(fetched_at)
            FROM {table_scan(root, DOCUMENTS)}
            WHERE source = ? AND url IS NOT NULL
            GROUP BY ALL
            """,
            [source],
        ).fetchall()


def seen_lastmods(root: WarehouseRoot, source: str) -> list[tuple[str, datetime]]:
    """`(canonical url, lastmod)`: the lastmod each page of sitemap source `source` had when a
    run last handled it."""
    with scratch_connection(root) as con:
        return con.execute(
            f"""
            SELECT url, lastmod
            FROM {table_scan(root, SITEMAP_LASTMODS)}
            WHERE source = ?
            QUALIFY row_number() OVER (PARTITION BY url ORDER BY seen_at DESC, run_id DESC) = 1
            """,
            [source],
        ).fetchall()


@dataclass(frozen=True)
class StoredFeed:
    """What a feed URL answered when last fetched in full."""

    final_url: str
    etag: str | None
    last_modified: str | None
    content_type: str | None
    body: bytes


def latest_feed(root: WarehouseRoot, source: str, url: str) -> StoredFeed | None:
    """The newest stored answer of feed `url` of `source`, or None."""
    with scratch_connection(root) as con:
        row = con.execute(
            f"""
            SELECT final_url, etag, last_modified, content_type, body
            FROM {table_scan(root, FEED_STATE)}
            WHERE source = ? AND url = ?
            ORDER BY fetched_at DESC
            LIMIT 1
            """,
            [source, url],
        ).fetchone()
    return StoredFeed(*row) if row else None


def stored_validators(root: WarehouseRoot, uris: list[str]) -> dict[str, str]:
    """The `etag` of the latest stored version of each local file among `uris` (local files have
    no URL) that has one."""
    if not uris or not exists(root, f"{DOCUMENTS.name}/{SCHEMA_FILE}"):  # no warehouse yet: nothing stored
        return {}
    with scratch_connection(root) as con:
        con.register("wanted_files", pa.table({"uri": sorted(set(uris))}))
        rows = con.execute(
            f"""
            SELECT uri, etag FROM {table_scan(root, DOCUMENTS)} SEMI JOIN wanted_files USING (uri)
            WHERE url IS NULL
            QUALIFY row_number() OVER (PARTITION BY uri ORDER BY fetched_at DESC) = 1
            """
        ).fetchall()
    return {uri: etag for uri, etag in rows if etag}


def last_run_end(root: WarehouseRoot) -> datetime | None:
    """A moment after the end of every run recorded in `runs` (from the name of its newest
    part: a run's row is written when it ends), or None when no run is recorded."""
    times = [t for name in table_files(root, RUNS) if (t := part_written_at(name))]
    return max(times) + timedelta(seconds=1) if times else None
