"""A scratch DuckDB for short queries over the warehouse's Parquet files.

Opening an in-memory DuckDB costs ~25 ms here, more than most of the queries that need one
(the writer's key anti-join, a batch's known versions). So each process keeps one database and
hands out a cursor per use: a connection of its own (its own registered tables), cheap to open,
safe to use from another thread. A database that reads a warehouse on S3 is configured for it
(httpfs, the secret) once.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from warehouse.engine import open_database
from warehouse.storage import WarehouseRoot, configure_duckdb, is_remote

_DATABASES: dict[int, duckdb.DuckDBPyConnection] = {}  # by process id: a forked child opens its own
_CONFIGURED: set[tuple[int, WarehouseRoot]] = set()  # (process id, remote root) pairs set up
_LOCK = threading.Lock()


@contextmanager
def scratch_connection(root: WarehouseRoot | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to this process's scratch database, closed after use; able to read the
    files of the warehouse at `root`."""
    with _LOCK:
        database = _DATABASES.get(os.getpid())
        if database is None:
            database = _DATABASES[os.getpid()] = open_database()
        if root is not None and is_remote(root) and (os.getpid(), root) not in _CONFIGURED:
            configure_duckdb(database, root)
            _CONFIGURED.add((os.getpid(), root))
    cursor = database.cursor()
    try:
        yield cursor
    finally:
        cursor.close()
