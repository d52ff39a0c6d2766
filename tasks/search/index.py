"""The search index: an inverted index of the latest article versions in DuckDB tables, kept
current incrementally, in `<warehouse>/_search/index.duckdb` (derived data: deleting the folder
is safe, the next update rebuilds it), with the articles' texts beside it (`texts.py`).

Tables: `docs` (one row per indexed article version: its number `doc`, the version's doc_id,
fetched_at and part file, language, the stemmer its terms were made with, site, published_at
and length in terms), `postings` (term, doc, tf; a term is a 64-bit key of the stemmer and the
term's text, `terms.term_key`), `tags` (the language tags read so far), `files` (the article
and language part files read so far) and `pending` (the versions an update has still to add).
BM25's statistics (document frequencies, average lengths) are computed when a query runs, from
these tables, so an update only deletes the rows of versions no longer the latest (or whose
language tag changed) and appends the new ones; after every ~15 % of growth the postings are
rewritten sorted by term (`_compact_if_due`), which is what keeps queries fast.

An update reads only the part files it has not read before (the warehouse only ever adds part
files): the new versions in them are compared with the indexed version of the same doc_id, and
their new tags with the indexed articles' languages, so its cost follows what was added, not
the warehouse's size. A part file it read that is gone or has another size (a warehouse restored
or edited by hand) makes it rebuild the index from every file.

Why not DuckDB's `fts` extension: `create_fts_index` rebuilds the whole index on every call,
its tokenizer splits on a regular expression (no segmentation for Chinese, Japanese or Thai),
and one index has one stemmer. bench/README.md has the measurements that chose this design.

An update first compares the article and language part files (names, sizes, modification
times) with those it last indexed; unchanged, it does nothing (a few milliseconds), so
`pressroom search` updates the index before every query.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
from filelock import FileLock

from tasks.search.postings import batch_postings
from tasks.search.terms import STEMMERS, TERMS_VERSION, UNSTEMMED
from tasks.search.texts import add_texts, open_texts, pack_texts, remove_texts, texts_path, texts_usable
from warehouse.engine import open_database
from warehouse.schemas import ARTICLES, LANGUAGES
from warehouse.scratch import scratch_connection
from warehouse.storage import StoredFile, WarehouseRoot, local_folder, sql_literal
from warehouse.tables import file_location, table_file_stats

SCHEMA = "search_index"
INDEX_FOLDER = "_search"
INDEX_FILE = "index.duckdb"
LOCK_TIMEOUT_SECONDS = 600
FORMAT = f"search-index-6/{TERMS_VERSION}"  # a stored index of another format is rebuilt
COMPACT_SHARE = 0.15
COMPACT_MIN_ROWS = 1_000_000
# text a thread counts postings of at a time: a larger slice's buffers take fresh memory from the
# system (page faults: 0.1-0.25 s of system time per 1,000 pages at 8 MB, ~0.01 s at 2 MB, measured)
SLICE_BYTES = 2 << 20

_TABLES = f"""
CREATE TABLE {SCHEMA}.meta (key VARCHAR PRIMARY KEY, value VARCHAR);
CREATE TABLE {SCHEMA}.files (name VARCHAR, size BIGINT);
CREATE TABLE {SCHEMA}.tags (article_id VARCHAR, language VARCHAR, tagged_at TIMESTAMPTZ, tagger VARCHAR);
CREATE TABLE {SCHEMA}.docs (
    doc INTEGER, article_id VARCHAR, doc_id VARCHAR, fetched_at TIMESTAMPTZ, file VARCHAR, language VARCHAR,
    stemmer VARCHAR, site VARCHAR, published_at TIMESTAMPTZ, length INTEGER);
CREATE TABLE {SCHEMA}.postings (term BIGINT, doc INTEGER, tf INTEGER);
CREATE TABLE {SCHEMA}.pending (
    doc INTEGER, article_id VARCHAR, doc_id VARCHAR, fetched_at TIMESTAMPTZ, file VARCHAR, language VARCHAR, stemmer VARCHAR);
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


