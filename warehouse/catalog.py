"""warehouse.duckdb: the small, rebuildable DuckDB file that holds the views over the Parquet
tables, and the connections used to query it.

A `.duckdb` file takes one read-write process or many read-only ones, so the views are rebuilt
only when they are missing or stale (the SQL or the root changed), under the warehouse lock,
and every query opens the file read-only.

A warehouse on S3 cannot hold a writable DuckDB file: its catalog lives in the local folder
`storage.local_folder` names (under PRESSROOM_CACHE, keyed by the warehouse URI), rebuilt there
under a local file lock; its views read `s3://` URLs through httpfs, and every connection to it
gets the S3 secret in memory (`storage.configure_duckdb`): the file holds views, never a secret.
"""

from __future__ import annotations

import hashlib
import tempfile
import time
from contextlib import AbstractContextManager
from pathlib import Path

import duckdb
from filelock import FileLock

from config.object_storage import S3Root
from warehouse.engine import open_database
from warehouse.lock import LOCK_TIMEOUT_SECONDS, warehouse_lock
from warehouse.storage import WarehouseRoot, check_reachable, configure_duckdb, exists, local_folder, location
from warehouse.tables import SCHEMA_FILE
from warehouse.writer import initialize

VIEWS_SQL = Path(__file__).resolve().parent / "views.sql"
CATALOG_FILE = "warehouse.duckdb"


class NoWarehouse(FileNotFoundError):
    """A command that only reads was pointed at a folder that holds no warehouse."""


def holds_warehouse(root: WarehouseRoot) -> bool:
    """Whether `root` holds a warehouse (its `articles` table)."""
    if isinstance(root, S3Root):
        return exists(root, f"articles/{SCHEMA_FILE}")
    return (root / "articles").is_dir()


def require_warehouse(root: WarehouseRoot) -> None:
    """Raise NoWarehouse unless `root` holds a warehouse (reading commands must not create one);
    StorageUnreachable for an S3 bucket that is missing or refuses the credentials."""
    check_reachable(root)
    if not holds_warehouse(root):
        raise NoWarehouse(f"no warehouse at {root} (set PRESSROOM_WAREHOUSE, or run `pressroom ingest` to create one)")


def catalog_path(root: WarehouseRoot) -> Path:
    """Where the catalog file of the warehouse at `root` is: in the root, or for S3 in its local
    folder (`<PRESSROOM_CACHE>/s3/<endpoint>/<bucket>/<prefix>/warehouse.duckdb`)."""
    return local_folder(root) / CATALOG_FILE


def _views_sql(root: WarehouseRoot) -> str:
    return VIEWS_SQL.read_text(encoding="utf-8").replace("{root}", location(root).replace("'", "''"))


def _fingerprint(sql: str) -> str:
    return hashlib.sha256(sql.encode("utf-8")).hexdigest()


def _open_if_current(root: WarehouseRoot) -> duckdb.DuckDBPyConnection | None:
    """A read-only connection to warehouse.duckdb if it holds the current views, else None.
    (For S3 the local catalog alone is looked at: the views name no file, so a warehouse's new
    files need no rebuild, and a bucket emptied behind it fails the query with S3's error.)"""
    path = catalog_path(root)
    if not path.exists() or (isinstance(root, Path) and not (root / "articles").is_dir()):
        return None
    try:
        con = open_database(str(path), read_only=True)
    except duckdb.Error:
        return None  # busy with a writer, or damaged: rebuilding under the lock settles it
    try:
        row = con.execute("SELECT value FROM pressroom_meta WHERE key = 'views'").fetchone()
    except duckdb.Error:
        row = None
    if row and row[0] == _fingerprint(_views_sql(root)):
        return con
    con.close()
    return None


def _catalog_lock(root: WarehouseRoot) -> AbstractContextManager:
    """The lock the catalog is rebuilt under: the warehouse lock for a folder (it lives there),
    a file lock beside it for S3 (it is this machine's alone)."""
    if isinstance(root, S3Root):
        return FileLock(str(catalog_path(root).with_suffix(".lock")), timeout=LOCK_TIMEOUT_SECONDS)
    return warehouse_lock(root)


def ensure_catalog(root: WarehouseRoot) -> Path:
    """Make sure the warehouse exists and warehouse.duckdb holds current views; return its path.
    For S3, raises StorageUnreachable (one line) when the bucket is missing or the credentials
    are refused."""
    local_folder(root).mkdir(parents=True, exist_ok=True)
    path = catalog_path(root)
    current = _open_if_current(root)
    if current is not None:
        current.close()
        return path
    sql = _views_sql(root)
    initialize(root)
    rewritten = False
    with _catalog_lock(root):
        for attempt in range(20):
            try:
                con = open_database(str(path))
                break
            except duckdb.IOException as exc:
                message = str(exc).splitlines()[0]
                if "Conflicting lock" not in message:
                    if rewritten:
                        raise  # not a file problem a rewrite fixes (a full or read-only disk)
                    # not a file this DuckDB reads (another version wrote it: 1.5 refuses 2.0's
                    # files; or damaged): it holds only views, so it is written anew, once
                    path.unlink(missing_ok=True)
                    path.with_name(path.name + ".wal").unlink(missing_ok=True)
                    rewritten = True
                    continue
                time.sleep(0.25 * (attempt + 1))  # a reader has it open: wait for it to close
        else:
            raise RuntimeError(f"{path} stays locked by another process")
        try:
            con.execute("SET TimeZone = 'UTC'")
            configure_duckdb(con, root)  # DuckDB binds a view as it creates it: it reads the files
            con.execute(sql)
            con.execute("CREATE OR REPLACE TABLE pressroom_meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
            con.execute("INSERT INTO pressroom_meta VALUES ('views', ?), ('root', ?)", [_fingerprint(sql), str(root)])
        finally:
            con.close()
    return path


def connect(root: WarehouseRoot, memory_limit: str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the warehouse views, with timestamps shown in UTC, that never
    downloads a DuckDB extension (`warehouse.extensions` loads the installed ones).

    `memory_limit` (e.g. "1GB") caps DuckDB's memory, spilling to a temporary folder beyond it;
    without it DuckDB may take most of the machine's memory for a large join.
    """
    con = _open_if_current(root)  # opening the file costs ~25 ms: once when the views are current
    if con is None:
        con = open_database(str(ensure_catalog(root)), read_only=True)
    con.execute("SET TimeZone = 'UTC'")
    con.execute("SET enable_progress_bar = false")  # flows log; a bar would print into their logs
    configure_duckdb(con, root)
    if memory_limit:
        con.execute("SET memory_limit = ?", [memory_limit])
        con.execute("SET temp_directory = ?", [tempfile.gettempdir()])
    return con
