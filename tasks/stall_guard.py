"""Mapping a function over a batch on a process pool so that a stuck worker cannot stall it.

The per-document time limit (`tasks.time_limit`) interrupts Python code; code inside one long C
call that never returns (or a worker that stops answering) it cannot. `map_unstalled` watches
for that from the pool's side. Items go to the pool in tasks of a few (chunks); documents on a
healthy pool finish within their limit, so when no task has finished for `stall_seconds` per item
of the longest task not yet done while some are running, the workers are stuck. The pool is replaced
(`tasks.executors.RenewablePool.renew`), the items of the tasks they held are sent again one per
task, an item found stuck alone gets `on_stall(item)` as its result, and the tasks that were still
to come are run again.
Until a pool has finished its first task, the wait is `STARTUP_SECONDS` longer: its workers are
still being spawned and importing their libraries.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Executor, Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Generic, TypeVar

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
    """`fn` over `items` on the executor, results in order, in tasks of `chunksize` items (a task
    per item cost the flow's process a future, wake-ups of the pool's threads and a pickled call
    each). On a `RenewablePool` the tasks are watched as above, allowing `stall_seconds` per item
    of the longest task not yet done; a stuck task's items are sent again one per task, so that a
    stuck item is found alone, and only that item gets `on_stall(item)` as its result. An
    executor with a watch of its own (Dask's restarts stuck workers:
    `tasks.dask_executor.DaskExecutor.map_unstalled`) uses it; any other maps the items in such
    chunks."""
    if hasattr(executor, "map_unstalled"):
        yield from executor.map_unstalled(fn, items, stall_seconds, on_stall, chunksize)
        return
    if not isinstance(executor, RenewablePool):
        yield from executor.map(fn, items, chunksize=chunksize)
        return
    last_done = time.monotonic()  # when a task last finished (set from the pool's thread)
    warming_up = True  # the pool has finished no task yet

    def finished(_: Future) -> None:
        nonlocal last_done, warming_up
        last_done, warming_up = time.monotonic(), False

    def submit(part: list[In], size: int) -> list[_Chunk]:
        chunks = [_Chunk(part[i : i + size]) for i in range(0, len(part), size)]
        for chunk in chunks:
            chunk.future = executor.submit(_run_chunk, fn, chunk.items)
            chunk.future.add_done_callback(finished)
        return chunks

    queue = submit(list(items), max(1, chunksize))
    try:
        while queue:
            chunk = queue[0]
            if chunk.results is None:
                longest = max(len(c.items) for c in queue if c.results is None)
                wait = stall_seconds * longest + (STARTUP_SECONDS if warming_up else 0) - (time.monotonic() - last_done)
                if wait <= 0:
                    queue = _settle_stuck(executor, queue, on_stall, submit)
                    last_done, warming_up = time.monotonic(), True
                    continue
                try:
                    chunk.results = chunk.future.result(timeout=wait)
                except FutureTimeout:
                    continue  # another task may have finished meanwhile: look again
            yield from queue.pop(0).results
    finally:
        # left early (Ctrl-C, an error): tasks not started are not run, as Executor.map does
        for chunk in queue:
            if chunk.future is not None:
                chunk.future.cancel()


def _run_chunk(fn: Callable[[In], Out], items: list[In]) -> list[Out]:
    return [fn(item) for item in items]


@dataclass(eq=False)
class _Chunk(Generic[In, Out]):
    """Consecutive items sent as one task, or, once settled without one, their results."""

    items: list[In]
    future: Future | None = None
    results: list[Out] | None = None


def _settle_stuck(
    pool: RenewablePool, queue: list[_Chunk], on_stall: Callable[[In], Out], submit: Callable[[list[In], int], list[_Chunk]]
) -> list[_Chunk]:
    """Renew the pool and replace the queue's tasks that had not finished before it: a stuck task
    of several items by a task per item, a stuck single item by its stand-in result, any other by
    the same task on the new pool."""
    unfinished = [c for c in queue if c.results is None and not c.future.done()]
    # the stuck workers hold the first unfinished tasks the pool handed out (it hands them out in
    # order, to its call queue: those beyond are waiting there)
    stuck = [c for c in unfinished if c.future.running()][: pool.workers] or unfinished[:1]
    pool.renew()
    replaced: list[_Chunk] = []
    for chunk in queue:
        if chunk in stuck and len(chunk.items) == 1:
            replaced.append(_Chunk(chunk.items, results=[on_stall(chunk.items[0])]))
        elif chunk in stuck:
            replaced.extend(submit(chunk.items, 1))
        elif chunk.results is None and (chunk.future.cancelled() or chunk.future.exception() is not None):
            # done by now: finished in the meantime, or failed or cancelled by the renewal
            replaced.extend(submit(chunk.items, len(chunk.items)))
        else:
            replaced.append(chunk)
    return replaced
