"""`pressroom sql` is read-only by construction: one SELECT reaches DuckDB, on a connection that
cannot load extensions, reach files outside the warehouse or change its own settings."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import duckdb
import pytest

from flows.cli import main
from tests.warehouse_factory import small_warehouse


def _files(root: Path) -> dict[str, str]:
    """Every file of the warehouse but the lock, with a hash of its bytes."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*")) if p.is_file() and p.name != ".write.lock"
    }


def _sql(capsys, *argv: str) -> tuple[int, str, list[str]]:
    code = main(["sql", *argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err.strip().splitlines()


def test_explain_analyze_copy_over_a_part_file_is_refused_and_the_part_is_intact(warehouse: Path, capsys):
    part = small_warehouse(warehouse)
    before = part.read_bytes()
    code, _, err = _sql(capsys, f"EXPLAIN ANALYZE COPY (SELECT 1 AS x) TO '{part}' (FORMAT parquet)")
    assert code == 2 and len(err) == 1 and "EXPLAIN of COPY statements is refused" in err[0]
    assert part.read_bytes() == before
    code, out, _ = _sql(capsys, "--format", "json", "SELECT count(*) AS n FROM articles")
    assert code == 0 and json.loads(out) == [{"n": 5}]


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("COPY articles TO '{part}' (FORMAT parquet)", "COPY statements are refused"),
        ("EXPLAIN ANALYZE LOAD httpfs", "EXPLAIN of LOAD statements is refused"),
        ("EXPLAIN ANALYZE SET threads = 1", "EXPLAIN of SET statements is refused"),
        ("EXPLAIN ANALYZE CREATE TEMP TABLE t AS SELECT 1", "EXPLAIN of CREATE statements is refused"),
        ("ATTACH '{root}/other.duckdb' AS other", "ATTACH statements are refused"),
        ("SET enable_external_access = true", "SET statements are refused"),
        ("RESET lock_configuration", "RESET statements are refused"),
        ("LOAD httpfs", "LOAD statements are refused"),
        ("INSTALL httpfs", "INSTALL statements are refused"),
        ("CREATE TEMP TABLE t AS SELECT * FROM articles", "CREATE statements are refused"),
        ("PRAGMA profiling_output = '{part}'", "PRAGMA statements are refused"),
        ("PRAGMA enable_profiling", "PRAGMA statements are refused"),
        ("CALL pragma_version()", "CALL statements are refused"),
        ("SELECT 1; COPY articles TO '{part}'", "one statement at a time; got 2"),
        ("EXPORT DATABASE '{root}/export'", "EXPORT statements are refused"),
    ],
)
def test_statements_that_are_not_a_select_are_refused_by_name(sql: str, message: str, warehouse: Path, capsys):
    part = small_warehouse(warehouse)
    before = _files(warehouse)
    code, out, err = _sql(capsys, sql.replace("{part}", str(part)).replace("{root}", str(warehouse)))
    assert code == 2 and out == "" and len(err) == 1 and message in err[0], err
    assert _files(warehouse) == before


@pytest.mark.parametrize(
    "source",
    [
        "read_csv('https://example.com/data.csv')",
        "read_parquet('s3://bucket/x.parquet')",
        "sqlite_scan('{root}/x.sqlite', 't')",
        "read_csv('/etc/hostname')",
    ],
)
def test_sources_outside_the_warehouse_are_one_line_and_install_nothing(source: str, warehouse: Path, capsys):
    small_warehouse(warehouse)
    code, _, err = _sql(capsys, f"SELECT * FROM {source.replace('{root}', str(warehouse))}")
    assert code == 2 and len(err) == 1, err
    assert err[0].startswith("pressroom: query ") and "download" not in err[0].lower() and "install" not in err[0].lower()


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT title FROM articles ORDER BY title",
        "SELECT title, row_number() OVER (ORDER BY doc_id DESC) AS r FROM article_versions",
        "SELECT count(*) FROM read_parquet('{root}/articles/**/*.parquet')",
        "FROM documents SELECT doc_id",
        "DESCRIBE articles",
        "SHOW TABLES",
        "EXPLAIN SELECT * FROM articles",
        "EXPLAIN ANALYZE SELECT count(*) FROM articles",
        "WITH t AS (SELECT doc_id FROM articles) SELECT count(*) FROM t",
        "SELECT * FROM pragma_table_info('articles')",
    ],
)
def test_reads_still_work(sql: str, warehouse: Path, capsys):
    small_warehouse(warehouse)
    code, out, err = _sql(capsys, "--format", "json", sql.replace("{root}", str(warehouse)))
    assert code == 0 and err == [] and json.loads(out)


def test_the_query_connection_cannot_change_its_guards(warehouse: Path):
    from warehouse.query import query_connection

    small_warehouse(warehouse)
    con = query_connection(warehouse)
    try:
        for statement in ("SET enable_external_access = true", "SET autoinstall_known_extensions = true", "RESET allowed_directories"):
            with pytest.raises(duckdb.Error, match="locked"):
                con.execute(statement)
        assert con.execute("SELECT count(*) FROM articles").fetchall() == [(5,)]
    finally:
        con.close()


def test_sql_on_a_missing_warehouse_is_one_line_and_creates_nothing(tmp_path: Path, monkeypatch, capsys):
    missing = tmp_path / "no" / "warehouse"
    monkeypatch.setenv("PRESSROOM_WAREHOUSE", str(missing))
    code, out, err = _sql(capsys, "SELECT count(*) FROM articles")
    assert code == 2 and out == "" and len(err) == 1 and f"no warehouse at {missing}" in err[0]
    assert not (tmp_path / "no").exists()


@pytest.mark.parametrize("call", ["enable_logging(storage = 'file', storage_path = '{warehouse}/articles')", "checkpoint()", "truncate_duckdb_logs()"])
def test_a_select_of_a_table_function_that_acts_is_refused(warehouse: Path, capsys, call: str):
    small_warehouse(warehouse)
    before = _files(warehouse)
    # a table function, so a SELECT: enable_logging would write DuckDB's log into the warehouse
    code, _, err = _sql(capsys, f"SELECT * FROM (SELECT 1) JOIN {call.format(warehouse=warehouse)} ON true")
    assert code == 2 and len(err) == 1 and "changes DuckDB's state and is refused" in err[0]
    assert _files(warehouse) == before
