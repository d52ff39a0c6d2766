"""Reading the `source_health` view: a run's rows, each with its source's recent runs (read
from those runs' files only), and a run's rows with their alerts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any

import duckdb

from warehouse.catalog import connect
from warehouse.schemas import ARTICLES, DOCUMENTS, QUARANTINE
from warehouse.storage import WarehouseRoot
from warehouse.tables import SCHEMA_FILE, file_list, part_written_at, table_files


@dataclass(frozen=True)
class SourceHistory:
    """One source's `source_health` row in a run, and its rows in the source's earlier completed
    runs, newest first (each row a dict keyed by the view's columns; the dedup figures,
    `deduplicated` and `duplicates`, are left out: 0 and None)."""

    source: str
    current: dict[str, Any]
    history: list[dict[str, Any]]


# The figures once (MATERIALIZED): each reference would otherwise scan the files again. `chosen`
# are the earlier runs whose files were read in full (others may be read in part, where their
# writes overlapped in time).
_RUN_AND_HISTORY = """
WITH health AS MATERIALIZED (
    SELECT * FROM source_health_in({documents}, {quarantine}, {articles}, false)
),
current AS (
    SELECT * FROM health WHERE run_id = $run_id
),
history AS (
    SELECT h.* FROM health AS h
    JOIN current AS c ON h.source = c.source AND h.started_at < c.started_at
    WHERE h.run_id <> $run_id AND h.status = 'completed' AND list_contains($chosen, h.run_id)
    QUALIFY row_number() OVER (PARTITION BY h.source ORDER BY h.started_at DESC, h.run_id) <= $history_runs
)
SELECT true AS is_current, * FROM current
UNION ALL BY NAME
SELECT false AS is_current, * FROM history
ORDER BY source, is_current DESC, started_at DESC
"""

# A run's part files were written between its start and its end (their names tell when); the
# margin covers the names' whole seconds.
_MARGIN = timedelta(minutes=1)
_NEVER = datetime.max.replace(tzinfo=timezone.utc)
_EARLIER_RUNS = """
SELECT run_id, started_at, coalesce(finished_at, now()) FROM runs
WHERE flow = 'ingest' AND status = 'completed' AND started_at < $started_at AND run_id <> $run_id
ORDER BY started_at DESC, run_id
"""


_TABLES = (DOCUMENTS, QUARANTINE, ARTICLES)  # what source_health reads


def _part_times(root: WarehouseRoot) -> dict[str, list[tuple[str, datetime | None]]]:
    """Each table `source_health` reads, with its part files and when each was written (None
    for a name that does not tell)."""
    return {table.name: [(name, part_written_at(name)) for name in table_files(root, table)] for table in _TABLES}


def _files_within(root: WarehouseRoot, parts: dict[str, list[tuple[str, datetime | None]]], windows: list[tuple[datetime, datetime]]) -> dict[str, str]:
    """Per table of `parts`, a SQL list of its schema file and of its part files written within
    one of `windows` (and of any file whose name tells no time)."""
    return {
        table: file_list(
            root,
            [f"{table}/{SCHEMA_FILE}", *(name for name, written in named if written is None or any(start <= written <= end for start, end in windows))],
        )
        for table, named in parts.items()
    }


def run_with_history(root: WarehouseRoot, run_id: str, started_at: datetime, history_runs: int) -> list[SourceHistory]:
    """Each source the run `run_id` (started at `started_at`) added rows for, with up to
    `history_runs` earlier completed runs of that source (computed in DuckDB: a handful of rows
    per source come back).

    Only the files of this run and of the newest earlier runs are read (by the times in their
    names), not the whole warehouse: the newest `history_runs` earlier runs, or all of them
    when a source of this run has fewer runs among those."""
    con = connect(root)
    try:
        earlier = con.execute(_EARLIER_RUNS, {"started_at": started_at, "run_id": run_id}).fetchall()
        parts = _part_times(root)
        take = history_runs
        while True:
            chosen = earlier[:take]
            windows = [(started_at - _MARGIN, _NEVER)]
            windows += [(start - _MARGIN, end + _MARGIN) for _, start, end in chosen]
            sql = _RUN_AND_HISTORY.format(**_files_within(root, parts, windows))
            parameters = {"run_id": run_id, "history_runs": history_runs, "chosen": [r for r, _, _ in chosen]}
            found = _by_source(con.execute(sql, parameters))
            if take >= len(earlier) or all(len(f.history) >= history_runs for f in found):
                return found
            take = len(earlier)  # a source with fewer runs among them (a new one, a rare one): read them all
    finally:
        con.close()


def _rows(cursor: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """The rows of a query, each a dict keyed by its columns."""
    columns = [d[0] for d in cursor.description]
    return [dict(zip(columns, row)) for row in cursor.fetchall()]


def _by_source(cursor: duckdb.DuckDBPyConnection) -> list[SourceHistory]:
    found: dict[str, SourceHistory] = {}
    for row in _rows(cursor):
        is_current = row.pop("is_current")
        if is_current:
            found[row["source"]] = SourceHistory(row["source"], row, [])
        elif row["source"] in found:
            found[row["source"]].history.append(row)
    return list(found.values())


_RUN_SOURCES = """
SELECT h.*, coalesce(a.alerts, []) AS alerts
FROM source_health_in({documents}, {quarantine}, {articles}, {with_duplicates}) AS h
LEFT JOIN (
    SELECT source, list(message ORDER BY figure) AS alerts FROM source_alerts WHERE run_id = $run_id GROUP BY source
) AS a USING (source)
WHERE h.run_id = $run_id
ORDER BY h.inputs DESC, h.source
"""


def run_sources(root: WarehouseRoot, run_id: str, started_at: datetime, with_duplicates: bool) -> list[dict[str, Any]]:
    """The `source_health` rows of ingest run `run_id` (started at `started_at`), most inputs
    first, each with its alerts' messages; read from the files written since the run started,
    and with the dedup figures only if `with_duplicates` (they read every decision)."""
    windows = [(started_at - _MARGIN, _NEVER)]
    files = _files_within(root, _part_times(root), windows)
    con = connect(root)
    try:
        return _rows(con.execute(_RUN_SOURCES.format(**files, with_duplicates=str(with_duplicates).lower()), {"run_id": run_id}))
    finally:
        con.close()
