"""The command's first look at local inputs (flows/cli.py): a file modified after the last
recorded run ended is work, found without asking the warehouse for every file's version."""

from __future__ import annotations

import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pyarrow as pa

from config.sources import FileSource, FolderSource
from tasks.fetch.local_files import modified_after
from warehouse.known import last_run_end
from warehouse.schemas import RUNS
from warehouse.writer import append_new_rows, initialize


def _touch(path: Path, at: datetime) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("An article.\n", encoding="utf-8")
    os.utime(path, (at.timestamp(), at.timestamp()))


def test_last_run_end_is_after_the_newest_run_row_was_written(tmp_path: Path):
    root = tmp_path / "wh"
    initialize(root)
    assert last_run_end(root) is None
    before = datetime.now(timezone.utc)
    row = {"run_id": "r1", "flow": "ingest", "started_at": before - timedelta(hours=1), "finished_at": before,
           "status": "completed", "inputs": 1, "rows_added": {}, "quarantined": 0, "stages_json": "{}"}
    append_new_rows(root, RUNS, pa.Table.from_pylist([row], RUNS.schema), "ingest_date=2020-01-01")  # the run's start date
    end = last_run_end(root)
    assert end is not None and before < end <= datetime.now(timezone.utc) + timedelta(seconds=1)


def test_a_file_modified_after_the_moment_is_work_and_others_are_not(tmp_path: Path):
    moment = datetime(2026, 3, 1, tzinfo=timezone.utc)
    folder = tmp_path / "pages"
    _touch(folder / "old.html", moment - timedelta(days=1))
    _touch(folder / "notes.xyz", moment + timedelta(days=1))  # not an input (quarantined by the plan)
    _touch(folder / ".hidden" / "new.html", moment + timedelta(days=1))  # hidden: not an input
    source = FolderSource(name="pages", kind="folder", path=folder)
    assert not modified_after([source], moment)
    _touch(folder / "sub" / "new.txt", moment + timedelta(seconds=2))
    assert modified_after([source], moment)
    single = FileSource(name="one", kind="file", path=folder / "old.html")
    assert not modified_after([single], moment) and modified_after([single], moment - timedelta(days=2))
    assert not modified_after([FolderSource(name="gone", kind="folder", path=tmp_path / "missing")], moment)
