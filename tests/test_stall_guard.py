"""A worker stuck where no signal reaches it, on a real process pool: the pool is replaced, the
stuck item gets its stand-in result, every other item its own, and the stuck worker is gone."""

from __future__ import annotations

import os
import time
from functools import partial
from pathlib import Path

import pytest

from tasks.executors import worker_pool
from tasks.stall_guard import map_unstalled

STUCK = -1


def _square_or_hang(pid_file: Path, item: int) -> int:
    """item², or, for STUCK, write this worker's pid and never answer."""
    if item == STUCK:
        pid_file.write_text(str(os.getpid()))
        time.sleep(3600)
    return item * item


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.timeout(300)
def test_a_stuck_worker_is_replaced_and_the_batch_completes(tmp_path: Path) -> None:
    pid_file = tmp_path / "stuck.pid"
    items = [1, 2, 3, STUCK, 4, 5, 6, 7, 8, 9]
    with worker_pool(2) as pool:
        # the stuck item shares its task with three others: they get their own results
        results = list(map_unstalled(pool, partial(_square_or_hang, pid_file), items, stall_seconds=3, on_stall=lambda _: None, chunksize=4))
        assert results == [1, 4, 9, None, 16, 25, 36, 49, 64, 81]
        assert pool.submit(_square_or_hang, pid_file, 12).result() == 144  # the new pool works
        stuck_pid = int(pid_file.read_text())
        assert stuck_pid not in {p.pid for p in pool.pool._processes.values()}  # noqa: SLF001
    deadline = time.monotonic() + 30
    while _process_exists(stuck_pid) and time.monotonic() < deadline:
        time.sleep(0.1)  # killed; reaped by the old pool's shutdown
    assert not _process_exists(stuck_pid)


@pytest.mark.timeout(300)
def test_a_stuck_dask_worker_is_restarted_and_the_batch_completes(tmp_path: Path) -> None:
    pid_file = tmp_path / "stuck.pid"
    items = [1, 2, 3, STUCK, 4, 5, 6, 7, 8, 9]
    with worker_pool(2, executor="dask-local:2") as dask:
        results = list(map_unstalled(dask, partial(_square_or_hang, pid_file), items, stall_seconds=3, on_stall=lambda _: None))
        assert results == [1, 4, 9, None, 16, 25, 36, 49, 64, 81]
        stuck_pid = int(pid_file.read_text())
        deadline = time.monotonic() + 60
        while _process_exists(stuck_pid) and time.monotonic() < deadline:
            time.sleep(0.1)  # its nanny kills it if it does not close
        assert not _process_exists(stuck_pid)
        assert dask.submit(_square_or_hang, pid_file, 12).result() == 144  # the cluster still works
        dask.client.wait_for_workers(2, timeout=120)  # the stuck one was replaced
        assert stuck_pid not in dask.client.run(os.getpid).values()
