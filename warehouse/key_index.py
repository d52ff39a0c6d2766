"""The key index: which keys each warehouse table stores, without reading its parts.

A write must add only rows whose key is not stored yet. Asking the parts themselves (a DuckDB
anti-join over every part file) costs per part, and a warehouse written batch by batch only
gains parts: 0.07 CPU-seconds a 200-row batch on an empty warehouse, 4.5 at 1,000,000 rows
(bench/README.md "writer"). So the keys live in an index instead: one SQLite file (a B-tree of
16-byte key hashes per table, so a batch's lookup costs a few page reads however large the
table grows) beside the list of part files whose keys it holds.

The index is derived data. It lives in `storage.local_folder(root)` (`<root>/_keys/`, or under
PRESSROOM_CACHE for a warehouse on S3, one per machine); deleting it is safe, the next write
rebuilds it from the parts. Every use first lists the table's part files and compares them with
the ones the index covers: a part it does not cover (a writer killed between storing its part
and committing the index, another machine's part on S3, a restored file) has its keys read and
added; a covered part gone (moved aside by `pressroom doctor --repair`, an older backup
restored) rebuilds the table's entries from the parts. (Parts are never rewritten under their
name, so a name stands for its keys.) So the index never claims a key no part holds, and a key
a part holds is always found. The writer calls it under the warehouse lock, so on S3 the
listing it checks against is the one every machine's writer sees.

A key is the SHA-256 of the key columns as a JSON list of strings (NULL as null; Python's
`json.dumps`), cut to 128 bits: two distinct keys share a hash with a probability of ~n²/2¹²⁹,
nil at any warehouse size.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from warehouse.lock import LOCK_TIMEOUT_SECONDS
from warehouse.schemas import Table
from warehouse.scratch import scratch_connection
from warehouse.storage import WarehouseRoot, local_folder
from warehouse.tables import file_list, is_data_file, table_files

FOLDER = "_keys"
INDEX_FILE = "keys.sqlite"
FORMAT = 1  # PRAGMA user_version: an index of another format is rebuilt
_READ_CHUNK = 1_000  # part files read per DuckDB query when indexing parts
_INSERT_CHUNK = 200_000  # hashes fetched and inserted at a time: memory stays flat on a rebuild
_LOOKUP_CHUNK = 10_000  # SQLite host parameters per lookup (its limit is 32,766)
_RACY_NS = 2_000_000_000  # how long before a listing a folder's modification time is trusted
_CONNECTIONS = threading.local()  # `by_path`: this thread's open index files, by (process id, path)


def index_path(root: WarehouseRoot) -> Path:
    """The index file of the warehouse at `root`."""
    return local_folder(root) / FOLDER / INDEX_FILE


def key_hashes(rows: pa.Table, table: Table) -> list[bytes]:
    """Each row's 16-byte key hash, over the table's key columns (module docstring)."""
    columns = [pc.cast(rows.column(k), pa.string()).to_pylist() for k in table.key]
    return [hashlib.sha256(json.dumps(values).encode("ascii")).digest()[:16] for values in zip(*columns)]


def _keys_table(table: Table) -> str:
    return f'"keys_{table.name}"'


@dataclass
class _OpenFile:
    """A thread's open connection to an index file, and what it knows of the file."""

    db: sqlite3.Connection
    file_id: tuple[int, int] | None
    # the part files the index covers, by table, as this connection last read or wrote them;
    # valid while SQLite's data_version (other connections' commits) is `version`
    covered: dict[str, set[str]] = field(default_factory=dict)
    version: int | None = None
    folders: dict[Path, _Folder] = field(default_factory=dict)  # local partition folders last listed


@dataclass(frozen=True)
class _Folder:
    """A folder's part files and sub-folders as listed at `listed_ns`, when its modification
    time was `mtime_ns`."""

    mtime_ns: int
    files: frozenset[str]
    folders: tuple[Path, ...]
    listed_ns: int