def _fingerprint(files: list[StoredFile]) -> str:
    """A digest of the names, sizes and modification times of `files`."""
    digest = hashlib.sha256()
    for file in files:
        digest.update(f"{file.name}\0{file.size}\0{file.mtime}\n".encode())
    return digest.hexdigest()


def sources_fingerprint(root: WarehouseRoot) -> str:
    """A digest of the names, sizes and modification times of the article and language part
    files: it changes whenever a flow adds articles or tags."""
    return _fingerprint(table_file_stats(root, ARTICLES) + table_file_stats(root, LANGUAGES))


def _remove(path: Path) -> None:
    for name in (path.name, path.name + ".wal", texts_path(path).name):
        path.with_name(name).unlink(missing_ok=True)


def _attach(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    """Attach the index to `con` as SCHEMA, created (or recreated, when it is not an index of
    this format or its texts file is missing or damaged) as needed."""
    for attempt in range(2):
        try:
            con.execute(f"ATTACH {sql_literal(str(path))} AS {SCHEMA}")
            tables = {row[0] for row in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = ?", [SCHEMA]).fetchall()}
            if not tables:
                texts_path(path).unlink(missing_ok=True)
                con.execute(_TABLES)
                return
            row = con.execute(f"SELECT value FROM {SCHEMA}.meta WHERE key = 'format'").fetchone()
            if row and row[0] == FORMAT and texts_usable(texts_path(path)):
                return
        except duckdb.Error:
            if attempt:
                raise  # a fresh file failed too: not a problem a rebuild fixes (a full disk)
        # another format, a partial copy or another DuckDB version's file: derived data, rebuilt
        con.execute(f"DETACH DATABASE IF EXISTS {SCHEMA}")
        _remove(path)


def _indexed_already(path: Path, fingerprint: str) -> bool:
    """True when the index at `path` is of this format and has indexed the files `fingerprint`
    describes (and has its texts file): read-only, without the warehouse's views (what every
    `pressroom search` asks)."""
    if not path.exists() or not texts_path(path).exists():
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


def update_index(
    root: WarehouseRoot, batch_rows: int = 2_000, on_start: Callable[[int], None] | None = None, threads: int | None = None
) -> IndexUpdate:
    """Bring the search index of the warehouse at `root` up to date with the latest article
    versions and their language tags: remove versions that are no longer the latest (or were
    tagged anew), add those not indexed yet. `on_start(n)` is told how many are to be added
    before the work starts; `threads` count the new articles' terms (default: one per CPU).
    Committed batch by batch: an interrupted update leaves a consistent index that the next
    update completes."""
    started = time.perf_counter()
    path = index_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path.with_suffix(".lock")), timeout=LOCK_TIMEOUT_SECONDS):
        # listed before reading, and only these read: a file added meanwhile is read next time
        files = {ARTICLES.name: table_file_stats(root, ARTICLES), LANGUAGES.name: table_file_stats(root, LANGUAGES)}
        fingerprint = _fingerprint(files[ARTICLES.name] + files[LANGUAGES.name])
        if _indexed_already(path, fingerprint):
            return IndexUpdate(0, 0, time.perf_counter() - started)
        with scratch_connection(root) as con:
            con.execute("SET enable_progress_bar = false")
            _attach(con, path)
            texts = open_texts(texts_path(path))
            try:
                removed, added = _sync(con, texts, root, files, batch_rows, on_start, threads or os.cpu_count() or 1)
                con.execute(f"UPDATE {SCHEMA}.meta SET value = ? WHERE key = 'sources'", [fingerprint])
            finally:
                texts.close()
                con.execute(f"DETACH DATABASE {SCHEMA}")  # checkpoints the index
    return IndexUpdate(added, removed, time.perf_counter() - started)


