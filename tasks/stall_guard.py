"""Mapping a function over a batch on a process pool so that a stuck worker cannot stall it.

The per-document time limit (`tasks.time_limit`) interrupts Python code; code inside one long C
call that never returns (or a worker that stops answering) it cannot. `map_unstalled` watches
for that from the pool's side: documents in flight on a healthy pool finish within their limit,
so when none has finished for `stall_seconds` while some are running, the workers are stuck.
The items they hold get `on_stall(item)` as their result, the pool is replaced
(`tasks.executors.RenewablePool.renew`) and the items that were still to come are run again.
Until a pool has finished its first item, the wait is `STARTUP_SECONDS` longer: its workers are
still being spawned and importing their libraries.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TypeVar

from tasks.executors import RenewablePool

# Spawning a worker and importing trafilatura and lxml took 2-5 s, and several times that on a
# loaded machine.
STARTUP_SECONDS = 60.0

In = TypeVar("In")
Out = TypeVar("Out")


def map_unstalled(
    executor: Executor,
    fn: Callable[[In], Out],
    items: Sequence[In],
    stall_seconds: float,
    on_stall: Callable[[In], Out],
    chunksize: int = 4,
) -> Iterator[Out]:
    """`fn` over `items` on the executor, results in order. On a `RenewablePool` each item is
    its own task, watched as above; an executor with a watch of its own (Dask's restarts stuck
    workers: `tasks.dask_executor.DaskExecutor.map_unstalled`) uses it with chunks of `chunksize`;
    any other maps the items in such chunks."""
    if hasattr(executor, "map_unstalled"):
        yield from executor.map_unstalled(fn, items, stall_seconds, on_stall, chunksize)
        return
    if not isinstance(executor, RenewablePool):
        yield from executor.map(fn, items, chunksize=chunksize)
        return
    last_done = time.monotonic()  # when an item last finished (set from the pool's thread)
    warming_up = True  # the pool has finished no item yet

    def finished(_: Future) -> None:
        nonlocal last_done, warming_up
        last_done, warming_up = time.monotonic(), False

    def submit(item: In) -> Future:
        future = executor.submit(fn, item)
        future.add_done_callback(finished)
        return future

    futures = [submit(item) for item in items]
    stalled: set[int] = set()
    try:
        for index, item in enumerate(items):
            while index not in stalled:  # until the item's result is out (break) or it is stalled
                wait = stall_seconds + (STARTUP_SECONDS if warming_up else 0) - (time.monotonic() - last_done)
                if wait > 0:
                    try:
                        yield futures[index].result(timeout=wait)
                        break
                    except FutureTimeout:
                        continue  # another item may have finished meanwhile: look again
                stalled |= _stuck(futures, index, executor.workers)
                _replace_pool(executor, futures, items, index, stalled, submit)
                last_done, warming_up = time.monotonic(), True
            else:
                yield on_stall(item)
    finally:
        # left early (Ctrl-C, an error): items not started are not run, as Executor.map does
        for future in futures:
            future.cancel()


def _stuck(futures: list[Future], first: int, workers: int) -> set[int]:
    """The items the stuck workers hold: the first `workers` unfinished ones the pool has handed
    out (it hands items out in order, to its call queue: those beyond are waiting there)."""
    running = [i for i in range(first, len(futures)) if futures[i].running()]
    return set(running[:workers]) or {first}


def _replace_pool(
    pool: RenewablePool, futures: list[Future], items: Sequence[In], first: int, stalled: set[int], submit: Callable[[In], Future]
) -> None:
    """Renew the pool and submit again every item from `first` on that had not finished before
    it (their futures failed with the old pool), except the stalled ones."""
    unfinished = [i for i in range(first, len(futures)) if not futures[i].done() and i not in stalled]
    pool.renew()
    for i in unfinished:
        # done by now: finished in the meantime, or failed or cancelled by the renewal
        if futures[i].cancelled() or futures[i].exception() is not None:
            futures[i] = submit(items[i])
