"""Export rows of the warehouse (the `articles` view, or a read-only query) to a JSONL, Parquet
or CSV file, or to a folder of such files, through DuckDB's own COPY.

Two DuckDB databases, each able to touch one place only (`enable_external_access = false`
with `allowed_directories`, then `lock_configuration`): the reading one has the catalog file
attached read-only, may read under the warehouse root only, and runs the one SELECT; the
writing one may write in a temporary sibling of OUT only, and COPYs the rows it is handed as
an Arrow stream. Rows pass
between them in batches of BATCH_ROWS, so memory stays bounded by DuckDB's memory limit and a
batch, and the batches are what the progress counts (DuckDB's own `query_progress()` was
measured stuck at one value, or -1, through the whole COPY of the `articles` view).

OUT appears only when the COPY succeeded: it is written inside the temporary sibling and renamed
into place, so a failed or interrupted export leaves no partial OUT (and, with `force`, the old
OUT untouched).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import duckdb
import pyarrow as pa

from warehouse.catalog import ensure_catalog, holds_warehouse
from warehouse.query import QueryRefused, check_read_only
from warehouse.storage import WarehouseRoot, check_reachable, configure_duckdb, location, sql_literal

ExportFormat = Literal["jsonl", "parquet", "csv"]
Compression = Literal["gzip", "zstd"]
FORMATS: tuple[ExportFormat, ...] = ("jsonl", "parquet", "csv")
COMPRESSIONS: tuple[Compression, ...] = ("gzip", "zstd")
# Rows handed from the reading connection to the writing one at a time (and the progress step).
BATCH_ROWS = 2048
# Parquet row groups: a reader (pyarrow, Hugging Face datasets, DuckDB) holds one at a time, and
# DuckDB buffers one per writing thread, so they are kept to a few tens of MB of article text.
PARQUET_ROW_GROUP_ROWS = 10_000
# A folder export is cut into files of about this size (DuckDB's FILE_SIZE_BYTES).
FOLDER_FILE_BYTES = "500MB"
_SUFFIXES = {".parquet": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl", ".csv": "csv"}
_COMPRESSION_SUFFIXES = {".gz": "gzip", ".zst": "zstd"}

Progress = Callable[[int, int | None], None]
"""Told `(rows_done_since_last_call, total_rows_or_None)` as rows are exported."""


class ExportRefused(ValueError):
    """An export that must not run: OUT exists, a bad --where or --query, a bad place for OUT."""


@dataclass(frozen=True)
class ExportTarget:
    """Where and how an export writes."""

    out: Path
    format: ExportFormat
    compression: Compression | None
    folder: bool  # a folder of files (data_0.<ext>, ...) rather than one file


@dataclass(frozen=True)
class ExportResult:
    """What an export wrote."""

    rows: int
    path: Path
    bytes: int


def plan_target(out: str, format: ExportFormat | None = None, compression: Compression | None = None) -> ExportTarget:
    """The target for OUT: a folder when OUT ends with a separator or is an existing folder;
    the format and compression as given, else from OUT's name (`x.jsonl.gz`), else JSONL."""
    folder = out.endswith(("/", os.sep)) or Path(out).is_dir()
    path = Path(out).expanduser().absolute()
    suffixes = [s.lower() for s in path.suffixes]
    if compression is None and suffixes and suffixes[-1] in _COMPRESSION_SUFFIXES:
        compression = _COMPRESSION_SUFFIXES[suffixes[-1]]  # type: ignore[assignment]
    if format is None:
        named = [_SUFFIXES[s] for s in suffixes if s in _SUFFIXES]
        format = named[-1] if named else "jsonl"  # type: ignore[assignment]
    return ExportTarget(path, format, compression, folder)


def select_sql(unique: bool = False, where: str | None = None, query: str | None = None) -> str:
    """The one SELECT an export runs: a read-only `query`, or the `articles` view (the
    `unique_articles` view with `unique`), filtered by the SQL expression `where`.

    Raises ExportRefused for anything but exactly one SELECT (a --where that smuggles in a
    second statement, a --query that writes), and duckdb.ParserException for bad SQL."""
    if query is not None:
        if unique or where is not None:
            raise ExportRefused("--query exports its own rows: it takes no --unique or --where")
        try:
            check_read_only(query)
        except QueryRefused as exc:
            raise ExportRefused(str(exc).replace("pressroom sql", "pressroom export --query")) from None
        return _one_select(query, "--query")
    sql = f"SELECT * FROM {'unique_articles' if unique else 'articles'}"
    if where is not None:
        if not where.strip():
            raise ExportRefused("--where needs an expression, e.g. \"language = 'de'\"")
        # the expression on lines of its own, so a trailing `--` comment cannot swallow the rest
        sql += f" WHERE (\n{where}\n)"
        return _one_select(sql, "--where")
    return sql


def _one_select(sql: str, option: str) -> str:
    """`sql` as the text of its only statement; ExportRefused unless it is one SELECT."""
    try:
        statements = duckdb.extract_statements(sql)
    except duckdb.Error as exc:
        raise duckdb.ParserException(str(exc).splitlines()[0]) from None
    if len(statements) != 1 or statements[0].type.name != "SELECT":
        kinds = ", ".join(s.type.name for s in statements) or "nothing"
        raise ExportRefused(f"{option} must make exactly one SELECT statement; it makes {kinds}")
    # the statement's own text, without the `;` that ends it (it goes inside COPY's parentheses)
    return statements[0].query.strip().rstrip(";").strip()


