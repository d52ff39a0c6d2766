"""`pressroom export` on a warehouse built by the real flows (the seed documents and the example
corpus, tagged and deduplicated): each format read back by DuckDB with identical rows, the
Parquet file opened with pyarrow and the JSONL with the json module, --force, bad input refused
in one line, and the progress counts."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from conftest import EXAMPLES

from flows.cli import EXPORT_COMPRESSIONS, EXPORT_FORMATS, main
from warehouse import export as export_module
from warehouse.catalog import connect
from warehouse.export import ExportRefused, export, plan_target, select_sql
from warehouse.query import run_query


@pytest.fixture(scope="module")
def built(prefect_harness, seeds: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A warehouse of the seeds and the example corpus, ingested through the command line (with
    --workers, --batch-size and -q), then tagged and deduplicated."""
    root = (tmp_path_factory.mktemp("export") / "warehouse").resolve()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("PRESSROOM_WAREHOUSE", str(root))
        env.setenv("PRESSROOM_WORKERS", "1")
        env.setenv("PRESSROOM_BATCH_SIZE", "200")
        env.setenv("PREFECT_LOGGING_LEVEL", "WARNING")  # main sets it for -q; restored after
        assert main(["ingest", "-q", "--workers", "1", "--batch-size", "5", str(seeds), str(EXAMPLES)]) == 0
        assert main(["languages", "-q"]) == 0
        assert main(["dedup", "-q"]) == 0
    return root


@pytest.fixture(scope="module")
def seeds() -> Path:
    from conftest import SEEDS

    if not SEEDS.is_dir():
        pytest.skip(f"seed documents not found at {SEEDS}")
    return SEEDS


@pytest.fixture
def wh(built: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("PRESSROOM_WAREHOUSE", str(built))
    return built


def _reader(out: Path, fmt: str, columns: list[tuple[str, str]], compression: str = "auto") -> str:
    """DuckDB's reader of an export, told the source's column types (JSON and CSV carry none)
    and the compression when the name does not tell it."""
    spec = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in columns) + "}"
    path = str(out).replace("'", "''")
    return {
        "parquet": f"read_parquet('{path}')",
        # DuckDB 1.5's JSON reader spells "detect it" auto_detect, its CSV reader auto
        "jsonl": f"read_json('{path}', columns = {spec}, format = 'newline_delimited', compression = '{'auto_detect' if compression == 'auto' else compression}')",
        "csv": f"read_csv('{path}', columns = {spec}, header = true, compression = '{compression}')",
    }[fmt]


def _differences(root: Path, source: str, reader: str) -> tuple[int, int, int]:
    """Rows of `source` missing from the export, rows of the export not in `source`, and the
    export's row count."""
    con = connect(root)
    try:
        missing = con.execute(f"SELECT count(*) FROM (SELECT * FROM {source} EXCEPT ALL SELECT * FROM {reader})").fetchall()[0][0]
        extra = con.execute(f"SELECT count(*) FROM (SELECT * FROM {reader} EXCEPT ALL SELECT * FROM {source})").fetchall()[0][0]
        count = con.execute(f"SELECT count(*) FROM {reader}").fetchall()[0][0]
    finally:
        con.close()
    return missing, extra, count


def _columns(root: Path, source: str) -> list[tuple[str, str]]:
    con = connect(root)
    try:
        return [(row[0], row[1]) for row in con.execute(f"DESCRIBE SELECT * FROM {source}").fetchall()]
    finally:
        con.close()


@pytest.mark.parametrize(
    ("name", "options", "fmt"),
    [
        ("articles.jsonl", [], "jsonl"),
        ("articles.parquet", [], "parquet"),
        ("articles.csv", [], "csv"),
        ("articles.jsonl.gz", [], "jsonl"),
        ("articles.csv", ["--compress", "zstd"], "csv"),
        ("articles.parquet", ["--compress", "gzip"], "parquet"),
        ("articles", ["--format", "parquet"], "parquet"),
    ],
)
def test_each_format_reads_back_with_identical_rows(wh: Path, tmp_path: Path, name, options, fmt, capsys):
    out = tmp_path / name
    assert main(["export", str(out), *options]) == 0
    total = run_query(wh, "SELECT count(*) FROM articles")[1][0][0]
    assert total >= 20  # the seeds and the example corpus
    assert capsys.readouterr().out.startswith(f"{total:,} rows to {out}")
    compression = options[1] if options[:1] == ["--compress"] and fmt != "parquet" else "auto"
    assert _differences(wh, "articles", _reader(out, fmt, _columns(wh, "articles"), compression)) == (0, 0, total)
    assert [p.name for p in tmp_path.iterdir()] == [name]  # nothing left beside it


