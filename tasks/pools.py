"""Process pools for CPU-bound stages (extraction, language ID, shingling)."""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager


@contextmanager
def worker_pool(workers: int, initializer: Callable[..., None] | None = None, initargs: tuple = ()) -> Iterator[Executor | None]:
    """A pool of `workers` processes, or None (run in-process) when `workers` is 1.

    Workers are spawned, not forked: a flow runs Prefect's threads, and forking a threaded
    process can deadlock. `initializer` preloads what every worker needs (models, imports).
    """
    if workers <= 1:
        yield None
        return
    with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"), initializer=initializer, initargs=initargs) as pool:
        yield pool
