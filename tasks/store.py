"""The write stage: turning a batch's records into warehouse rows, and finding which fetched
versions are already stored.

Within a batch, quarantine and articles are written before documents (and sitemap lastmods
after them): a stored document row means its version was fully handled, so a run killed
part-way re-does exactly the versions it had not finished, and the writer's key index keeps
the rerun from adding any row twice.
"""

from __future__ import annotations

import hashlib
import time
from collections import Counter
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime, timezone

import pyarrow as pa

from tasks.records import ArticleRecord, FetchedDocument, InputRef, QuarantineRecord
from tasks.run_summary import RunSummary
from tasks.stage import StageOutput, StageStats
from tasks.urls import canonical_url
from warehouse.known import stored_versions
from warehouse.lock import warehouse_lock
from warehouse.schemas import ARTICLES, DOCUMENTS, QUARANTINE, RUNS, SITEMAP_LASTMODS, Table
from warehouse.writer import append_new_rows
from warehouse.storage import WarehouseRoot


def quarantine_id(record: QuarantineRecord) -> str:
    """Key of a quarantine row: the same input failing the same way is one row, however often."""
    raw = "\n".join([record.source, record.uri, record.stage, record.error, record.content_sha256 or ""])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def partition_for(moment: datetime) -> str:
    """The `ingest_date=` partition folder of rows written at `moment`."""
    return f"ingest_date={moment.astimezone(timezone.utc):%Y-%m-%d}"


def select_unseen(root: WarehouseRoot, docs: list[FetchedDocument]) -> StageOutput[list[FetchedDocument]]:
    """The fetched versions not stored yet (stage `versions`: known versions are dropped and
    counted as `docs_in - docs_out`)."""
    started = time.perf_counter()
    stats = StageStats("versions", docs_in=len(docs), bytes_in=sum(len(d.body) for d in docs))
    if not docs:
        return StageOutput([], [], stats)
    known = stored_versions(root, [(d.doc_id, d.content_sha256) for d in docs])
    seen_in_batch: set[tuple[str, str]] = set()
    fresh = []
    for d in docs:
        key = (d.doc_id, d.content_sha256)
        if key not in known and key not in seen_in_batch:
            seen_in_batch.add(key)
            fresh.append(d)
    stats.docs_out = len(fresh)
    stats.seconds = time.perf_counter() - started
    return StageOutput(fresh, [], stats)


def _batch_lock(root: WarehouseRoot, has_rows: bool) -> AbstractContextManager[None]:
    """The warehouse lock, held once around all of a batch's tables (each append inside holds
    on), or nothing for a batch with no rows: on S3 a take is a round of the Prefect API."""
    return warehouse_lock(root) if has_rows else nullcontext()


def _row(record: object, **columns: object) -> dict:
    """A flat dataclass record as a table row, with `columns` added. Its values as they are:
    `dataclasses.asdict` deep-copies each one (datetimes through `copy.deepcopy`, the largest
    part of a batch's write in the flow's process), and Arrow copies them anyway."""
    return {**vars(record), **columns}


def _write_quarantine(root: WarehouseRoot, run_id: str, records: list[QuarantineRecord], now: datetime, partition: str) -> int:
    rows = [_row(q, quarantine_id=quarantine_id(q), seen_at=now, run_id=run_id) for q in records]
    return append_new_rows(root, QUARANTINE, pa.Table.from_pylist(rows, QUARANTINE.schema), partition)


def _lastmod_rows(refs: list[InputRef], quarantined: list[QuarantineRecord], run_id: str, now: datetime) -> list[dict]:
    """Rows of `sitemap_lastmods` for the batch's sitemap pages that were handled: fetched, or
    found unchanged. A page whose fetch failed keeps its old lastmod, so it is asked for again."""
    failed = {(q.source, q.uri) for q in quarantined if q.stage == "fetch"}
    return [
        {"source": r.source, "url": canonical_url(r.uri), "lastmod": r.lastmod, "seen_at": now, "run_id": run_id}
        for r in refs
        if r.lastmod is not None and (r.source, r.uri) not in failed
    ]


