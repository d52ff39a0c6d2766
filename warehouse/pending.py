"""The work left for the language and dedup flows: DuckDB anti-joins over the stored tables,
streamed in batches, never a Python loop over everything.

Ids are found first and texts read only from the files that hold such versions: carried
through one anti-join or the `articles` view's latest-version window, every stored text would
be decoded (bench/README.md has the numbers)."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import duckdb
import pyarrow as pa

from warehouse.schemas import ARTICLES, LANGUAGES
from warehouse.scratch import scratch_connection
from warehouse.storage import WarehouseRoot, sql_literal
from warehouse.tables import table_scan


def untagged_articles(
    root: WarehouseRoot, tagger: str, retag: bool, batch_rows: int, on_total: Callable[[int], None] | None = None
) -> Iterator[pa.RecordBatch]:
    """Article versions with no tag from `tagger` (all of them when `retag`), in batches of
    `article_id, content_sha256, title, description, text`, ordered by article_id; `on_total`
    is told how many there are before the first batch (a progress bar's total).

    """
    with scratch_connection(root) as con:
        con.execute(f"CREATE TEMP TABLE pending_untagged AS {_untagged_sql(root, retag)}", {} if retag else {"tagger": tagger})
        if on_total is not None:
            on_total(con.execute("SELECT count(*) FROM pending_untagged").fetchall()[0][0])
        files = [row[0] for row in con.execute("SELECT DISTINCT filename FROM pending_untagged ORDER BY 1").fetchall()]
        if not files:
            return
        yield from con.sql(
            f"""SELECT a.article_id, a.content_sha256, a.title, a.description, a.text
                FROM {_parquet_files(files)} AS a SEMI JOIN pending_untagged USING (article_id)
                ORDER BY a.article_id"""
        ).to_arrow_reader(batch_rows)


def _untagged_sql(root: Path, retag: bool) -> str:
    """`article_id, filename` of the article versions without a tag from `$tagger` (all when `retag`)."""
    condition = "" if retag else (
        f"ANTI JOIN (SELECT article_id FROM {table_scan(root, LANGUAGES)} WHERE tagger = $tagger) USING (article_id)"
    )
    return f"SELECT article_id, filename FROM {table_scan(root, ARTICLES, filename=True)} {condition}"


def untagged_count(root: WarehouseRoot, tagger: str) -> int:
    """How many article versions have no tag from `tagger` (what a language run would tag); the
    command line asks before it starts a flow, so a run with nothing to do costs one query."""
    with scratch_connection(root) as con:
        return con.execute(f"SELECT count(*) FROM ({_untagged_sql(root, retag=False)})", {"tagger": tagger}).fetchall()[0][0]


def compared_articles(con: duckdb.DuckDBPyConnection) -> str:
    """Take the set a dedup run signs and compares: the latest version of every document with
    its newest language tag (`article_id, language` of the `tagged_articles` view), as stored
    now, into a temporary table of `con` (a warehouse connection); returns the table's name.
    Taken once, so both steps see the same set and the view is evaluated once."""
    con.execute("CREATE OR REPLACE TEMP TABLE pending_compared AS SELECT article_id, language FROM tagged_articles")
    return "pending_compared"


def unsigned_articles(
    con: duckdb.DuckDBPyConnection,
    root: WarehouseRoot,
    signed: str,
    compared: str,
    batch_rows: int,
    max_batches: int = 100,
    on_total: Callable[[int], None] | None = None,
) -> Iterator[pa.RecordBatch]:
    """Articles of the `compared` table (`compared_articles`) whose id is not in the table
    `signed` (the dedup cache's signatures of the current settings), in batches of
    `article_id, content_sha256, text, published_at, language`. `con` is a warehouse
    connection (`warehouse.catalog.connect`) of the warehouse at `root`.

    A batch holds `batch_rows` articles, or a multiple of it when more would make more than
    `max_batches` batches: each batch becomes one task and one signatures file, and every write
    checks its keys against every stored file, so that cost grows with the square of the files.
    `on_total` is told how many articles there are before the first batch."""
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE pending_unsigned AS
            SELECT article_id, language FROM {compared} ANTI JOIN {signed} USING (article_id)"""
    )
    unsigned = con.execute("SELECT count(*) FROM pending_unsigned").fetchall()[0][0]
    if on_total is not None:
        on_total(unsigned)
    batch_rows *= max(1, math.ceil(unsigned / (batch_rows * max_batches)))
    files = [
        row[0]
        for row in con.execute(
            f"""SELECT DISTINCT filename FROM {table_scan(root, ARTICLES, filename=True)}
                SEMI JOIN pending_unsigned USING (article_id) ORDER BY 1"""
        ).fetchall()
    ]
    if not files:
        return iter(())
    reader = con.sql(
        # in file order, not sorted: a sort would hold every text before the first batch
        f"""SELECT a.article_id, a.content_sha256, a.text, a.published_at, u.language
            FROM {_parquet_files(files)} AS a JOIN pending_unsigned AS u USING (article_id)"""
    ).to_arrow_reader(batch_rows)
    return _read_ahead(reader)


def _parquet_files(files: list[str]) -> str:
    """A scan of the Parquet files `files`, named as literals rather than a query parameter:
    DuckDB runs a query with parameters whole before its Arrow reader gives a first batch, where
    one without streams (the unsigned texts of 21,000 articles: 1.3-2.2 s before a first batch,
    against 0.2-0.4 s for all of them; the workers waited for it)."""
    return f"read_parquet([{', '.join(sql_literal(f) for f in files)}], hive_partitioning = false)"


def _read_ahead(reader: pa.RecordBatchReader) -> Iterator[pa.RecordBatch]:
    """The batches of `reader`, each next one read in a thread while the caller works on the
    current one: the caller's work runs in worker processes, and reading waited for it."""
    with ThreadPoolExecutor(1) as thread:
        pending = thread.submit(_next_batch, reader)
        while (batch := pending.result()) is not None:
            pending = thread.submit(_next_batch, reader)
            yield batch


def _next_batch(reader: pa.RecordBatchReader) -> pa.RecordBatch | None:
    try:
        return reader.read_next_batch()
    except StopIteration:
        return None