class KeyIndex:
    """The index of one table, open inside a write transaction: nothing else reads or writes
    it until `key_index` commits."""

    def __init__(self, held: _OpenFile, root: WarehouseRoot, table: Table) -> None:
        self._db = held.db
        self._held = held
        self._root = root
        self._table = table

    def _present(self, hashes: list[bytes]) -> set[bytes]:
        found: set[bytes] = set()
        for start in range(0, len(hashes), _LOOKUP_CHUNK):
            chunk = hashes[start:start + _LOOKUP_CHUNK]
            marks = ",".join("?" * len(chunk))
            found.update(h for (h,) in self._db.execute(f"SELECT h FROM {_keys_table(self._table)} WHERE h IN ({marks})", chunk))
        return found

    def unseen(self, rows: pa.Table) -> tuple[pa.Table, list[bytes]]:
        """The rows whose key the table does not hold, the first row of each key only (in the
        order given), and their key hashes (for `add`)."""
        hashes = key_hashes(rows, self._table)
        stored = self._present(hashes)
        keep, kept = [], []
        for h in hashes:
            new = h not in stored
            keep.append(new)
            if new:
                stored.add(h)  # a later row with the same key is a repeat within the batch
                kept.append(h)
        return rows.filter(pa.array(keep, pa.bool_())), kept

    def stored(self, rows: pa.Table) -> pa.Table:
        """The rows whose key the table holds."""
        hashes = key_hashes(rows, self._table)
        present = self._present(hashes)
        return rows.filter(pc.is_in(pa.array(hashes, pa.binary()), pa.array(list(present), pa.binary())))

    def add(self, name: str, hashes: list[bytes]) -> None:
        """Record the part file `name` (relative to the root) just stored, holding the keys
        `hashes`."""
        self._db.executemany(f"INSERT OR IGNORE INTO {_keys_table(self._table)} VALUES (?)", ((h,) for h in hashes))
        self._db.execute("INSERT OR IGNORE INTO files VALUES (?, ?)", (self._table.name, name))
        self._held.covered[self._table.name].add(name)

    def sync(self) -> None:
        """Bring the index up to the table's part files as listed now (module docstring)."""
        listed = self._listed()
        covered = self._held.covered.get(self._table.name)
        if covered is None:
            covered = {name for (name,) in self._db.execute("SELECT name FROM files WHERE tbl = ?", (self._table.name,))}
        if not covered <= listed:
            self._db.execute(f"DELETE FROM {_keys_table(self._table)}")
            self._db.execute("DELETE FROM files WHERE tbl = ?", (self._table.name,))
            covered = set()
        uncovered = sorted(listed - covered)
        for start in range(0, len(uncovered), _READ_CHUNK):
            names = uncovered[start:start + _READ_CHUNK]
            self._index_parts(names)
            self._db.executemany("INSERT OR IGNORE INTO files VALUES (?, ?)", ((self._table.name, n) for n in names))
        self._held.covered[self._table.name] = covered | set(uncovered)

    def _listed(self) -> set[str]:
        """The table's part files, relative to the root. Locally, a folder whose modification
        time (which adding, renaming or removing a file in it sets) is what it was when last
        listed is not listed again: a write lists today's partition, not every day's. A time
        within 2 s before that listing is not trusted: a change in the same clock tick after the
        listing would have left it as it was."""
        if not isinstance(self._root, Path):
            return set(table_files(self._root, self._table))
        return self._folder_names(self._root / self._table.name)

    def _folder_names(self, folder: Path) -> set[str]:
        try:
            mtime_ns = folder.stat().st_mtime_ns
        except FileNotFoundError:
            return set()
        known = self._held.folders.get(folder)
        if known is None or known.mtime_ns != mtime_ns or mtime_ns >= known.listed_ns - _RACY_NS:
            listed_ns, at, files, folders = time.time_ns(), folder.relative_to(self._root).as_posix(), set(), []
            try:
                entries = list(os.scandir(folder))
            except FileNotFoundError:
                return set()
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    folders.append(Path(entry.path))
                elif is_data_file(f"{at}/{entry.name}"):
                    files.add(f"{at}/{entry.name}")
            known = self._held.folders[folder] = _Folder(mtime_ns, frozenset(files), tuple(folders), listed_ns)
        names = set(known.files)
        for inner in known.folders:  # a file added inside one does not change this folder's time
            names |= self._folder_names(inner)
        return names

    def _index_parts(self, names: list[str]) -> None:
        keys = ", ".join(f'"{k}"' for k in self._table.key)
        query = f"SELECT {keys} FROM read_parquet({file_list(self._root, names)}, hive_partitioning = false, union_by_name = true)"
        with scratch_connection(self._root) as con:
            batches = con.execute(query).to_arrow_reader(_INSERT_CHUNK)
            for batch in batches:
                # sorted: SQLite appends to its B-tree in order, several times faster than at random
                hashes = sorted(set(key_hashes(pa.Table.from_batches([batch]), self._table)))
                self._db.executemany(f"INSERT OR IGNORE INTO {_keys_table(self._table)} VALUES (?)", ((h,) for h in hashes))


