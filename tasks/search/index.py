"""The search index: an inverted index of the latest article versions in DuckDB tables, kept
current incrementally, in `<warehouse>/_search/index.duckdb` (derived data: deleting the folder
is safe, the next update rebuilds it).

Tables: `docs` (one row per indexed article version: its number `doc`, language, the stemmer
its terms were made with, site, published_at and length in terms), `texts` (title, url and
zlib-compressed text, for the hits' snippets: read from the part files instead, ten hits would
decode ten files' texts), and `postings` (term, doc, tf; a term is a 64-bit key of the
stemmer and the term's text, `terms.term_key`).
BM25's statistics (document frequencies, average lengths) are computed when a query runs, from
these tables, so an update only deletes the rows of versions no longer the latest (or whose
language tag changed) and appends the new ones; after every ~15 % of growth the postings are
rewritten sorted by term (`_compact_if_due`), which is what keeps queries fast.

Why not DuckDB's `fts` extension: `create_fts_index` rebuilds the whole index on every call,
its tokenizer splits on a regular expression (no segmentation for Chinese, Japanese or Thai),
and one index has one stemmer. bench/README.md has the measurements that chose this design.

An update first compares the article and language part files (names, sizes, modification
times) with those it last indexed; unchanged, it does nothing (a few milliseconds), so
`pressroom search` updates the index before every query.
"""

from __future__ import annotations

import hashlib
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
from filelock import FileLock

from tasks.search.terms import STEMMERS, TERMS_VERSION, UNSTEMMED, term_counts, term_key
from warehouse.catalog import connect
from warehouse.engine import open_database
from warehouse.schemas import ARTICLES, LANGUAGES
from warehouse.tables import table_file_stats, table_scan
from warehouse.storage import WarehouseRoot, local_folder

SCHEMA = "search_index"
INDEX_FOLDER = "_search"
INDEX_FILE = "index.duckdb"
LOCK_TIMEOUT_SECONDS = 600
FORMAT = f"search-index-4/{TERMS_VERSION}"  # a stored index of another format is rebuilt
COMPACT_SHARE = 0.15
COMPACT_MIN_ROWS = 1_000_000

_CREATE = f"""
CREATE TABLE {SCHEMA}.meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE {SCHEMA}.docs (
    doc INTEGER, article_id VARCHAR, language VARCHAR, stemmer VARCHAR, site VARCHAR,
    published_at TIMESTAMPTZ, length INTEGER);
-- the key's ART index makes fetching a hit's text a lookup: a filtered scan read every text of
-- the table (15-20 ms a hit at 5,000 articles, measured)
CREATE TABLE {SCHEMA}.texts (doc INTEGER PRIMARY KEY, title VARCHAR, url VARCHAR, text_zlib BLOB);
CREATE TABLE {SCHEMA}.postings (term BIGINT, doc INTEGER, tf INTEGER);
INSERT INTO {SCHEMA}.meta VALUES ('format', '{FORMAT}'), ('sources', ''), ('unsorted_postings', '0');
"""


@dataclass(frozen=True)
class IndexUpdate:
    """What an update did: articles added, article versions removed, and its duration."""

    added: int
    removed: int
    seconds: float


def index_path(root: WarehouseRoot) -> Path:
    """Where the search index of the warehouse at `root` lives."""
    return local_folder(root) / INDEX_FOLDER / INDEX_FILE


def sources_fingerprint(root: WarehouseRoot) -> str:
    """A digest of the names, sizes and modification times of the article and language part
    files: it changes whenever a flow adds articles or tags."""
    digest = hashlib.sha256()
    for table in (ARTICLES, LANGUAGES):
        for file in table_file_stats(root, table):
            digest.update(f"{file.name}\0{file.size}\0{file.mtime}\n".encode())
    return digest.hexdigest()


def _quoted(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)


