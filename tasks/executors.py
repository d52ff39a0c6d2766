"""The executor for CPU-bound stages (extraction, language tagging, dedup signatures)."""

from __future__ import annotations

import ctypes
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from functools import partial
from typing import Any

_M_TRIM_THRESHOLD = -1  # glibc's mallopt parameters (malloc.h)
_M_MMAP_THRESHOLD = -3


@contextmanager
def worker_pool(
    workers: int, preload: Callable[..., Any] | None = None, preload_args: tuple = (), start_now: bool = False
) -> Iterator[Executor | None]:
    """A pool of `workers` processes, or None (run in-process) when `workers` is 1.

    `preload(*preload_args)` runs once in each worker as it starts (load a model there, not
    per task). Workers are spawned, not forked: a flow runs Prefect's threads, and forking a
    threaded process can deadlock. They start when the first task is submitted, so a pool that
    is never used costs nothing; `start_now` starts them all at once instead, so slow preloads
    (language models) run side by side before the first batch rather than during it.
    """
    if workers <= 1:
        if preload is not None:
            preload(*preload_args)
        yield None
        return
    initializer = partial(_start_worker, preload, preload_args)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(workers, mp_context=context, initializer=initializer) as pool:
        if start_now:
            # a spawning pool starts a worker per submitted task while none is idle
            for _ in range(workers):
                pool.submit(_no_op)
        yield pool


def _start_worker(preload: Callable[..., Any] | None, preload_args: tuple) -> None:
    reuse_freed_memory()
    if preload is not None:
        preload(*preload_args)


def _no_op() -> None:
    """A task that only makes the pool start a worker."""


def reuse_freed_memory() -> None:
    """Worker initializer: glibc's malloc keeps the memory a batch freed for the next batch.

    A batch allocates NumPy arrays of several MB; by default glibc maps many of them afresh and
    returns them when freed, so every batch would page-fault its memory in again
    (bench/README.md has the numbers). Does nothing where the C library is not glibc.
    """
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the C library the interpreter runs on
    except AttributeError:
        return
    mallopt(_M_MMAP_THRESHOLD, 32 << 20)  # the largest glibc accepts: arrays below it come from the heap
    mallopt(_M_TRIM_THRESHOLD, 256 << 20)  # freed heap kept up to this much
