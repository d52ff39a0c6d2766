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
`files` and `meta`. The MinHash signatures themselves are in `signatures.bin` beside the
database, row `idx` at byte `idx * signature_bytes`: a run verifies a few thousand candidate
pairs, and reading their rows from a file costs microseconds where a DuckDB column of blobs is
scanned whole (~30 ms at 100,000 articles, ten times that at 1,000,000). The file is written
before the transaction that adds the rows commits; rows past those committed (a killed run's)
are cut off when the cache is attached, and a file shorter than the table makes it rebuilt.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from config.dedup import DedupSettings
from tasks.dedup.keys import signature_key
from warehouse.schemas import DUPLICATES, SIGNATURES
from warehouse.tables import SCHEMA_FILE, file_location, file_rows, table_files
from warehouse.lock import exclusive
from warehouse.storage import WarehouseRoot, local_folder

FORMAT = 6  # bump when the tables below change: an older cache is then rebuilt
SCHEMA = "dedup_cache"
SIGNATURE_FILE = "signatures.bin"
LOCK_TIMEOUT_SECONDS = 600
CHUNK_ROWS = 250_000  # signature rows read per transaction: bounds memory when (re)building

_TABLES = """
CREATE TABLE {s}.meta (format INTEGER, signature_key VARCHAR, signature_bytes INTEGER);
CREATE TABLE {s}.files (tbl VARCHAR, file VARCHAR);
CREATE TABLE {s}.sig (
    idx BIGINT, article_id VARCHAR, language VARCHAR, exact_hash VARCHAR, exact_key UHUGEINT,
    token_count INTEGER, number_count INTEGER, text_chars BIGINT, published_at TIMESTAMPTZ,
    numbers VARCHAR[], number_positions FLOAT[], names BIGINT[]);
CREATE TABLE {s}.band (h BIGINT, idx BIGINT);
CREATE TABLE {s}.numkey (k BIGINT, idx BIGINT);
CREATE TABLE {s}.decision (
    idx BIGINT, dup_group VARCHAR, dup_kind VARCHAR, similarity FLOAT, is_canonical BOOLEAN,
    settings_key VARCHAR, decided_at TIMESTAMPTZ, run_id VARCHAR);
"""


# `exact_hash` (32 hex digits) as a 128-bit number, from its two 64-bit halves: DuckDB 1.5 cannot
# cast a '0x' string longer than 64 bits to UHUGEINT (2.0 can), and this gives the same value on both.
_EXACT_KEY = (
    "((('0x' || substr(exact_hash, 1, 16))::UBIGINT::UHUGEINT << 64)"
    " | ('0x' || substr(exact_hash, 17, 16))::UBIGINT::UHUGEINT)"
)


def cache_path(root: WarehouseRoot) -> Path:
    """Where the cache of a warehouse lives."""
    return local_folder(root) / "_dedup" / "cache.duckdb"


def _signature_file(root: WarehouseRoot) -> Path:
    return cache_path(root).with_name(SIGNATURE_FILE)


@dataclass(frozen=True)
class DedupCache:
    """A dedup cache attached to a connection: the schema of its tables, and its signature file."""

    schema: str
    signature_file: Path

    def signatures(self, num_perm: int) -> np.ndarray:
        """The stored MinHash signatures as a read-only (rows, num_perm) uint16 matrix, row idx
        for the signature of idx (zeros for a text without tokens), mapped from the file:
        indexing it reads only the rows asked for."""
        if self.signature_file.stat().st_size == 0:
            return np.zeros((0, num_perm), dtype=np.uint16)
        return np.memmap(self.signature_file, dtype=np.uint16, mode="r").reshape(-1, num_perm)


@contextmanager
def attached_cache(con: duckdb.DuckDBPyConnection, root: WarehouseRoot, settings: DedupSettings) -> Iterator[DedupCache]:
    """Attach the warehouse's cache to `con` as schema `dedup_cache`, brought up to date with the
    Parquet tables. One process at a time holds it (a file lock; for a warehouse on S3, the
    warehouse's global `dedup` limit, so one dedup run at a time on any machine), so a dedup
    run holds it from finding unsigned articles to writing its decisions."""
    path = cache_path(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    with exclusive(root, "dedup", path.with_suffix(".lock"), timeout=LOCK_TIMEOUT_SECONDS):
        try:
            _attach(con, path)
        except duckdb.Error:  # not a database DuckDB can open (a partial copy, another version): rebuild
            _remove(path)
            _attach(con, path)
        try:
            if not _usable(con, root, settings):
                con.execute(f"DETACH {SCHEMA}")
                _remove(path)
                _attach(con, path)
                _create(con, root, settings)
            sync(con, root, settings)
            yield DedupCache(SCHEMA, _signature_file(root))
        finally:
            con.execute(f"DETACH DATABASE IF EXISTS {SCHEMA}")


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.with_name(path.name + ".wal").unlink(missing_ok=True)
    path.with_name(SIGNATURE_FILE).unlink(missing_ok=True)


def _attach(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    # READ_WRITE: a warehouse connection's own database is read-only, which attaches would inherit
    con.execute(f"ATTACH '{path}' AS {SCHEMA} (READ_WRITE)")


def _usable(con: duckdb.DuckDBPyConnection, root: WarehouseRoot, settings: DedupSettings) -> bool:
    """True when the attached cache has this format and signature key, every file it read still
    exists, and its signature file holds every signature row (rows past them are cut off)."""
    try:
        meta = con.execute(f"SELECT format, signature_key, signature_bytes, (SELECT count(*) FROM {SCHEMA}.sig) FROM {SCHEMA}.meta").fetchall()
    except duckdb.Error:  # tables missing (they are created with their meta row in one transaction) or of an older format
        return False
    if len(meta) != 1 or meta[0][:3] != (FORMAT, signature_key(settings), _signature_bytes(settings)):
        return False
    rows = meta[0][3]
    present = set(table_files(root, SIGNATURES)) | set(table_files(root, DUPLICATES))
    read = {r[0] for r in con.execute(f"SELECT file FROM {SCHEMA}.files").fetchall()}
    if not read <= present:
        return False
    path = _signature_file(root)
    committed = rows * _signature_bytes(settings)
    size = path.stat().st_size if path.exists() else -1
    if size < committed:
        return False
    if size > committed:
        os.truncate(path, committed)
    return True


def _signature_bytes(settings: DedupSettings) -> int:
    return 2 * settings.num_perm  # uint16 per permutation (tasks/minhash.compact)


def _create(con: duckdb.DuckDBPyConnection, root: WarehouseRoot, settings: DedupSettings) -> None:
    _signature_file(root).write_bytes(b"")
    with _transaction(con):
        for statement in _TABLES.format(s=SCHEMA).split(";"):
            if statement.strip():
                con.execute(statement)
        con.execute(
            f"INSERT INTO {SCHEMA}.meta VALUES ($format, $key, $bytes)",
            {"format": FORMAT, "key": signature_key(settings), "bytes": _signature_bytes(settings)},
        )


def sync(con: duckdb.DuckDBPyConnection, root: WarehouseRoot, settings: DedupSettings) -> None:
    """Read the Parquet files the attached cache has not read yet: signatures into `sig`, `band`
    and `numkey`; decisions into `decision` where newer than the one held. A run calls it after
    writing signatures (before grouping) and after writing decisions (so the next run starts
    from a current cache)."""
    read = {r[0] for r in con.execute(f"SELECT file FROM {SCHEMA}.files").fetchall()}
    # decisions are listed first: every decision's signature was written before it, so the
    # signature files listed after include the signatures of every decision file listed here
    new_decisions = [f for f in table_files(root, DUPLICATES) if f not in read]
    new_signatures = [f for f in table_files(root, SIGNATURES) if f not in read]
    for files in _chunks(root, new_signatures, CHUNK_ROWS):
        _ingest_signatures(con, root, files, settings)
    if new_decisions:
        _ingest_decisions(con, root, new_decisions)


def _chunks(root: WarehouseRoot, files: list[str], rows: int) -> Iterator[list[str]]:
    chunk: list[str] = []
    total = 0
    for file in files:
        chunk.append(file)
        total += file_rows(root, file)
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


def _ingest_signatures(con: duckdb.DuckDBPyConnection, root: WarehouseRoot, files: list[str], settings: DedupSettings) -> None:
    s = SCHEMA
    try:
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE dedup_incoming AS
            SELECT (SELECT coalesce(max(idx), -1) FROM {s}.sig) + row_number() OVER () AS idx, *
            FROM (SELECT {", ".join(SIGNATURES.schema.names)}
                  -- by name, with the table's (empty) schema file: files written under older signature
                  -- settings may lack a newer column, and are not read beyond their signature_key
                  FROM read_parquet($files, hive_partitioning = false, union_by_name = true)
                  WHERE signature_key = $key)
            ANTI JOIN {s}.sig USING (article_id)
            QUALIFY row_number() OVER (PARTITION BY article_id) = 1
            """,
            {"files": [file_location(root, f"{SIGNATURES.name}/{SCHEMA_FILE}")] + [file_location(root, f) for f in files], "key": signature_key(settings)},
        )
        with _transaction(con):
            con.execute(
                f"""INSERT INTO {s}.sig SELECT idx, article_id, language, exact_hash, {_EXACT_KEY},
                    token_count, number_count, text_chars, published_at, numbers, number_positions, names FROM dedup_incoming"""
            )
            con.execute(f"INSERT INTO {s}.band SELECT unnest(bands), idx FROM dedup_incoming WHERE bands IS NOT NULL")
            con.execute(f"INSERT INTO {s}.numkey SELECT unnest(number_keys), idx FROM dedup_incoming WHERE number_keys IS NOT NULL")
            con.execute(f"INSERT INTO {s}.files SELECT 'signatures', unnest($files)", {"files": files})
            _write_signatures(con, _signature_file(root), _signature_bytes(settings))
    finally:
        con.execute("DROP TABLE IF EXISTS dedup_incoming")


def _write_signatures(con: duckdb.DuckDBPyConnection, path: Path, signature_bytes: int) -> None:
    """Write the incoming signatures at their rows of the signature file, durably: called in the
    transaction that adds them, before it commits."""
    incoming = con.sql("SELECT idx, signature FROM dedup_incoming ORDER BY idx").to_arrow_table()
    if incoming.num_rows == 0:
        return
    signatures = pc.fill_null(incoming.column("signature").combine_chunks(), pa.scalar(bytes(signature_bytes), pa.binary()))
    if pc.any(pc.not_equal(pc.binary_length(signatures), signature_bytes)).as_py():
        raise ValueError(f"a stored signature is not {signature_bytes} bytes long, as its signature settings say")
    offset = incoming.column("idx")[0].as_py() * signature_bytes
    with path.open("r+b") as handle:
        if os.fstat(handle.fileno()).st_size < offset:
            raise ValueError(f"{path} holds fewer signatures than the cache's table: delete {path.parent} to rebuild it")
        handle.seek(offset)
        handle.write(b"".join(signatures.to_pylist()))
        handle.truncate()
        os.fsync(handle.fileno())


def _ingest_decisions(con: duckdb.DuckDBPyConnection, root: WarehouseRoot, files: list[str]) -> None:
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
            {"files": [file_location(root, f) for f in files]},
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