def _new_files(
    con: duckdb.DuckDBPyConnection, texts: sqlite3.Connection, files: dict[str, list[StoredFile]]
) -> tuple[dict[str, list[StoredFile]], int]:
    """The files of each table not read yet, and the versions removed to get there: when a file
    read before is gone or has changed size, the index is emptied first, and every file is new."""
    read = dict(con.execute(f"SELECT name, size FROM {SCHEMA}.files").fetchall())
    listed = {file.name: file.size for table in files.values() for file in table}
    removed = 0
    if any(listed.get(name) != size for name, size in read.items()):
        removed = con.execute(f"SELECT count(*) FROM {SCHEMA}.docs").fetchone()[0]
        for table in ("files", "tags", "docs", "postings", "pending"):
            con.execute(f"DELETE FROM {SCHEMA}.{table}")
        texts.execute("DELETE FROM texts")
        texts.commit()
        read = {}
    return {table: [file for file in stored if file.name not in read] for table, stored in files.items()}, removed


def _parquet(root: WarehouseRoot, files: list[StoredFile], columns: str) -> str:
    """A SQL table expression reading `columns` of `files`, and each row's file by its name
    relative to the root (`name`), which moving the warehouse does not change."""
    locations = [sql_literal(file_location(root, file.name)) for file in files]
    names = ", ".join(f"({location}, {sql_literal(file.name)})" for location, file in zip(locations, files))
    return (f"(SELECT {columns}, n.name FROM read_parquet([{', '.join(locations)}], hive_partitioning = false, "
            f"union_by_name = true, filename = true) JOIN (VALUES {names}) AS n(location, name) ON filename = n.location)")


def _sync(
    con: duckdb.DuckDBPyConnection, texts: sqlite3.Connection, root: WarehouseRoot, files: dict[str, list[StoredFile]],
    batch_rows: int, on_start: Callable[[int], None] | None, threads: int,
) -> tuple[int, int]:
    """Delete the stale versions and add the new ones; returns (removed, added)."""
    leftover = _add_pending(con, texts, root, batch_rows, threads)  # what an interrupted update left: usually nothing
    new, emptied = _new_files(con, texts, files)
    removed = emptied + (_plan(con, texts, root, new[ARTICLES.name], new[LANGUAGES.name]) if new[ARTICLES.name] or new[LANGUAGES.name] else 0)
    if on_start:
        on_start(con.execute(f"SELECT count(*) FROM {SCHEMA}.pending").fetchone()[0])
    added = _add_pending(con, texts, root, batch_rows, threads)
    _compact_if_due(con)
    return removed, leftover + added


