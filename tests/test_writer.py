import time
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from warehouse.catalog import connect, ensure_catalog
from warehouse.query import QueryRefused, check_read_only, format_rows, run_query
from tests.warehouse_factory import small_warehouse
from warehouse.schemas import ARTICLES, QUARANTINE, TABLES
from warehouse.tables import SCHEMA_FILE, read_table
from warehouse.writer import STAGING, append_new_rows, initialize


def _quarantine_rows(ids: list[str]) -> pa.Table:
    now = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    return pa.Table.from_pylist(
        [
            {"quarantine_id": i, "source": "s", "uri": f"/x/{i}", "stage": "decode", "error": "empty",
             "detail": "", "content_sha256": None, "seen_at": now, "run_id": "r1"}
            for i in ids
        ],
        QUARANTINE.schema,
    )


def test_append_is_idempotent_and_dedupes_within_a_batch(tmp_path: Path):
    root = tmp_path / "wh"
    initialize(root)
    assert append_new_rows(root, QUARANTINE, _quarantine_rows(["a", "b", "b"]), "ingest_date=2026-01-02") == 2
    assert append_new_rows(root, QUARANTINE, _quarantine_rows(["a", "b"]), "ingest_date=2026-01-02") == 0
    assert append_new_rows(root, QUARANTINE, _quarantine_rows(["b", "c"]), "ingest_date=2026-01-03") == 1
    assert sorted(read_table(root, QUARANTINE, ["quarantine_id"]).column(0).to_pylist()) == ["a", "b", "c"]
    files = sorted(p.relative_to(root / "quarantine").parts[0] for p in (root / "quarantine").rglob("part-*.parquet"))
    assert files == ["ingest_date=2026-01-02", "ingest_date=2026-01-03"]


def test_initialize_clears_staging_and_writes_schemas(tmp_path: Path):
    root = tmp_path / "wh"
    (root / STAGING).mkdir(parents=True)
    (root / STAGING / "part-half-written.parquet").write_bytes(b"PAR1 truncated")
    initialize(root)
    assert list((root / STAGING).iterdir()) == []
    for table in TABLES.values():
        assert pq.read_schema(root / table.name / SCHEMA_FILE) == table.schema
        assert read_table(root, table).schema.names == table.schema.names


def test_views_are_queryable_read_only_and_in_utc(tmp_path: Path):
    root = (tmp_path / "wh").resolve()
    path = ensure_catalog(root)
    assert path.name == "warehouse.duckdb"
    append_new_rows(root, QUARANTINE, _quarantine_rows(["a"]))
    columns, rows = run_query(root, "select uri, seen_at from quarantine")
    assert columns == ["uri", "seen_at"] and rows[0][1].isoformat() == "2026-01-02T03:04:05+00:00"
    con = connect(root)
    with pytest.raises(duckdb.Error):
        con.execute("create table t (a int)")
    con.close()
    # the file opens directly with any DuckDB client
    direct = duckdb.connect(str(path), read_only=True)
    assert direct.execute("select count(*) from articles").fetchone() == (0,)
    direct.close()


def test_a_catalog_this_duckdb_cannot_open_is_written_anew(tmp_path: Path):
    """warehouse.duckdb holds only views: one written by another DuckDB version (1.5 refuses the
    files 2.0 writes) or damaged is replaced at once, not waited on as if a reader held it."""
    root = (tmp_path / "wh").resolve()
    path = ensure_catalog(root)
    append_new_rows(root, QUARANTINE, _quarantine_rows(["a"]))
    path.write_bytes(b"not a DuckDB database file " * 200)
    started = time.monotonic()
    assert run_query(root, "select uri from quarantine")[1] == [("/x/a",)]
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(
    "sql", ["insert into x values (1)", "copy (select 1) to '/tmp/out.csv'", "attach 'x.db'", "select 1; drop view articles", "set threads = 1"]
)
def test_writes_are_refused(sql: str):
    with pytest.raises(QueryRefused, match="read-only"):
        check_read_only(sql)


def test_formats():
    columns, rows = ["a", "tags", "at"], [(1, ["x", "y"], datetime(2021, 1, 21, tzinfo=timezone.utc))]
    assert format_rows(columns, rows, "json") == (
        '[\n {\n  "a": 1,\n  "tags": [\n   "x",\n   "y"\n  ],\n  "at": "2021-01-21T00:00:00+00:00"\n }\n]'
    )
    assert format_rows(columns, rows, "csv").splitlines() == ["a,tags,at", '1,"[""x"", ""y""]",2021-01-21T00:00:00+00:00']
    table = format_rows(columns, rows, "table").splitlines()
    assert table[0].split(" | ")[0] == "a" and table[-1] == "(1 row)"


def test_articles_written_before_published_at_precision_read_it_as_null(tmp_path: Path):
    root = (tmp_path / "wh").resolve()
    part = small_warehouse(root, n=1)
    # rewrite the part file as an older release wrote it: without the column
    old = pq.read_table(part)
    pq.write_table(old.drop_columns(["published_at_precision"]), part)
    new = old.set_column(
        old.schema.get_field_index("article_id"), "article_id", pa.array(["art-new"])
    ).set_column(old.schema.get_field_index("published_at_precision"), "published_at_precision", pa.array(["minute"]))
    append_new_rows(root, ARTICLES, new.cast(ARTICLES.schema), "ingest_date=2026-01-03")
    _, rows = run_query(root, "select article_id, published_at_precision from article_versions order by article_id")
    assert rows == [("art-new", "minute"), ("art0", None)]
    columns, _ = run_query(root, "select * from articles limit 0")
    assert "published_at_precision" in columns
