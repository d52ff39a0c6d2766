"""Small real warehouses for tests: rows written through the writer, as the flows write them."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa

from warehouse.catalog import ensure_catalog
from warehouse.schemas import ARTICLES, DOCUMENTS, Table
from warehouse.writer import append_new_rows

FETCHED = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def table_rows(table: Table, n: int, start: int) -> pa.Table:
    """`n` rows of `documents` or `articles` numbered from `start`, as the flows would write them."""
    rows = []
    for i in range(start, start + n):
        row = {name: None for name in table.schema.names}
        row.update(doc_id=f"doc{i}", content_sha256=f"sha{i}", source="s", uri=f"/x/{i}", fetched_at=FETCHED, run_id="r1")
        if table is ARTICLES:
            row.update(article_id=f"art{i}", title=f"Title {i}", text=f"text {i}", word_count=2)
        else:
            row.update(body=f"<p>text {i}</p>".encode())
        rows.append(row)
    return pa.Table.from_pylist(rows, table.schema)


def small_warehouse(root: Path, n: int = 5, start: int = 0) -> Path:
    """A warehouse at `root` with `n` documents and their articles (one part file each);
    returns the articles part file written."""
    ensure_catalog(root)
    append_new_rows(root, DOCUMENTS, table_rows(DOCUMENTS, n, start), "ingest_date=2026-01-02")
    before = set((root / ARTICLES.name).rglob("part-*.parquet"))
    append_new_rows(root, ARTICLES, table_rows(ARTICLES, n, start), "ingest_date=2026-01-02")
    (part,) = set((root / ARTICLES.name).rglob("part-*.parquet")) - before
    return part
