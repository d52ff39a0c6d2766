"""The dedup cache: the stored signatures and the newest decision per article, kept in a DuckDB
database beside the warehouse in the form the grouping joins need.

Why: every dedup run compares its new articles against everything stored. Read from Parquet,
that means decoding every article's band hashes, number keys and decisions on every run, which
costs more than the new articles themselves once the warehouse holds ~100,000 (bench/README.md).
Here the band hashes and number keys are flat, integer-keyed tables, and decisions are already
reduced to the newest per article, so a run reads only what it joins.

The cache is derived data. The `signatures` and `duplicates` Parquet tables stay the truth:
their files are immutable and only ever added, so the cache records which files it has read
and reads only new ones: when attached, after a run wrote signatures and after it wrote
decisions (each batch of files in one transaction: a killed run leaves the cache as it was,
and the next run reads what it missed). If a file it read is gone, or the signature settings
or the cache format changed, or it cannot be opened, it is rebuilt from the Parquet tables.
Deleting `<root>/_dedup/` is always safe.

Tables (schema `dedup_cache` while attached): `sig` (one row per signature, with an integer
`idx` used by every other table, and `exact_key`, the 128-bit `exact_hash` as a number to join
on), `band` (h, idx), `numkey` (k, idx), `decision` (the newest `duplicates` row per idx),
`files` and `meta`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
from filelock import FileLock

from warehouse.schemas import DUPLICATES, SIGNATURES
from warehouse.writer import SCHEMA_FILE

FORMAT = 3  # bump when the tables below change: an older cache is then rebuilt
SCHEMA = "dedup_cache"
LOCK_TIMEOUT_SECONDS = 600
CHUNK_ROWS = 250_000  # signature rows read per transaction: bounds memory when (re)building

_TABLES = """
CREATE TABLE {s}.meta (format INTEGER, signature_key VARCHAR);
CREATE TABLE {s}.files (tbl VARCHAR, file VARCHAR);
CREATE TABLE {s}.sig (
    idx BIGINT, article_id VARCHAR, language VARCHAR, exact_hash VARCHAR, exact_key UHUGEINT,
    token_count INTEGER, number_count INTEGER, text_chars BIGINT, published_at TIMESTAMPTZ,
    signature BLOB, numbers VARCHAR[]);
CREATE TABLE {s}.band (h BIGINT, idx BIGINT);
CREATE TABLE {s}.numkey (k BIGINT, idx BIGINT);
CREATE TABLE {s}.decision (
    idx BIGINT, dup_group VARCHAR, dup_kind VARCHAR, similarity FLOAT, is_canonical BOOLEAN,
    settings_key VARCHAR, decided_at TIMESTAMPTZ, run_id VARCHAR);
"""


def cache_path(root: Path) -> Path:
    """Where the cache of a warehouse lives."""
    return root / "_dedup" / "cache.duckdb"


@contextmanager
def attached_cache(con: duckdb.DuckDBPyConnection, root: Path, signature_key: str) -> Iterator[str]:
    """Attach the warehouse's cache to `con` as schema `dedup_cache`, brought up to date with the
    Parquet tables; yields the schema name. One process at a time holds it (a file lock), so a
    dedup run holds it from finding unsigned articles to writing its decisions."""
    path = cache_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(path.with_suffix(".lock")), timeout=LOCK_TIMEOUT_SECONDS):
        try:
            _attach(con, path)
        except duckdb.Error:  # not a database DuckDB can open (a partial copy, another version): rebuild
            _remove(path)
            _attach(con, path)
        try:
            if not _usable(con, root, signature_key):
                con.execute(f"DETACH {SCHEMA}")
                _remove(path)
                _attach(con, path)
                _create(con, signature_key)
            sync(con, root, signature_key)
            yield SCHEMA
        finally:
            con.execute(f"DETACH DATABASE IF EXISTS {SCHEMA}")


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)


def _attach(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    # READ_WRITE: a warehouse connection's own database is read-only, which attaches would inherit
    con.execute(f"ATTACH '{path}' AS {SCHEMA} (READ_WRITE)")


def _usable(con: duckdb.DuckDBPyConnection, root: Path, signature_key: str) -> bool:
    """True when the attached cache has this format and signature key and every file it read
    still exists."""
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = $db", {"db": SCHEMA}).fetchall()}
    if not {"meta", "files", "sig", "band", "numkey", "decision"} <= tables:
        return False
    meta = con.execute(f"SELECT format, signature_key FROM {SCHEMA}.meta").fetchall()
    if meta != [(FORMAT, signature_key)]:
        return False
    present = set(_files(root, "signatures")) | set(_files(root, "duplicates"))
    read = {r[0] for r in con.execute(f"SELECT file FROM {SCHEMA}.files").fetchall()}
    return read <= present


def _create(con: duckdb.DuckDBPyConnection, signature_key: str) -> None:
    for statement in _TABLES.format(s=SCHEMA).split(";"):
        if statement.strip():
            con.execute(statement)
    con.execute(f"INSERT INTO {SCHEMA}.meta VALUES ($format, $key)", {"format": FORMAT, "key": signature_key})


def _files(root: Path, table: str) -> list[str]:
    """A table's data files, relative to the root (a warehouse moved elsewhere keeps its cache)."""
    return sorted(p.relative_to(root).as_posix() for p in (root / table).rglob("*.parquet") if p.name != SCHEMA_FILE)


