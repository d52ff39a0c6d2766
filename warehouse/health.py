"""Reading the `source_health` view: a run's rows, each with its source's recent runs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from warehouse.catalog import connect
from warehouse.storage import WarehouseRoot


@dataclass(frozen=True)
class SourceHistory:
    """One source's `source_health` row in a run, and its rows in the source's earlier completed
    runs, newest first (each row a dict keyed by the view's columns)."""

    source: str
    current: dict[str, Any]
    history: list[dict[str, Any]]


# The view once (MATERIALIZED): each reference would otherwise scan the tables again.
_RUN_AND_HISTORY = """
WITH health AS MATERIALIZED (
    SELECT * FROM source_health
),
current AS (
    SELECT * FROM health WHERE run_id = $run_id
),
history AS (
    SELECT h.* FROM health AS h
    JOIN current AS c ON h.source = c.source AND h.started_at < c.started_at
    WHERE h.run_id <> $run_id AND h.status = 'completed'
    QUALIFY row_number() OVER (PARTITION BY h.source ORDER BY h.started_at DESC, h.run_id) <= $history_runs
)
SELECT true AS is_current, * FROM current
UNION ALL BY NAME
SELECT false AS is_current, * FROM history
ORDER BY source, is_current DESC, started_at DESC
"""


def run_with_history(root: WarehouseRoot, run_id: str, history_runs: int) -> list[SourceHistory]:
    """Each source the run `run_id` added rows for, with up to `history_runs` earlier completed
    runs of that source (computed in DuckDB: a handful of rows per source come back)."""
    con = connect(root)
    try:
        cursor = con.execute(_RUN_AND_HISTORY, {"run_id": run_id, "history_runs": history_runs})
        columns = [d[0] for d in cursor.description]
        rows = [dict(zip(columns, row)) for row in cursor.fetchall()]
    finally:
        con.close()
    found: dict[str, SourceHistory] = {}
    for row in rows:
        is_current = row.pop("is_current")
        if is_current:
            found[row["source"]] = SourceHistory(row["source"], row, [])
        elif row["source"] in found:
            found[row["source"]].history.append(row)
    return list(found.values())


_RUN_SOURCES = """
SELECT h.*, coalesce(a.alerts, []) AS alerts
FROM source_health AS h
LEFT JOIN (
    SELECT source, list(message ORDER BY figure) AS alerts FROM source_alerts WHERE run_id = $run_id GROUP BY source
) AS a USING (source)
WHERE h.run_id = $run_id
ORDER BY h.inputs DESC, h.source
"""


def run_sources(root: WarehouseRoot, run_id: str) -> list[dict[str, Any]]:
    """The `source_health` rows of run `run_id`, most inputs first, each with its alerts' messages."""
    con = connect(root)
    try:
        cursor = con.execute(_RUN_SOURCES, {"run_id": run_id})
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]
    finally:
        con.close()
