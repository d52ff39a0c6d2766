"""The Parquet writer: idempotent, atomic appends to warehouse tables.

A write finds which rows are not stored yet (in the table's key index, warehouse/key_index.py),
writes them to a staging file inside the root and renames it into the table's folder. A reader
never sees half a file; a killed writer leaves at most a staging file, removed when the next
flow run starts; rerunning the same write adds nothing. On S3 the file is written straight to
its key: a PUT is atomic, so there is no staging file (and S3 has no rename).
"""

from __future__ import annotations

import os
import uuid
from contextlib import suppress
from datetime import datetime, timezone
from pathlib import Path

from config.object_storage import S3Root
import pyarrow as pa
import pyarrow.compute  # noqa: F401  Table.cast imports it on first use (~40 ms inside a run); load it with the writer
import pyarrow.parquet as pq

from config.pause_points import pause_point
from warehouse.lock import LOCK_TIMEOUT_SECONDS, LockTimeout, warehouse_lock
from warehouse.schemas import TABLES, Table
from warehouse.key_index import key_index
from warehouse.storage import WarehouseRoot, check_reachable, exists, parquet_file, put_parquet
from warehouse.tables import SCHEMA_FILE

STAGING = "_staging"


def _write_parquet(table: pa.Table, path: Path) -> None:
    pq.write_table(table, path, compression="zstd")
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _clear_staging(root: Path) -> None:
    staging = root / STAGING
    staging.mkdir(parents=True, exist_ok=True)
    for leftover in staging.iterdir():
        leftover.unlink(missing_ok=True)


def clear_staging(root: WarehouseRoot, wait: bool = True) -> None:
    """Remove the staging files killed writers left behind (every flow run starts with it).

    Under the warehouse lock: a writer holds it from writing its staging file until the rename,
    so while this holds it no staging file is a live writer's, whatever other runs are doing.
    With `wait` False, a lock another process holds means a writer is at work: nothing is
    cleared (its next flow start will), and this does not wait for it. A warehouse on S3 has no
    staging files.
    """
    if isinstance(root, S3Root):
        return
    try:
        with warehouse_lock(root, timeout=LOCK_TIMEOUT_SECONDS if wait else 0):
            _clear_staging(root)
    except LockTimeout:
        if wait:
            raise


def initialize(root: WarehouseRoot) -> None:
    """Create the table folders, each with an empty file that carries its schema, and clear
    staging files a killed writer left behind. On S3 (where folders are key prefixes and there
    is no staging), write the schema files that are missing or outdated; raises
    StorageUnreachable (one line) for a missing bucket or refused credentials."""
    if isinstance(root, S3Root):
        check_reachable(root)
        for table in TABLES.values():
            name = f"{table.name}/{SCHEMA_FILE}"
            # two machines writing the same schema file at once write the same bytes: no lock
            if not exists(root, name) or parquet_file(root, name).schema_arrow != table.schema:
                put_parquet(root, name, table.schema.empty_table())
        return
    with warehouse_lock(root):
        _clear_staging(root)
        staging = root / STAGING
        for table in TABLES.values():
            folder = root / table.name
            folder.mkdir(exist_ok=True)
            schema_file = folder / SCHEMA_FILE
            if not schema_file.exists() or pq.read_schema(schema_file) != table.schema:
                tmp = staging / f"{table.name}{SCHEMA_FILE}"
                _write_parquet(table.schema.empty_table(), tmp)
                os.replace(tmp, schema_file)


def conform(rows: pa.Table | list[dict], table: Table) -> pa.Table:
    """Rows as an Arrow table with exactly the table's schema (columns in order, types cast)."""
    if isinstance(rows, list):
        return pa.Table.from_pylist(rows, schema=table.schema)
    return rows.select(table.schema.names).cast(table.schema)


def append_new_rows(root: WarehouseRoot, table: Table, rows: pa.Table, partition: str | None = None) -> int:
    """Append the rows whose key is not stored yet; returns how many were added.

    `partition` names a Hive-style sub-folder (e.g. `ingest_date=2026-11-24`). Which keys are
    stored comes from the table's key index (warehouse/key_index.py), synced with the parts
    listed under the lock; the new part's keys join it in the same index transaction, so a
    writer killed after its part is stored leaves a part the next sync indexes.
    """
    rows = conform(rows, table)
    if rows.num_rows == 0:
        return 0
    with warehouse_lock(root), key_index(root, table) as index:
        new, hashes = index.unseen(rows)
        if new.num_rows == 0:
            return 0
        part = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S")
        file_name = f"part-{part}-{uuid.uuid4().hex[:12]}.parquet"
        name = "/".join(p for p in (table.name, partition, file_name) if p)
        if isinstance(root, S3Root):
            put_parquet(root, name, new)
        else:
            _store_locally(root, table, new, name)
        index.add(name, hashes)
    return new.num_rows


def _store_locally(root: Path, table: Table, rows: pa.Table, name: str) -> None:
    """Write `rows` to a staging file and rename it to `name` (relative to the root)."""
    staged = root / STAGING / name.rsplit("/", 1)[-1]
    staged.parent.mkdir(parents=True, exist_ok=True)
    try:
        _write_parquet(rows, staged)
    except OSError as exc:
        with suppress(OSError):
            staged.unlink(missing_ok=True)  # give back the space a partial file took
        if exc.errno is not None and not exc.filename:
            # pyarrow's errors leave the path out (a full disk): the one line names it
            raise OSError(exc.errno, os.strerror(exc.errno), str(staged)) from exc
        raise
    pause_point(f"staged {table.name}")
    (root / name).parent.mkdir(parents=True, exist_ok=True)
    os.replace(staged, root / name)
    pause_point(f"stored {table.name}")
