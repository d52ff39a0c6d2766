"""The process pool for CPU-bound ingest stages (extraction)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager


@contextmanager
def worker_pool(workers: int) -> Iterator[Executor | None]:
    """A pool of `workers` processes, or None (run in-process) when `workers` is 1.

    Workers are spawned, not forked: a flow runs Prefect's threads, and forking a threaded
    process can deadlock.
    """
    if workers <= 1:
        yield None
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield pool