def export(
    root: WarehouseRoot,
    target: ExportTarget,
    sql: str,
    force: bool = False,
    memory_limit: str | None = None,
    progress: Progress | None = None,
) -> ExportResult:
    """Write the rows of the read-only SELECT `sql` (see `select_sql`) to `target`.

    Raises ExportRefused when OUT exists (without `force`), lies inside the warehouse or has
    no parent folder, and duckdb.Error when DuckDB cannot run the query or write the file."""
    out = target.out
    check_reachable(root)
    if not holds_warehouse(root):  # an export reads: it must not create an empty warehouse
        raise ExportRefused(f"no warehouse at {root} (set PRESSROOM_WAREHOUSE, or run `pressroom ingest` to create one)")
    _check_place(root, out, force)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    try:
        written = staging / out.name
        rows = _copy(root, sql, target, written, memory_limit, progress)
        _move_into_place(written, out, staging)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    size = sum(p.stat().st_size for p in out.rglob("*") if p.is_file()) if out.is_dir() else out.stat().st_size
    return ExportResult(rows, out, size)


def _check_place(root: WarehouseRoot, out: Path, force: bool) -> None:
    if out.exists() and not force:
        raise ExportRefused(f"{out} exists; add --force to replace it")
    if not out.parent.is_dir():
        raise ExportRefused(f"no such folder: {out.parent}")
    if isinstance(root, Path) and (out.resolve().is_relative_to(root) or root.is_relative_to(out.resolve())):
        # the views read every Parquet file under the root: an export there would become data
        raise ExportRefused(f"{out} is inside the warehouse {root} (or holds it); export elsewhere")


def _copy(root: WarehouseRoot, sql: str, target: ExportTarget, written: Path, memory_limit: str | None, progress: Progress | None) -> int:
    """COPY the rows of `sql` to `written`; returns the number of rows."""
    reader = _database(memory_limit)
    writer = None
    try:
        reader.execute(f"ATTACH {sql_literal(str(ensure_catalog(root)))} AS warehouse (READ_ONLY)")
        reader.execute("USE warehouse")
        configure_duckdb(reader, root)
        _lock(reader, location(root))
        writer = _database(memory_limit)
        _lock(writer, str(written.parent))
        total = reader.execute(f"SELECT count(*) FROM (\n{sql}\n) AS export_rows").fetchall()[0][0]
        if progress:
            progress(0, total)
        batches = reader.sql(sql).to_arrow_reader(BATCH_ROWS)
        writer.register("export_rows", pa.RecordBatchReader.from_batches(batches.schema, _counted(batches, progress)))
        return writer.execute(f"COPY export_rows TO {sql_literal(str(written))} ({copy_options(target)})").fetchall()[0][0]
    finally:
        if writer is not None:
            writer.close()
        reader.close()


def _database(memory_limit: str | None) -> duckdb.DuckDBPyConnection:
    """A connection to an in-memory database of its own (DuckDB shares one database per file
    within a process: settings made on a connection to the catalog file would bind every other
    connection to it), with timestamps in UTC and DuckDB's memory capped, spilling to the
    system's temporary folder beyond it."""
    con = duckdb.connect()
    con.execute("SET TimeZone = 'UTC'")  # timestamps in JSON and CSV are written in UTC
    con.execute("SET enable_progress_bar = false")
    if memory_limit:
        con.execute("SET memory_limit = ?", [memory_limit])
        con.execute("SET temp_directory = ?", [tempfile.gettempdir()])
    return con


def _lock(con: duckdb.DuckDBPyConnection, folder: str) -> None:
    """Let `con` read and write files under `folder` (a path or an `s3://` prefix) only, for
    good: no setting can be changed after this, so a query cannot turn the guard off."""
    separator = "/" if folder.startswith("s3://") else os.sep
    con.execute("SET allowed_directories = [?]", [folder.rstrip(separator) + separator])
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def _counted(batches: pa.RecordBatchReader, progress: Progress | None) -> Iterator[pa.RecordBatch]:
    for batch in batches:
        if progress:
            progress(batch.num_rows, None)
        yield batch


def copy_options(target: ExportTarget) -> str:
    """The options of DuckDB's COPY for `target` (identical in DuckDB 1.5 and 2.0)."""
    options = {
        "jsonl": ["FORMAT json"],  # newline-delimited: one object per line
        "csv": ["FORMAT csv", "HEADER true"],
        "parquet": ["FORMAT parquet", f"ROW_GROUP_SIZE {PARQUET_ROW_GROUP_ROWS}"],
    }[target.format]
    if target.format == "parquet":
        options.append(f"COMPRESSION {target.compression or 'zstd'}")  # Parquet is always compressed
    elif target.compression:
        options.append(f"COMPRESSION {target.compression}")
    if target.folder:
        options.append(f"FILE_SIZE_BYTES '{FOLDER_FILE_BYTES}'")
    return ", ".join(options)


def _move_into_place(written: Path, out: Path, staging: Path) -> None:
    """Rename the finished export to OUT, replacing what --force allowed to replace."""
    if out.exists() and (out.is_dir() or written.is_dir()) and not out.is_symlink():
        # a folder cannot replace (or be replaced by) anything in one rename: the old OUT goes
        # into staging, which is deleted after
        out.rename(staging / ".replaced")
    os.replace(written, out)
