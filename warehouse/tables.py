"""Reading warehouse tables: where a table's Parquet files are, how SQL scans them, and a reader
by table name and columns. Every read of a table goes through here, so a change of storage
changes this module, `storage` and the writer, not the stages."""

from __future__ import annotations

import re
from datetime import datetime, timezone

import pyarrow as pa

from warehouse.schemas import Table
from warehouse.scratch import scratch_connection
from warehouse.storage import StoredFile, WarehouseRoot, list_files, list_names, location, parquet_file, sql_literal

SCHEMA_FILE = "_schema.parquet"
_PART_TIME = re.compile(r"(?:^|/)part-(\d{8}T\d{6})-[^/]*$")  # how warehouse/writer.py names a part


def table_glob(root: WarehouseRoot, table: Table) -> str:
    """The glob that matches every Parquet file of a table (its schema file included)."""
    return location(root, table.name, "**", "*.parquet")


def table_scan(root: WarehouseRoot, table: Table, filename: bool = False) -> str:
    """A SQL table expression scanning every stored row of `table`; with `filename`, each row
    also names the file that holds it (column `filename`). Columns are matched by name, so files
    written before a column was added read it as NULL."""
    glob = sql_literal(table_glob(root, table))
    return f"read_parquet({glob}, hive_partitioning = false, union_by_name = true{', filename = true' if filename else ''})"


def is_data_file(name: str) -> bool:
    """Whether the file `name` of a table's folder holds rows (a Parquet part, not the schema
    file)."""
    return name.endswith(".parquet") and not name.endswith("/" + SCHEMA_FILE)


def table_file_stats(root: WarehouseRoot, table: Table) -> list[StoredFile]:
    """A table's data files (names relative to the root, sizes, modification times), sorted."""
    return [f for f in list_files(root, table.name) if is_data_file(f.name)]


def table_files(root: WarehouseRoot, table: Table) -> list[str]:
    """A table's data files, relative to the root, sorted (a warehouse moved elsewhere keeps
    the names)."""
    return [name for name in list_names(root, table.name) if is_data_file(name)]


def part_written_at(name: str) -> datetime | None:
    """When the part file `name` was written, to the second below (from its name, as the writer
    gives it: `part-YYYYMMDDTHHMMSS-...`, UTC), or None for a name that does not tell."""
    found = _PART_TIME.search(name)
    return datetime.strptime(found.group(1), "%Y%m%dT%H%M%S").replace(tzinfo=timezone.utc) if found else None


def file_location(root: WarehouseRoot, name: str) -> str:
    """Where a data file named by `table_files` is, for `read_parquet`."""
    return location(root, name)


def file_list(root: WarehouseRoot, names: list[str]) -> str:
    """A SQL list of where the files `names` (relative to the root) are, for `read_parquet`."""
    return "[" + ", ".join(sql_literal(file_location(root, name)) for name in names) + "]"


def file_rows(root: WarehouseRoot, name: str) -> int:
    """Rows in a data file named by `table_files` (from its footer, without reading its data)."""
    return parquet_file(root, name).metadata.num_rows


def read_table(root: WarehouseRoot, table: Table, columns: list[str] | None = None) -> pa.Table:
    """Every stored row of a table, or of some of its columns (for small tables and tests; the
    flows' large reads are DuckDB queries over `table_scan`)."""
    cols = ", ".join(f'"{c}"' for c in columns) if columns else "*"
    with scratch_connection(root) as con:
        return con.sql(f"SELECT {cols} FROM {table_scan(root, table)}").to_arrow_table()