def _open(path: Path) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    # autocommit mode: transactions are the explicit BEGIN IMMEDIATE ... COMMIT below
    db = sqlite3.connect(path, timeout=LOCK_TIMEOUT_SECONDS, isolation_level=None)
    try:
        # WAL: a killed writer's transaction rolls back; NORMAL: commits do not wait for the
        # disk (a power cut may lose the last commits, which the next sync redoes from the parts)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA cache_size = -65536")  # 64 MB: a large table's inner pages stay read
        if db.execute("PRAGMA user_version").fetchone()[0] != FORMAT:
            db.execute("BEGIN IMMEDIATE")
            if db.execute("PRAGMA user_version").fetchone()[0] != FORMAT:  # not made meanwhile by another process
                for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
                    db.execute(f'DROP TABLE "{name}"')
                db.execute("CREATE TABLE files (tbl TEXT, name TEXT, PRIMARY KEY (tbl, name)) WITHOUT ROWID")
                db.execute(f"PRAGMA user_version = {FORMAT}")
            db.execute("COMMIT")
    except BaseException:
        db.close()
        raise
    return db


def _connect(path: Path) -> sqlite3.Connection:
    """The index file, made when absent; a file SQLite cannot read as a database (damaged,
    or not SQLite) is derived data and is made anew."""
    try:
        return _open(path)
    except sqlite3.DatabaseError as exc:
        if isinstance(exc, sqlite3.OperationalError):
            raise  # locked, disk full, no permission: not the file's fault
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return _open(path)


def _file_id(path: Path) -> tuple[int, int] | None:
    try:
        stat = path.stat()
    except FileNotFoundError:
        return None
    return stat.st_dev, stat.st_ino


def _thread_connection(path: Path) -> _OpenFile:
    """This thread's connection to the index file at `path`, kept open between uses: its page
    cache stays warm, and closing the last connection would checkpoint the whole log each time.
    SQLite connections are not shared across threads or carried across a fork. A file deleted
    or replaced meanwhile (by hand, or made anew by another process) is opened again."""
    key = (os.getpid(), path)
    connections = _CONNECTIONS.__dict__.setdefault("by_path", {})
    held = connections.get(key)
    if held is not None and held.file_id == _file_id(path):
        return held
    if held is not None:
        held.db.close()
    db = _connect(path)
    held = connections[key] = _OpenFile(db, _file_id(path))
    return held


def _disk_error(exc: sqlite3.OperationalError) -> int | None:
    """The errno of a SQLite error that is the disk's (full, read-only, not ours), or None."""
    name = getattr(exc, "sqlite_errorname", "")
    if name == "SQLITE_FULL":
        return errno.ENOSPC
    if name.startswith("SQLITE_READONLY"):
        return errno.EROFS
    if name == "SQLITE_PERM":
        return errno.EACCES
    return None


@contextmanager
def key_index(root: WarehouseRoot, table: Table) -> Iterator[KeyIndex]:
    """The index of `table`, synced with its part files, in a transaction committed when the
    block ends (rolled back if it raises). Writers call it under the warehouse lock. A full or
    read-only disk is an OSError naming the index file, as a failed write of a part is."""
    path = index_path(root)
    try:
        held = _thread_connection(path)
        db = held.db
        db.execute("BEGIN IMMEDIATE")
        try:
            version = db.execute("PRAGMA data_version").fetchone()[0]
            if version != held.version:  # another connection committed: what this one knew may be stale
                held.covered.clear()
                held.version = version
            db.execute(f"CREATE TABLE IF NOT EXISTS {_keys_table(table)} (h BLOB PRIMARY KEY) WITHOUT ROWID")
            index = KeyIndex(held, root, table)
            index.sync()
            yield index
        except BaseException:
            held.covered.clear()  # it held this transaction's changes
            if db.in_transaction:  # SQLite ends some on its own (a full disk)
                db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
    except sqlite3.OperationalError as exc:
        if (number := _disk_error(exc)) is None:
            raise
        raise OSError(number, os.strerror(number), str(path)) from exc
