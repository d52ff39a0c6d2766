"""The alert check's reading of a run and its sources' recent runs (warehouse/health.py): only
the files written during those runs are read, and the figures are the `source_health` view's."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from tests.warehouse_factory import table_rows
from warehouse.catalog import ensure_catalog
from warehouse.health import run_with_history
from warehouse.query import run_query
from warehouse.schemas import ARTICLES, DOCUMENTS, RUNS
from warehouse.writer import append_new_rows

T0 = datetime(2026, 3, 1, tzinfo=timezone.utc)


def _part(root: Path, table, rows: pa.Table, at: datetime, n: int) -> None:
    """A part file as the writer names one written at `at`."""
    folder = root / table.name / f"ingest_date={at:%Y-%m-%d}"
    folder.mkdir(parents=True, exist_ok=True)
    pq.write_table(rows, folder / f"part-{at:%Y%m%dT%H%M%S}-{n:012x}.parquet")


def _run(root: Path, number: int, sources: list[str], words: int) -> tuple[str, datetime]:
    """Run `number`: started `number` hours after T0, 2 articles of each of `sources`."""
    run_id, started = f"run{number:02d}", T0 + timedelta(hours=number)
    for k, source in enumerate(sources):
        first = number * 100 + k * 10
        for table in (DOCUMENTS, ARTICLES):
            rows = table_rows(table, 2, first).to_pylist()
            for row in rows:
                row.update(source=source, run_id=run_id, fetched_at=started + timedelta(minutes=1))
                if table is ARTICLES:
                    row["word_count"] = words
            _part(root, table, pa.Table.from_pylist(rows, table.schema), started + timedelta(minutes=2), first)
    return run_id, started


def _record(root: Path, run_id: str, started: datetime) -> None:
    row = {"run_id": run_id, "flow": "ingest", "started_at": started, "finished_at": started + timedelta(minutes=5),
           "status": "completed", "inputs": 0, "rows_added": {}, "quarantined": 0, "stages_json": "{}"}
    append_new_rows(root, RUNS, pa.Table.from_pylist([row], RUNS.schema))


def test_a_run_is_judged_from_its_files_and_its_sources_recent_runs_only(tmp_path: Path):
    root = (tmp_path / "wh").resolve()
    ensure_catalog(root)
    # an old run's file that cannot be read: reading the whole warehouse would fail on it
    (root / DOCUMENTS.name / "ingest_date=2026-02-01").mkdir(parents=True)
    (root / DOCUMENTS.name / "ingest_date=2026-02-01" / "part-20260201T000000-000000000000.parquet").write_bytes(b"PAR1 cut off")
    for number in range(6):
        _record(root, *_run(root, number, ["a", "b"], words=100 + number))
    current, started = _run(root, 6, ["a"], words=500)
    found = run_with_history(root, current, started, history_runs=3)
    assert [f.source for f in found] == ["a"]
    (a,) = found
    assert a.current["run_id"] == current and a.current["articles"] == 2 and a.current["median_words"] == 500
    assert [h["run_id"] for h in a.history] == ["run05", "run04", "run03"]
    assert [h["median_words"] for h in a.history] == [105, 104, 103]


def test_a_source_with_fewer_recent_runs_is_compared_with_all_its_runs(tmp_path: Path):
    """A source missing from the newest runs (a rare one) still gets its earlier runs, as the
    view gives them."""
    root = (tmp_path / "wh").resolve()
    ensure_catalog(root)
    _record(root, *_run(root, 0, ["rare"], words=90))
    for number in range(1, 5):
        _record(root, *_run(root, number, ["daily"], words=100))
    current, started = _run(root, 5, ["rare", "daily"], words=80)
    found = {f.source: f for f in run_with_history(root, current, started, history_runs=2)}
    assert [h["run_id"] for h in found["rare"].history] == ["run00"]
    assert [h["run_id"] for h in found["daily"].history] == ["run04", "run03"]
    _, rows = run_query(root, f"SELECT source, articles, median_words FROM source_health WHERE run_id = '{current}' ORDER BY source")
    assert rows == [(s, found[s].current["articles"], found[s].current["median_words"]) for s in ("daily", "rare")]
