"""A part file copied beside itself (a backup, a restore, a sync tool) never shows a row twice."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.warehouse_factory import small_warehouse
from warehouse.query import run_query

VIEWS = ["documents", "article_versions", "articles", "tagged_articles", "unique_articles", "quarantine", "runs", "languages", "duplicates", "signatures"]


def _counts(root: Path) -> dict[str, int]:
    return {view: run_query(root, f"SELECT count(*) FROM {view}")[1][0][0] for view in VIEWS}


def test_a_copied_part_file_duplicates_no_row_in_any_view(warehouse: Path):
    small_warehouse(warehouse, n=5)
    small_warehouse(warehouse, n=3, start=5)  # a second part file in each table
    before = _counts(warehouse)
    assert before["article_versions"] == before["documents"] == before["articles"] == 8
    for part in sorted(warehouse.rglob("part-*.parquet")):
        shutil.copy2(part, part.with_name(part.stem + "-copy.parquet"))
        shutil.copy2(part, part.parent / f"part-00000000T000000-{part.stem[-12:]}.parquet")  # sorts first
    assert _counts(warehouse) == before
    columns, rows = run_query(warehouse, "SELECT * FROM article_versions ORDER BY article_id")
    assert len(rows) == 8 and "filename" not in columns and columns[0] == "article_id"