def _plan(con: duckdb.DuckDBPyConnection, texts: sqlite3.Connection, root: WarehouseRoot, articles: list[StoredFile], languages: list[StoredFile]) -> int:
    """From the new part files: remember their tags, put the versions to add in `pending`
    (numbered after the indexed ones, with their newest tag), delete the indexed versions they
    replace, and record the files as read; one transaction. Returns the versions deleted.

    A version is added when it is the latest of its doc_id (fetched_at, then article_id, as the
    `tagged_articles` view orders them) among the new files and the indexed version, or when a
    new tag changes an indexed article's language."""
    con.register("search_stemmers", pa.table({"language": list(STEMMERS), "stemmer": list(STEMMERS.values())}))
    con.execute("BEGIN")
    if languages:
        con.execute(f"INSERT INTO {SCHEMA}.tags SELECT article_id, language, tagged_at, tagger FROM "
                    f"{_parquet(root, languages, 'article_id, language, tagged_at, tagger')}")
    # each new article version once, from the first new file that holds it, unless indexed already
    arrivals = (
        f"""SELECT article_id, doc_id, fetched_at, min(name) AS file FROM {_parquet(root, articles, 'article_id, doc_id, fetched_at')}
            GROUP BY ALL"""
        if articles else "SELECT NULL::VARCHAR AS article_id, NULL::VARCHAR AS doc_id, NULL::TIMESTAMPTZ AS fetched_at, "
                         "NULL::VARCHAR AS file WHERE false"
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE search_arrivals AS SELECT * FROM ({arrivals}) ANTI JOIN {SCHEMA}.docs USING (article_id)")
    # the latest version of each doc_id the arrivals touch: an arrival, or the one indexed
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE search_latest AS
            SELECT * FROM (
                SELECT article_id, doc_id, fetched_at, file, false AS indexed FROM search_arrivals
                UNION ALL
                SELECT article_id, doc_id, fetched_at, file, true FROM {SCHEMA}.docs SEMI JOIN search_arrivals USING (doc_id))
            QUALIFY row_number() OVER (PARTITION BY doc_id ORDER BY fetched_at DESC, article_id) = 1"""
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE search_touched AS
            SELECT article_id FROM search_latest WHERE NOT indexed
            UNION
            SELECT article_id FROM {SCHEMA}.docs SEMI JOIN (SELECT article_id FROM {_parquet(root, languages, 'article_id')})
                USING (article_id)"""
        if languages else
        "CREATE OR REPLACE TEMP TABLE search_touched AS SELECT article_id FROM search_latest WHERE NOT indexed"
    )
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE search_newest_tags AS
            SELECT article_id, language FROM {SCHEMA}.tags SEMI JOIN search_touched USING (article_id)
            QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY tagged_at DESC, tagger DESC) = 1"""
    )
    # the indexed versions to delete: replaced by a later one, or tagged with another language
    con.execute(
        f"""CREATE OR REPLACE TEMP TABLE search_stale AS
            SELECT d.doc FROM {SCHEMA}.docs AS d JOIN search_latest AS l USING (doc_id)
            WHERE NOT l.indexed
            UNION
            SELECT d.doc FROM {SCHEMA}.docs AS d JOIN search_touched USING (article_id)
                LEFT JOIN search_newest_tags AS t USING (article_id)
            WHERE d.language IS DISTINCT FROM t.language"""
    )
    next_doc = con.execute(f"SELECT coalesce(max(doc), 0) + 1 FROM {SCHEMA}.docs").fetchone()[0]
    con.execute(
        f"""INSERT INTO {SCHEMA}.pending
            SELECT {next_doc} - 1 + row_number() OVER (ORDER BY v.file, v.article_id), v.article_id, v.doc_id, v.fetched_at, v.file,
                   t.language, coalesce(s.stemmer, '{UNSTEMMED}')
            FROM (SELECT article_id, doc_id, fetched_at, file FROM search_latest WHERE NOT indexed
                  UNION ALL
                  SELECT article_id, doc_id, fetched_at, file FROM {SCHEMA}.docs SEMI JOIN search_stale USING (doc)
                  ANTI JOIN (SELECT doc_id FROM search_latest WHERE NOT indexed) USING (doc_id)) AS v
            LEFT JOIN search_newest_tags AS t USING (article_id)
            LEFT JOIN search_stemmers AS s ON lower(t.language) = s.language"""
    )
    stale = [row[0] for row in con.execute("SELECT doc FROM search_stale").fetchall()]
    if stale:
        for table in ("postings", "docs"):
            con.execute(f"DELETE FROM {SCHEMA}.{table} WHERE doc IN (SELECT doc FROM search_stale)")
    con.register("search_read", pa.table({"name": [f.name for f in articles + languages], "size": [f.size for f in articles + languages]}))
    con.execute(f"INSERT INTO {SCHEMA}.files SELECT name, size FROM search_read")
    con.execute("COMMIT")
    for name in ("search_stemmers", "search_read"):
        con.unregister(name)
    remove_texts(texts, stale)  # after the commit: a text without its doc is never read
    return len(stale)


def _add_pending(con: duckdb.DuckDBPyConnection, texts: sqlite3.Connection, root: WarehouseRoot, batch_rows: int, threads: int) -> int:
    """Index the versions in `pending`, batch by batch, each batch one commit (its texts stored
    first: a text whose doc was not committed is replaced when its number is given again), and
    empty it; returns how many were added. An interrupted run resumes with the versions no
    committed batch holds.

    The versions are read in doc order: read as DuckDB scans them, the first batch started
    sooner, but the index was 10 % larger (docs out of order in their column and in SQLite's
    B-tree; measured at 10,000 articles). A batch's texts are compressed and its postings
    counted on `threads` threads, slice by slice (Arrow's kernels, zstd and DuckDB run outside
    the interpreter lock)."""
    todo = f"(SELECT * FROM {SCHEMA}.pending ANTI JOIN {SCHEMA}.docs USING (doc))"
    names = [row[0] for row in con.execute(f"SELECT DISTINCT file FROM {todo}").fetchall()]
    added = 0
    if names:
        # its own cursor: a query on `con` while the reader streams would end the stream
        cursor = con.cursor()
        reader = cursor.sql(
            f"""SELECT p.doc, p.article_id, p.doc_id, p.fetched_at, p.file, p.language, p.stemmer, a.site, a.published_at,
                       a.title, a.url, a.text
               FROM {_parquet(root, [StoredFile(name, 0, 0.0) for name in names], 'article_id, site, published_at, title, url, text')} AS a
               JOIN {todo} AS p ON a.article_id = p.article_id AND a.name = p.file ORDER BY p.doc"""
        ).to_arrow_reader(batch_rows)
        pool = ThreadPoolExecutor(threads, thread_name_prefix="search-index")
        try:
            started = None
            for batch in reader:
                # a batch's work starts before the one before is stored: DuckDB's writes overlap it
                work = _start(pool, batch)
                if started:
                    added += _store(con, texts, *started)
                started = work
            if started:
                added += _store(con, texts, *started)
        finally:
            pool.shutdown(cancel_futures=True)
            cursor.close()
    con.execute(f"DELETE FROM {SCHEMA}.pending")
    return added


def _slices(batch: pa.RecordBatch) -> list[pa.RecordBatch]:
    """`batch` in slices of about SLICE_BYTES of text."""
    size = pc.sum(pc.binary_length(batch.column("text"))).as_py() or 0
    rows = max(1, -(-batch.num_rows * SLICE_BYTES // max(size, 1)))
    return [batch.slice(start, rows) for start in range(0, batch.num_rows, rows)]


def _postings(batch: pa.RecordBatch) -> pa.Table:
    return batch_postings(*(batch.column(name) for name in ("doc", "title", "text", "stemmer")))


def _start(pool: ThreadPoolExecutor, batch: pa.RecordBatch) -> tuple[pa.RecordBatch, Future, list[Future]]:
    """A batch, and its texts compressed and its postings counted on `pool`, slice by slice."""
    return batch, pool.submit(_packed, batch), [pool.submit(_postings, part) for part in _slices(batch)]


def _packed(batch: pa.RecordBatch) -> list[tuple[int, str | None, str | None, bytes, int]]:
    return pack_texts(*(batch.column(name) for name in ("doc", "title", "url", "text")))


def _store(con: duckdb.DuckDBPyConnection, texts: sqlite3.Connection, batch: pa.RecordBatch, packed: Future, postings: list[Future]) -> int:
    """Store a started batch: its texts, then its postings and docs rows (each doc's length the
    sum of its counts) in one commit. Returns its articles."""
    add_texts(texts, packed.result())
    con.register("search_postings", pa.concat_tables(part.result() for part in postings))
    con.register("search_docs", batch.select(["doc", "article_id", "doc_id", "fetched_at", "file", "language", "stemmer", "site", "published_at"]))
    con.execute("BEGIN")
    inserted = con.execute(f"INSERT INTO {SCHEMA}.postings SELECT term, doc, tf FROM search_postings ORDER BY term, doc").fetchone()[0]
    con.execute(f"""INSERT INTO {SCHEMA}.docs BY NAME
                    SELECT d.*, coalesce(l.length, 0) AS length FROM search_docs AS d
                    LEFT JOIN (SELECT doc, sum(tf) AS length FROM search_postings GROUP BY doc) AS l USING (doc)""")
    con.execute(f"UPDATE {SCHEMA}.meta SET value = (value::BIGINT + ?)::VARCHAR WHERE key = 'unsorted_postings'", [inserted])
    con.execute("COMMIT")
    for name in ("search_postings", "search_docs"):
        con.unregister(name)
    return batch.num_rows


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