def write_batch(
    root: WarehouseRoot,
    run_id: str,
    documents: list[FetchedDocument],
    articles: list[ArticleRecord],
    quarantined: list[QuarantineRecord],
    inputs: list[InputRef] | None = None,
) -> StageOutput[None]:
    """Write one batch's rows (stage `write`): quarantine, then articles, then documents, then
    the lastmods of the batch's sitemap pages (`inputs`, the batch's refs) that were handled."""
    started = time.perf_counter()
    now = datetime.now(timezone.utc)
    partition = partition_for(now)
    article_rows = [_row(a, run_id=run_id) for a in articles]
    lastmod_rows = _lastmod_rows(inputs or [], quarantined, run_id, now)
    with _batch_lock(root, bool(documents or articles or quarantined or lastmod_rows)):
        added = {
            "quarantine": _write_quarantine(root, run_id, quarantined, now, partition),
            "articles": append_new_rows(root, ARTICLES, pa.Table.from_pylist(article_rows, ARTICLES.schema), partition),
            "documents": append_new_rows(
                root, DOCUMENTS, pa.Table.from_pylist([_row(d, size_bytes=len(d.body), run_id=run_id) for d in documents], DOCUMENTS.schema), partition
            ),
        }
        if lastmod_rows:  # only runs that read sitemaps report these rows
            added["sitemap_lastmods"] = append_new_rows(
                root, SITEMAP_LASTMODS, pa.Table.from_pylist(lastmod_rows, SITEMAP_LASTMODS.schema), partition
            )
    stats = StageStats(
        "write",
        docs_in=len(articles),
        docs_out=added["articles"],
        bytes_in=sum(len(d.body) for d in documents),
        seconds=time.perf_counter() - started,
        rows_added=Counter(added),
    )
    return StageOutput(None, [], stats)


def record_run(root: WarehouseRoot, summary: RunSummary) -> None:
    """Store a finished run's summary as its row of the `runs` table."""
    rows = pa.Table.from_pylist([summary.to_row()], RUNS.schema)
    append_new_rows(root, RUNS, rows, partition_for(summary.started_at))


def write_rows(root: WarehouseRoot, table: Table, records: list, run_id: str, quarantined: list[QuarantineRecord]) -> StageOutput[None]:
    """Write one batch of dataclass records of a derived table (languages, duplicates) with
    `run_id` and a timestamp, plus the batch's quarantine rows (stage `write`)."""
    started = time.perf_counter()
    now = datetime.now(timezone.utc)
    partition = partition_for(now)
    stamp = {name: now for name in ("tagged_at", "computed_at") if name in table.schema.names}
    rows = [_row(r, **stamp, run_id=run_id) for r in records]
    with _batch_lock(root, bool(records or quarantined)):
        added = {
            "quarantine": _write_quarantine(root, run_id, quarantined, now, partition),
            table.name: append_new_rows(root, table, pa.Table.from_pylist(rows, table.schema), partition),
        }
    stats = StageStats(
        "write", docs_in=len(records), docs_out=added[table.name], seconds=time.perf_counter() - started, rows_added=Counter(added)
    )
    return StageOutput(None, [], stats)


def write_table(root: WarehouseRoot, table: Table, rows: pa.Table) -> StageOutput[None]:
    """Append an Arrow table of rows a stage computed (signatures, duplicates) (stage `write`)."""
    started = time.perf_counter()
    added = append_new_rows(root, table, rows, partition_for(datetime.now(timezone.utc)))
    stats = StageStats(
        "write", docs_in=rows.num_rows, docs_out=added, seconds=time.perf_counter() - started, rows_added=Counter({table.name: added})
    )
    return StageOutput(None, [], stats)
