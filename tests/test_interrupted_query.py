"""Ctrl-C while a flow waits on a DuckDB query (the language flow's and dedup's first reads take
seconds): DuckDB takes the KeyboardInterrupt and raises its own error; the run is still an
interrupted run (its `runs` row, and a KeyboardInterrupt for the command's one line), not a
failed one with a traceback."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import duckdb
import pytest

from flows.recorded_run import recorded_run
from warehouse.query import run_query

# Groups a range far longer than the test waits into 1,000 rows: constant memory. (DuckDB 1.5.5
# raises its RuntimeError for an Arrow reader of this query, as for dedup's and the language
# flow's reads; a bare count(*) it stops with a KeyboardInterrupt of its own.)
LONG_QUERY = "SELECT i % 1000 AS k, count(*) FROM range(1000000000000) t(i) GROUP BY k"


def _status(root: Path) -> list[tuple]:
    return run_query(root, "SELECT flow, status FROM runs")[1]


def _interrupt_later(act, reading: threading.Event, seconds: float = 2.0) -> threading.Thread:
    def later() -> None:
        reading.wait()
        threading.Event().wait(seconds)  # the main thread is inside DuckDB by then
        act()

    thread = threading.Thread(target=later, daemon=True)
    thread.start()
    return thread


def test_ctrl_c_in_an_arrow_read_is_an_interrupted_run(warehouse: Path) -> None:
    con = duckdb.connect()
    con.execute("SET threads = 1")
    reading = threading.Event()
    _interrupt_later(lambda: os.kill(os.getpid(), signal.SIGINT), reading)
    with pytest.raises(KeyboardInterrupt) as raised:
        with recorded_run("dedup"):
            reading.set()
            for _ in con.sql(LONG_QUERY).to_arrow_reader(1000):
                pass
    assert isinstance(raised.value.__cause__, RuntimeError)  # DuckDB's, not Python's own interrupt
    assert _status(warehouse) == [("dedup", "interrupted")]


def test_an_interrupted_query_is_an_interrupted_run(warehouse: Path) -> None:
    con = duckdb.connect()
    con.execute("SET threads = 1")
    reading = threading.Event()
    _interrupt_later(con.interrupt, reading)
    with pytest.raises(KeyboardInterrupt) as raised:
        with recorded_run("languages"):
            reading.set()
            con.execute(LONG_QUERY).fetchall()
    assert isinstance(raised.value.__cause__, duckdb.InterruptException)
    assert _status(warehouse) == [("languages", "interrupted")]


def test_other_runtime_errors_still_fail_the_run(warehouse: Path) -> None:
    with pytest.raises(RuntimeError, match="something else"):
        with recorded_run("dedup"):
            raise RuntimeError("something else")
    assert _status(warehouse) == [("dedup", "failed")]
