"""A scratch DuckDB for short queries over the warehouse's Parquet files.

Opening an in-memory DuckDB costs ~25 ms here, more than most of the queries that need one
(the writer's key anti-join, a batch's known versions). So each process keeps one database and
hands out a cursor per use: a connection of its own (its own registered tables), cheap to open,
safe to use from another thread.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from warehouse.engine import open_database

_DATABASES: dict[int, duckdb.DuckDBPyConnection] = {}  # by process id: a forked child opens its own
_LOCK = threading.Lock()


@contextmanager
def scratch_connection() -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection to this process's scratch database, closed after use."""
    with _LOCK:
        database = _DATABASES.get(os.getpid())
        if database is None:
            database = _DATABASES[os.getpid()] = open_database()
    cursor = database.cursor()
    try:
        yield cursor
    finally:
        cursor.close()