def sync(con: duckdb.DuckDBPyConnection, root: Path, signature_key: str) -> None:
    """Read the Parquet files the attached cache has not read yet: signatures into `sig`, `band`
    and `numkey`; decisions into `decision` where newer than the one held. A run calls it after
    writing signatures (before grouping) and after writing decisions (so the next run starts
    from a current cache)."""
    read = {r[0] for r in con.execute(f"SELECT file FROM {SCHEMA}.files").fetchall()}
    # decisions are listed first: every decision's signature was written before it, so the
    # signature files listed after include the signatures of every decision file listed here
    new_decisions = [f for f in _files(root, "duplicates") if f not in read]
    new_signatures = [f for f in _files(root, "signatures") if f not in read]
    for files in _chunks(root, new_signatures, CHUNK_ROWS):
        _ingest_signatures(con, root, files, signature_key)
    if new_decisions:
        _ingest_decisions(con, root, new_decisions)


def _chunks(root: Path, files: list[str], rows: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    total = 0
    for file in files:
        chunk.append(file)
        total += pq.ParquetFile(root / file).metadata.num_rows
        if total >= rows:
            yield chunk
            chunk, total = [], 0
    if chunk:
        yield chunk


@contextmanager
def _transaction(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    con.execute("BEGIN TRANSACTION")
    try:
        yield
    except BaseException:
        con.execute("ROLLBACK")
        raise
    con.execute("COMMIT")


def _ingest_signatures(con: duckdb.DuckDBPyConnection, root: Path, files: list[str], signature_key: str) -> None:
    s = SCHEMA
    try:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE dedup_incoming AS
            SELECT (SELECT coalesce(max(idx), -1) FROM {s}.sig) + row_number() OVER () AS idx, *
            FROM (SELECT {", ".join(SIGNATURES.schema.names)} FROM read_parquet($files, hive_partitioning = false)
                  WHERE signature_key = $key)
            ANTI JOIN {s}.sig USING (article_id)
            QUALIFY row_number() OVER (PARTITION BY article_id) = 1
            """,
            {"files": [str(root / f) for f in files], "key": signature_key},
        )
        with _transaction(con):
            con.execute(
                f"""INSERT INTO {s}.sig SELECT idx, article_id, language, exact_hash, ('0x' || exact_hash)::UHUGEINT,
                    token_count, number_count, text_chars, published_at, signature, numbers FROM dedup_incoming"""
            )
            con.execute(f"INSERT INTO {s}.band SELECT unnest(bands), idx FROM dedup_incoming WHERE bands IS NOT NULL")
            con.execute(f"INSERT INTO {s}.numkey SELECT unnest(number_keys), idx FROM dedup_incoming WHERE number_keys IS NOT NULL")
            con.execute(f"INSERT INTO {s}.files SELECT 'signatures', unnest($files)", {"files": files})
    finally:
        con.execute("DROP TABLE IF EXISTS dedup_incoming")


def _ingest_decisions(con: duckdb.DuckDBPyConnection, root: Path, files: list[str]) -> None:
    s = SCHEMA
    try:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE dedup_decided AS
            SELECT idx, unnest(arg_max(
                {{'dup_group': dup_group, 'dup_kind': dup_kind, 'similarity': similarity,
                  'is_canonical': is_canonical, 'settings_key': settings_key,
                  'decided_at': decided_at, 'run_id': run_id}}, (decided_at, run_id)))
            FROM (SELECT {", ".join(DUPLICATES.schema.names)} FROM read_parquet($files, hive_partitioning = false))
            JOIN (SELECT idx, article_id FROM {s}.sig) USING (article_id)  -- others were decided under other signature settings
            GROUP BY idx
            """,
            {"files": [str(root / f) for f in files]},
        )
        with _transaction(con):
            # keep the newer of the held and the incoming decision
            con.execute(
                f"""DELETE FROM {s}.decision AS d USING dedup_decided AS n
                    WHERE d.idx = n.idx AND (n.decided_at, n.run_id) > (d.decided_at, d.run_id)"""
            )
            con.execute(
                f"""INSERT INTO {s}.decision
                    SELECT idx, dup_group, dup_kind, similarity, is_canonical, settings_key, decided_at, run_id
                    FROM dedup_decided ANTI JOIN {s}.decision USING (idx)"""
            )
            con.execute(f"INSERT INTO {s}.files SELECT 'duplicates', unnest($files)", {"files": files})
    finally:
        con.execute("DROP TABLE IF EXISTS dedup_decided")
