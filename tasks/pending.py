"""Finding the work left for the language and dedup flows: DuckDB anti-joins over the stored
tables, streamed in batches, never a Python loop over everything."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pyarrow as pa

from warehouse.scratch import scratch_connection
from warehouse.schemas import ARTICLES, LANGUAGES
from warehouse.writer import table_glob

if TYPE_CHECKING:
    from tasks.dedup_cache import DedupCache


def _stream(sql: str, parameters: dict, batch_rows: int) -> Iterator[pa.RecordBatch]:
    with scratch_connection() as con:
        yield from con.sql(sql, params=parameters).to_arrow_reader(batch_rows)


def untagged_articles(root: Path, tagger: str, retag: bool, batch_rows: int) -> Iterator[pa.RecordBatch]:
    """Article versions with no tag from `tagger` (all of them when `retag`), in batches of
    `article_id, content_sha256, title, description, text`."""
    articles = table_glob(root, ARTICLES)
    languages = table_glob(root, LANGUAGES)
    condition = "" if retag else (
        f"ANTI JOIN (SELECT article_id FROM read_parquet('{languages}', hive_partitioning=false) WHERE tagger = $tagger) "
        "USING (article_id)"
    )
    sql = f"""
        SELECT a.article_id, a.content_sha256, a.title, a.description, a.text
        FROM read_parquet('{articles}', hive_partitioning=false) AS a
        {condition}
        ORDER BY a.article_id
    """
    return _stream(sql, {"tagger": tagger} if not retag else {}, batch_rows)


def unsigned_articles(con: duckdb.DuckDBPyConnection, cache: DedupCache, batch_rows: int) -> Iterator[pa.RecordBatch]:
    """Latest article versions (the `articles` view) without a signature in the attached dedup
    cache (which holds the signatures of the current settings), in batches of `article_id,
    content_sha256, text, published_at, language`. `con` is a warehouse connection
    (`warehouse.catalog.connect`)."""
    return con.sql(
        f"""
        SELECT article_id, content_sha256, text, published_at, language FROM articles
        ANTI JOIN {cache.schema}.sig USING (article_id)
        ORDER BY article_id
        """
    ).to_arrow_reader(batch_rows)
