"""One process pool for flows run one after another (`shared_worker_pool`, as the pipeline runs
its three): the same worker processes serve every `worker_pool` block inside it, each block's
preload reaches them when it starts them, a stuck worker or a block left by an error renews the
pool for the blocks after it, and outside the block (or on Dask, or with one worker) nothing is
shared."""

from __future__ import annotations

import os
import time
from functools import partial
from pathlib import Path

import pytest

from tasks.executors import RenewablePool, call_in_worker, shared_worker_pool, start_workers, worker_pool
from tasks.stall_guard import map_unstalled

STUCK = -1
_LOADED: list[str] = []  # what preloads have loaded in this process


def _load(name: str) -> None:
    _LOADED.append(name)


def _loaded() -> tuple[int, list[str]]:
    time.sleep(0.2)  # long enough that both workers take a task of the two
    return os.getpid(), list(_LOADED)


def _pid_or_hang(pid_file: Path, item: int) -> int:
    """This worker's pid, or, for STUCK, write it and never answer."""
    if item == STUCK:
        pid_file.write_text(str(os.getpid()))
        time.sleep(3600)
    return os.getpid()


def _pids(pool: RenewablePool) -> set[int]:
    """The pool's worker processes, every one started (two tasks at once start two workers)."""
    for future in [pool.submit(_loaded) for _ in range(pool.workers)]:
        future.result()
    return set(pool.pool._processes)  # noqa: SLF001 - the pool's own table of its workers


@pytest.mark.timeout(300)
def test_flows_in_a_shared_block_use_the_same_workers_and_a_preload_reaches_them() -> None:
    with shared_worker_pool(2) as shared:
        with worker_pool(2) as first:
            assert first is shared
            workers = _pids(first)
        with worker_pool(2, _load, ("detector",)) as second:
            assert second is shared
            start_workers(second)  # as the language flow does once it knows there is work
            results = [future.result() for future in [second.submit(_loaded) for _ in range(4)]]
        assert {pid for pid, _ in results} <= workers  # no new processes
        assert any("detector" in loaded for _, loaded in results)
    with worker_pool(2) as alone:
        assert alone is not shared
        assert not _pids(alone) & workers  # outside the block: a pool of its own


@pytest.mark.timeout(300)
def test_a_shared_pool_started_at_once_has_its_preload_in_every_worker_before_any_task() -> None:
    """`pressroom ingest` starts its workers before importing Prefect: they import the clean
    unit while the flow's process starts the run, and the flow's pool is the same one."""
    with shared_worker_pool(2, preload=partial(_load, "clean unit"), start_now=True) as shared:
        assert shared is not None and shared.started()  # spawned before any task of the block
        with worker_pool(2) as flows_pool:
            assert flows_pool is shared
            results = [future.result() for future in [flows_pool.submit(_loaded) for _ in range(4)]]
        assert len({pid for pid, _ in results}) == 2
        assert all(loaded == ["clean unit"] for _, loaded in results)


@pytest.mark.timeout(300)
def test_a_stuck_worker_renews_the_shared_pool_for_the_flows_after_it(tmp_path: Path) -> None:
    pid_file = tmp_path / "stuck.pid"
    with shared_worker_pool(2) as shared:
        with worker_pool(2) as pool:
            results = list(map_unstalled(pool, partial(_pid_or_hang, pid_file), [1, STUCK, 2, 3], stall_seconds=3, on_stall=lambda _: None))
            assert results[1] is None and all(results[i] for i in (0, 2, 3))
        stuck = int(pid_file.read_text())
        with worker_pool(2) as after:
            assert after is shared
            assert stuck not in _pids(after)


@pytest.mark.timeout(300)
def test_a_flow_left_by_an_error_renews_the_shared_pool() -> None:
    with shared_worker_pool(2) as shared:
        with pytest.raises(KeyboardInterrupt):
            with worker_pool(2) as pool:
                before = _pids(pool)
                raise KeyboardInterrupt  # Ctrl-C mid-flow: its workers may be busy, and are killed
        with worker_pool(2) as after:
            assert after is shared
            assert not _pids(after) & before


def test_nothing_is_shared_on_dask_or_with_one_worker() -> None:
    with shared_worker_pool(2, "dask-local:2") as on_dask, shared_worker_pool(1) as single:
        assert on_dask is None and single is None  # each flow opens its own executor, as outside
        with worker_pool(1, _load, ("here",)) as pool:
            assert pool is None and _LOADED[-1] == "here"  # one worker: the flow's own process


@pytest.mark.timeout(300)
def test_call_in_worker_runs_in_a_running_pool_worker_or_here() -> None:
    with shared_worker_pool(2) as pool:
        assert call_in_worker(pool, os.getpid) == os.getpid()  # no worker started yet: none is started for it
        assert not pool.started()
        workers = _pids(pool)
        assert call_in_worker(pool, os.getpid) in workers
    assert call_in_worker(None, os.getpid) == os.getpid()