def _attach(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Attach the index to `con` as SCHEMA, created (or recreated, when it is not an index of
    this format) as needed."""
    for attempt in range(2):
        try:
            # READ_WRITE: a warehouse connection's own database is read-only, which attaches inherit
            con.execute(f"ATTACH {_quoted(path)} AS {SCHEMA} (READ_WRITE)")
            tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [SCHEMA]).fetchall()}
            if not tables:
                con.execute(_CREATE)
                return
            row = con.execute(f"SELECT value FROM {SCHEMA}.meta WHERE key = 'format'").fetchone()
            if row and row[0] == FORMAT:
                return
        except duckdb.Error:
            if attempt:
                raise  # a fresh file failed too: not a problem a rebuild fixes (a full disk)
        # another format, a partial copy or another DuckDB version's file: derived data, rebuilt
        con.execute(f"DETACH DATABASE IF EXISTS {SCHEMA}")
        _remove(path)


def _indexed_already(path: Path, fingerprint: str) -> bool:
    """True when the index at `path` is of this format and has indexed the files `fingerprint`
    describes: read-only, without the warehouse's views (what every `pressroom search` asks)."""
    if not path.exists():
        return False
    try:
        con = open_database(str(path), read_only=True)
    except duckdb.Error:
        return False  # damaged, or another DuckDB's file: the full path rebuilds it
    try:
        return dict(con.execute("SELECT key, value FROM meta WHERE key IN ('format', 'sources')").fetchall()) == {
            "format": FORMAT, "sources": fingerprint}
    except duckdb.Error:
        return False
    finally:
        con.close()


def update_index(root: WarehouseRoot, batch_rows: int = 2_000, on_start: Callable[[int], None] | None = None) -> IndexUpdate:
    """Bring the search index of the warehouse at `root` up to date with the latest article
    versions and their language tags: remove versions that are no longer the latest (or were
    tagged anew), add those not indexed yet. `on_start(n)` is told how many are to be added
    before the work starts. Committed batch by batch: an interrupted update leaves a consistent
    index that the next update completes."""
    started = time.perf_counter()
    path = index_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path.with_suffix(".lock")), timeout=LOCK_TIMEOUT_SECONDS):
        fingerprint = sources_fingerprint(root)  # before reading: a file added meanwhile shows next time
        if _indexed_already(path, fingerprint):
            return IndexUpdate(0, 0, time.perf_counter() - started)
        con = connect(root)
        try:
            _attach(con, path)
            if con.execute(f"SELECT value FROM {SCHEMA}.meta WHERE key = 'sources'").fetchone()[0] == fingerprint:
                return IndexUpdate(0, 0, time.perf_counter() - started)
            removed, added = _sync(con, root, batch_rows, on_start)
            con.execute(f"UPDATE {SCHEMA}.meta SET value = ? WHERE key = 'sources'", [fingerprint])
        finally:
            con.close()  # detaches the index, checkpointing it
    return IndexUpdate(added, removed, time.perf_counter() - started)


