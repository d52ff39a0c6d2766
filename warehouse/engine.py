"""How every DuckDB database the project opens is configured.

DuckDB installs and loads a "known" extension on first use of one of its functions or URL
schemes: a query naming `https://...` or `sqlite_scan` would download code from the internet
and run it. Nothing here needs an extension (Parquet, JSON and window functions are built in),
so every database is opened with both off. Persistent secrets are off too: the S3 secret a
warehouse on S3 needs is created in memory per database (`warehouse.storage`), never written.
"""

from __future__ import annotations

import duckdb

DATABASE_CONFIG: dict[str, bool] = {
    "autoinstall_known_extensions": False,
    "autoload_known_extensions": False,
    "allow_persistent_secrets": False,
}


def open_database(database: str = ":memory:", read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """`duckdb.connect` with the project's configuration (a copy: DuckDB may keep the dict)."""
    return duckdb.connect(database, read_only=read_only, config=dict(DATABASE_CONFIG))


def query_interrupted(exc: BaseException) -> bool:
    """Whether `exc` is DuckDB's for a query stopped by Ctrl-C: its InterruptException, or the
    RuntimeError its Arrow batch readers raise (no class of its own, only the message)."""
    return isinstance(exc, duckdb.InterruptException) or (type(exc) is RuntimeError and str(exc) == "Query interrupted")