def test_parquet_opens_with_pyarrow_and_jsonl_with_json(wh: Path, tmp_path: Path):
    assert main(["export", "-q", str(tmp_path / "a.parquet")]) == 0
    assert main(["export", "-q", str(tmp_path / "a.jsonl")]) == 0
    columns, rows = run_query(wh, "SELECT * FROM articles ORDER BY article_id")

    parquet = pq.ParquetFile(tmp_path / "a.parquet")
    assert parquet.metadata.num_rows == len(rows)
    assert parquet.metadata.row_group(0).column(0).compression == "ZSTD"
    table = parquet.read_row_group(0)
    assert table.column_names == columns
    assert str(table.schema.field("published_at").type) == "timestamp[us, tz=UTC]"
    stored = {r[columns.index("article_id")]: r for r in rows}
    for got in parquet.read().to_pylist():
        want = dict(zip(columns, stored[got["article_id"]]))
        assert got["title"] == want["title"] and got["text"] == want["text"] and got["authors"] == want["authors"]

    lines = (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines()
    objects = [json.loads(line) for line in lines]
    assert len(objects) == len(rows) and all(list(o) == columns for o in objects)
    by_id = {o["article_id"]: o for o in objects}
    for row in rows:
        want = dict(zip(columns, row))
        got = by_id[want["article_id"]]
        assert got["text"] == want["text"] and got["categories"] == want["categories"] and got["word_count"] == want["word_count"]


def test_unique_where_and_query_choose_the_rows(wh: Path, tmp_path: Path):
    unique = run_query(wh, "SELECT count(*) FROM unique_articles")[1][0][0]
    assert unique < run_query(wh, "SELECT count(*) FROM articles")[1][0][0]  # the seeds hold duplicates
    assert main(["export", "-q", "--unique", str(tmp_path / "u.parquet")]) == 0
    assert _differences(wh, "unique_articles", _reader(tmp_path / "u.parquet", "parquet", [])) == (0, 0, unique)

    where = "language = 'en' AND word_count > 50 -- a trailing comment swallows nothing"
    assert main(["export", "-q", "--where", where, str(tmp_path / "w.jsonl")]) == 0
    source = "(SELECT * FROM articles WHERE language = 'en' AND word_count > 50)"
    missing, extra, count = _differences(wh, source, _reader(tmp_path / "w.jsonl", "jsonl", _columns(wh, "articles")))
    assert (missing, extra) == (0, 0) and count > 0

    query = "SELECT title, word_count FROM articles ORDER BY word_count DESC, title;"
    assert main(["export", "-q", "--query", query, str(tmp_path / "q.jsonl")]) == 0
    exported = [json.loads(line) for line in (tmp_path / "q.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [(o["title"], o["word_count"]) for o in exported] == run_query(wh, query)[1]  # in the query's order


def test_a_folder_export_is_a_folder_of_parquet_files(wh: Path, tmp_path: Path):
    out = tmp_path / "shards"
    assert main(["export", "-q", "--format", "parquet", f"{out}/"]) == 0
    assert [p.name for p in out.iterdir()] == ["data_0.parquet"]
    total = run_query(wh, "SELECT count(*) FROM articles")[1][0][0]
    assert _differences(wh, "articles", f"read_parquet('{out}/*.parquet')") == (0, 0, total)


def test_force_is_needed_to_replace_and_replaces(wh: Path, tmp_path: Path, capsys):
    out = tmp_path / "a.jsonl"
    out.write_text("keep me\n")
    assert main(["export", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"pressroom: {out} exists; add --force to replace it"]
    assert out.read_text() == "keep me\n"

    assert main(["export", "-q", "--force", "--where", "nonsense = 1", str(out)]) == 2  # fails: old OUT untouched
    assert out.read_text() == "keep me\n"
    assert main(["export", "-q", "--force", str(out)]) == 0
    assert len(out.read_text(encoding="utf-8").splitlines()) == run_query(wh, "SELECT count(*) FROM articles")[1][0][0]

    folder = tmp_path / "was-a-folder.parquet"
    folder.mkdir()
    (folder / "old.txt").write_text("old")
    assert main(["export", "-q", "--force", "--format", "parquet", str(folder)]) == 0  # an existing folder stays a folder
    assert [p.name for p in folder.iterdir()] == ["data_0.parquet"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jsonl", "was-a-folder.parquet"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (["--where", "1=1); DROP VIEW articles; SELECT (1"], "--where must make exactly one SELECT statement; it makes SELECT, DROP, SELECT"),
        (["--where", "1=1; DROP VIEW articles"], 'export failed: Parser Error: syntax error at or near ";"'),
        (["--where", "1=1) TO '/tmp/x.csv' (FORMAT csv); SELECT (1"], "export failed: Parser Error"),
        (["--where", " "], "--where needs an expression"),
        (["--where", "nonsense = 1"], 'export failed: Binder Error: Referenced column "nonsense" not found'),
        (["--query", "DELETE FROM articles"], "pressroom export --query is read-only: DELETE statements are refused"),
        (["--query", "COPY articles TO '/tmp/x.csv'"], "read-only: COPY statements are refused"),
        # refused by check_read_only or by export's one-SELECT rule, depending on the version of
        # the former (pressroom sql's own check may refuse several statements first)
        (["--query", "SELECT 1; SELECT 2"], "--query"),
        (["--query", "EXPLAIN SELECT 1"], "--query must make exactly one SELECT statement; it makes EXPLAIN"),
        (["--query", "SELECT * FROM articles", "--unique"], "--query exports its own rows: it takes no --unique or --where"),
        # the reading connection can open the warehouse and nothing else
        (["--query", "SELECT * FROM read_csv('/etc/hostname')"], 'export failed: Permission Error: Cannot access file "/etc/hostname"'),
        (["--where", "1 = 1", "--query", "SELECT 1"], "argument --query: not allowed with argument --where"),
        (["--format", "xml"], "argument --format: invalid choice: 'xml'"),
    ],
)
def test_bad_input_is_one_line_and_leaves_nothing(wh: Path, tmp_path: Path, options, message, capsys):
    out = tmp_path / "out.jsonl"
    with_exit = _exit_code(lambda: main(["export", *options, str(out)]))
    assert with_exit == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("pressroom: ") and message in err[0], err
    assert list(tmp_path.iterdir()) == []  # no OUT, no temporary sibling


def _exit_code(call) -> int:
    """A command's exit status, whether it returns it or argparse exits with it."""
    try:
        return call()
    except SystemExit as exc:
        return int(exc.code)


def test_out_is_refused_inside_the_warehouse_or_without_its_folder(wh: Path, tmp_path: Path, capsys):
    assert main(["export", str(wh / "articles" / "x.parquet")]) == 2
    assert main(["export", str(tmp_path / "no" / "x.parquet")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        f"pressroom: {wh / 'articles' / 'x.parquet'} is inside the warehouse {wh} (or holds it); export elsewhere",
        f"pressroom: no such folder: {tmp_path / 'no'}",
    ]
    assert not (wh / "articles" / "x.parquet").exists()


def test_progress_counts_every_row_against_the_total(wh: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setattr(export_module, "BATCH_ROWS", 4)  # several batches from a small warehouse
    calls: list[tuple[int, int | None]] = []
    result = export(wh, plan_target(str(tmp_path / "a.parquet")), select_sql(), progress=lambda n, total: calls.append((n, total)))
    total = run_query(wh, "SELECT count(*) FROM articles")[1][0][0]
    assert calls[0] == (0, total) and result.rows == total
    advances = [n for n, t in calls[1:]]
    assert sum(advances) == total and len(advances) >= total // 4 and max(advances) <= 4
    assert all(t is None for _, t in calls[1:])


def test_targets_follow_the_name_unless_told(tmp_path: Path):
    assert plan_target(str(tmp_path / "a.jsonl.zst")).format == "jsonl"
    assert plan_target(str(tmp_path / "a.jsonl.zst")).compression == "zstd"
    assert plan_target(str(tmp_path / "a.csv.gz"), "parquet", None).format == "parquet"
    assert plan_target(str(tmp_path / "a.out")).format == "jsonl"
    assert plan_target(str(tmp_path / "a") + "/").folder and not plan_target(str(tmp_path / "a")).folder
    assert (EXPORT_FORMATS, EXPORT_COMPRESSIONS) == (export_module.FORMATS, export_module.COMPRESSIONS)
    with pytest.raises(ExportRefused):
        select_sql(where="1=1); SELECT (2")
    with pytest.raises(duckdb.ParserException):
        select_sql(query="SELEC nothing")


def test_the_guards_bind_the_export_only(wh: Path, tmp_path: Path):
    """The export's connections are databases of their own: a connection to the catalog open
    in the same process (DuckDB shares one database per file) still reads other files after."""
    outside = tmp_path / "elsewhere.csv"
    outside.write_text("a\n1\n")
    con = connect(wh)
    try:
        export(wh, plan_target(str(tmp_path / "a.jsonl")), select_sql())
        assert con.execute(f"SELECT a FROM read_csv('{outside}')").fetchall() == [(1,)]
    finally:
        con.close()


def test_no_warehouse_is_one_line_and_none_is_created(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.setenv("PRESSROOM_WAREHOUSE", str(tmp_path / "none"))
    assert main(["export", str(tmp_path / "a.jsonl")]) == 2
    assert capsys.readouterr().err.strip() == f"pressroom: no warehouse at {tmp_path / 'none'} (set PRESSROOM_WAREHOUSE, or run `pressroom ingest` to create one)"
    assert list(tmp_path.iterdir()) == []