def _sync(con: duckdb.DuckDBPyConnection, root: WarehouseRoot, batch_rows: int, on_start: Callable[[int], None] | None) -> tuple[int, int]:
    """Delete the stale versions and add the new ones; returns (removed, added)."""
    stemmers = pa.table({"language": list(STEMMERS), "stemmer": list(STEMMERS.values())})
    con.register("search_stemmers", stemmers)
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE search_current AS
            SELECT t.article_id, t.language, coalesce(s.stemmer, '{UNSTEMMED}') AS stemmer, t.site, t.published_at
            FROM tagged_articles AS t LEFT JOIN search_stemmers AS s ON lower(t.language) = s.language"""
    )
    same = "d.article_id = c.article_id AND d.language IS NOT DISTINCT FROM c.language"
    con.execute(f"CREATE OR REPLACE TEMP TABLE search_stale AS SELECT doc FROM {SCHEMA}.docs AS d ANTI JOIN search_current AS c ON {same}")
    removed = con.execute("SELECT count(*) FROM search_stale").fetchone()[0]
    if removed:
        con.execute("BEGIN")
        con.execute(f"DELETE FROM {SCHEMA}.postings WHERE doc IN (SELECT doc FROM search_stale)")
        con.execute(f"DELETE FROM {SCHEMA}.texts WHERE doc IN (SELECT doc FROM search_stale)")
        con.execute(f"DELETE FROM {SCHEMA}.docs WHERE doc IN (SELECT doc FROM search_stale)")
        con.execute("COMMIT")
    # the first file that holds each new article (a part copied beside itself holds it twice)
    con.execute(
        f"""CREATE OR REPLACE TABLE {SCHEMA}.pending AS
            SELECT c.*, f.filename FROM (SELECT * FROM search_current AS c ANTI JOIN {SCHEMA}.docs AS d ON {same}) AS c
            JOIN (SELECT article_id, min(filename) AS filename FROM {table_scan(root, ARTICLES, filename=True)} GROUP BY ALL) AS f
            USING (article_id)"""
    )
    count = con.execute(f"SELECT count(*) FROM {SCHEMA}.pending").fetchone()[0]
    if on_start:
        on_start(count)
    if not count:
        return removed, 0
    next_doc = con.execute(f"SELECT coalesce(max(doc), 0) + 1 FROM {SCHEMA}.docs").fetchone()[0]
    files = [row[0] for row in con.execute(f"SELECT DISTINCT filename FROM {SCHEMA}.pending ORDER BY 1").fetchall()]
    # its own cursor: a query on `con` while the reader streams would end the stream
    reader = con.cursor().sql(
        f"""SELECT a.article_id, a.title, a.url, a.text, n.language, n.stemmer, n.site, n.published_at, n.filename
           FROM read_parquet($files, hive_partitioning = false, filename = true) AS a
           JOIN {SCHEMA}.pending AS n ON a.article_id = n.article_id AND a.filename = n.filename""",
        params={"files": files},
    ).to_arrow_reader(batch_rows)
    added = 0
    for batch in reader:
        postings, docs, texts = _batch_tables(batch, next_doc)
        next_doc += batch.num_rows
        con.register("search_postings", postings)
        con.register("search_docs", docs)
        con.register("search_texts", texts)
        con.execute("BEGIN")
        con.execute(f"INSERT INTO {SCHEMA}.postings SELECT * FROM search_postings ORDER BY term, doc")
        con.execute(f"INSERT INTO {SCHEMA}.docs BY NAME SELECT * FROM search_docs")
        con.execute(f"INSERT INTO {SCHEMA}.texts BY NAME SELECT * FROM search_texts")
        con.execute(
            f"UPDATE {SCHEMA}.meta SET value = (value::BIGINT + ?)::VARCHAR WHERE key = 'unsorted_postings'", [postings.num_rows]
        )
        con.execute("COMMIT")
        for name in ("search_postings", "search_docs", "search_texts"):
            con.unregister(name)
        added += batch.num_rows
    con.execute(f"DROP TABLE {SCHEMA}.pending")
    _compact_if_due(con)
    return removed, added


def _batch_tables(batch: pa.RecordBatch, first_doc: int) -> tuple[pa.Table, pa.Table, pa.Table]:
    """The postings, docs and texts rows of a batch of new articles, numbered from `first_doc`."""
    rows = batch.to_pydict()
    docs = list(range(first_doc, first_doc + batch.num_rows))
    keys: dict[tuple[str, str], int] = {}
    post_term: list[int] = []
    post_doc: list[int] = []
    post_tf: list[int] = []
    lengths: list[int] = []
    for doc, title, text, stemmer in zip(docs, rows["title"], rows["text"], rows["stemmer"]):
        counts = term_counts(title, text, stemmer)
        lengths.append(sum(counts.values()))
        for term, tf in counts.items():
            key = keys.get((stemmer, term))
            if key is None:
                key = keys[(stemmer, term)] = term_key(stemmer, term)
            post_term.append(key)
            post_doc.append(doc)
            post_tf.append(tf)
    doc_numbers = pa.array(docs, pa.int32())
    postings = pa.table({"term": pa.array(post_term, pa.int64()), "doc": pa.array(post_doc, pa.int32()), "tf": pa.array(post_tf, pa.int32())})
    docs_table = pa.table({
        "doc": doc_numbers, "article_id": rows["article_id"], "language": rows["language"], "stemmer": rows["stemmer"],
        "site": rows["site"], "published_at": batch.column("published_at"), "length": pa.array(lengths, pa.int32()),
    })
    # zlib: the texts take a third of the room, and only the hits' ones are ever decompressed
    packed = [zlib.compress((text or "").encode("utf-8")) for text in rows["text"]]
    texts = pa.table({"doc": doc_numbers, "title": rows["title"], "url": rows["url"], "text_zlib": pa.array(packed, pa.binary())})
    return postings, docs_table, texts


def _compact_if_due(con: duckdb.DuckDBPyConnection) -> None:
    """Rewrite the postings sorted by term once the rows appended since the last rewrite are
    more than COMPACT_SHARE of them (and at least COMPACT_MIN_ROWS).

    A query reads the postings of its terms only: DuckDB skips every row group (122,880 rows)
    whose smallest and largest term exclude the one asked for, which sorted rows allow and
    appended batches (each holding every kind of term) do not. Appends stay cheap; the rewrite
    comes after every ~COMPACT_SHARE of growth, so its cost per article stays constant."""
    unsorted = int(con.execute(f"SELECT value FROM {SCHEMA}.meta WHERE key = 'unsorted_postings'").fetchone()[0])
    total = con.execute(f"SELECT count(*) FROM {SCHEMA}.postings").fetchone()[0]
    if unsorted < COMPACT_MIN_ROWS or unsorted < COMPACT_SHARE * total:
        return
    con.execute("BEGIN")
    con.execute(f"CREATE TABLE {SCHEMA}.postings_sorted AS SELECT * FROM {SCHEMA}.postings ORDER BY term, doc")
    con.execute(f"DROP TABLE {SCHEMA}.postings")
    con.execute(f"ALTER TABLE {SCHEMA}.postings_sorted RENAME TO postings")
    con.execute(f"UPDATE {SCHEMA}.meta SET value = '0' WHERE key = 'unsorted_postings'")
    con.execute("COMMIT")
