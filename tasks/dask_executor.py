"""A dask.distributed cluster as the executor of the CPU-bound stages (see tasks/executors.py).

What a run needs of it beyond `Client.submit`:

- a worker killed mid-batch (`kill -9`, a lost machine) costs nothing: Dask runs its tasks again
  on another worker (a nanny starts a new one), and a task whose result was lost with its worker
  is computed again, since its arguments travel in the task itself (not scattered to a worker);
- a worker stuck where the per-document time limit cannot reach it (one C call that never
  returns) is killed, and its nanny starts a new one, and the document it held is given its stand-in result
  (`map_unstalled`, the counterpart of `tasks.stall_guard` on a process pool);
- a scheduler that cannot be reached, or goes away mid-run, is one `ExecutorUnavailable`.
"""

from __future__ import annotations

import logging
import math
import multiprocessing
import multiprocessing.forkserver
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import CancelledError, Executor, Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from tasks.executor_unavailable import ExecutorUnavailable

if TYPE_CHECKING:
    from distributed import Client

# How long a restarted worker may take to start and join (and, when it did not, the allowance for
# its first task on top of the stall limit: importing trafilatura, loading a model).
STARTUP_SECONDS = 60.0
# Tasks a map gives each worker: enough to balance a batch over them, few enough that each
# task's cost in the engine stays small beside its work
TASKS_PER_WORKER = 4
# The work a task should carry at least, in CPU-seconds of its worker: a Dask task costs the
# scheduler, the worker and the flow run ~5 ms of CPU in all (a pool's chunk a fraction of one),
# so short items (language tagging: under a millisecond an article) go in tasks of many, up to
# one task a worker for the map (bench/README.md "dask")
MIN_TASK_SECONDS = 0.25
# The stage packages whose functions Dask workers run (`start_forkserver`)
STAGE_MODULES = ("tasks.clean", "tasks.language", "tasks.dedup")

In = TypeVar("In")
Out = TypeVar("Out")
logger = logging.getLogger(__name__)


@contextmanager
def dask_executor(address: str | None, local_workers: int, start_worker: Callable[[], None]) -> Iterator[DaskExecutor]:
    """A client of the scheduler at `address` (`tcp://HOST:PORT`), or, without one, of a
    LocalCluster of `local_workers` processes started and stopped here, as an Executor; each
    worker calls `start_worker()` once.

    The cluster starts (or the scheduler is connected to) in the background, the way a process
    pool starts its workers only once there is work: the flow run discovers and fetches its
    first batch meanwhile, and the executor's first task waits for it. Raises
    ExecutorUnavailable there when the scheduler does not answer (within Dask's
    `distributed.comm.timeouts.connect`)."""
    starting = ThreadPoolExecutor(1, thread_name_prefix="dask-start")
    connection = starting.submit(_connect, address, local_workers, start_worker)
    starting.shutdown(wait=False)
    try:
        yield DaskExecutor(connection)
    finally:
        _disconnect(connection)


def _connect(address: str | None, local_workers: int, start_worker: Callable[[], None]) -> tuple[Any, Any]:
    """`tasks.dask_cluster.connect`, imported here, in the background thread: importing
    `distributed` costs about a CPU-second, which the flow run's first batch overlaps."""
    if address is None:
        start_forkserver(name for name in STAGE_MODULES if name in sys.modules)
    from tasks.dask_cluster import connect

    return connect(address, local_workers, start_worker)


def start_forkserver(stage_modules: Iterable[str]) -> None:
    """Start the forkserver a LocalCluster forks its workers from (`tasks.dask_cluster`),
    importing `distributed` and `stage_modules` (the packages whose functions the workers will
    run: 0.3-0.8 CPU-seconds each, imported once there instead of by each worker at its first
    task). Started before this process imports `distributed` (the command's start, or else the
    connecting thread), its imports run on another core meanwhile instead of after the
    scheduler's start. A forkserver already running is kept."""
    multiprocessing.get_context("forkserver").set_forkserver_preload(["distributed", *stage_modules])
    multiprocessing.forkserver.ensure_running()


def _disconnect(connection: Future) -> None:
    """Close what `_connect` opened, once it is done; a connection that failed left nothing
    open (and a run that never used it does not fail for it)."""
    try:
        client, cluster = connection.result()
    except Exception:  # noqa: BLE001 - raised to the run at its first task, if it had one
        return
    from tasks.dask_cluster import close

    close(client, cluster)


def _kill_worker_process(dask_worker: Any) -> None:
    """Run on a nanny (`dask_worker` is the Nanny): kill its worker process; the nanny starts
    another."""
    os.kill(dask_worker.process.pid, signal.SIGKILL)


@dataclass
class _ChunkResults:
    """A task's results and the CPU-seconds they took. One object, not a list: Dask serializes
    a list's items one by one (a pickle each), an object in one pickle."""

    results: list[Any]
    seconds: float


def _run_chunk(fn: Callable[..., Any], calls: list[tuple]) -> _ChunkResults:
    started = time.thread_time()
    results = [fn(*args) for args in calls]
    return _ChunkResults(results, time.thread_time() - started)


def _kind(fn: Callable[..., Any], calls: list[tuple]) -> tuple[Any, Any]:
    """What a map's calls run, as far as their cost goes: the function, and the function it is
    given as its first argument, if any (`tasks.stage.attempt(fn, item)`: `fn`'s underlying
    function, a stage's per-document one)."""
    first = calls[0][0] if calls and calls[0] else None
    inner = getattr(first, "func", first) if callable(first) else None
    return fn, inner


@dataclass
class _Chunk:
    """Consecutive calls sent as one Dask task, or, once settled without one, their results."""

    calls: list[tuple]
    kind: Any = None  # `_kind` of the map it belongs to
    future: Any = None  # a distributed.Future
    results: list[Any] | None = None


class DaskExecutor(Executor):
    """A dask.distributed client as a `concurrent.futures.Executor` whose `map` sends items in
    chunks (one Dask task per chunk, as a process pool's `chunksize` does), in order."""

    def __init__(self, connection: Future) -> None:
        self._connection = connection  # of `_connect`, in the background
        # per kind of map (`_kind`): CPU-seconds and calls of the tasks finished so far
        self._work: dict[Any, tuple[float, int]] = {}

    @property
    def client(self) -> Client:
        """The client, once connected (ExecutorUnavailable when the scheduler did not answer)."""
        return self._connection.result()[0]

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        return self.client.get_executor(pure=False).submit(fn, *args, **kwargs)

    def map(self, fn: Callable[..., Any], *iterables: Iterable[Any], timeout: float | None = None, chunksize: int = 1) -> Iterator[Any]:
        calls = list(zip(*iterables))
        chunks = self._submit_chunks(fn, calls, self._chunk_size(_kind(fn, calls), len(calls), chunksize))

        def results() -> Iterator[Any]:
            try:
                for chunk in chunks:
                    yield from self._result(chunk, timeout)
            finally:
                self.client.cancel([c.future for c in chunks])

        return results()

    def map_unstalled(
        self, fn: Callable[[In], Out], items: Sequence[In], stall_seconds: float, on_stall: Callable[[In], Out], chunksize: int = 4
    ) -> Iterator[Out]:
        """`fn` over `items`, results in order, watched for stuck workers: when no chunk has
        finished for `stall_seconds` per item of the chunk awaited (counting at most
        `chunksize` items, however many the chunk holds), the workers processing this map's
        chunks are stuck. Their processes are killed (their nannies start new ones) and
        each chunk they held is sent again one item per task, so that a stuck item is found
        alone: an item stuck on its own gets `on_stall(item)` as its result. Tasks of other
        clients on a killed worker are run again by Dask elsewhere."""
        last_done = time.monotonic()
        warming_up = True  # the workers have finished nothing yet (first tasks import, load models)

        def finished(_: object) -> None:
            nonlocal last_done, warming_up
            last_done, warming_up = time.monotonic(), False

        def submit(calls: list[tuple], size: int) -> list[_Chunk]:
            chunks = self._submit_chunks(fn, calls, size)
            for chunk in chunks:
                chunk.future.add_done_callback(finished)
            return chunks

        calls = [(item,) for item in items]
        queue = submit(calls, self._chunk_size(_kind(fn, calls), len(calls), chunksize))
        last_done = time.monotonic()  # not before: the first submission waits for the cluster's start
        try:
            while queue:
                chunk = queue[0]
                if chunk.results is None:
                    # as long as a pool's chunk may take, whatever the size of this one: a
                    # larger chunk must not make a stuck worker wait longer to be found
                    wait = stall_seconds * min(len(chunk.calls), chunksize) + (STARTUP_SECONDS if warming_up else 0) - (time.monotonic() - last_done)
                    if wait <= 0:
                        queue, restarted = self._settle_stuck(queue, on_stall, partial(submit, size=1))
                        last_done, warming_up = time.monotonic(), not restarted
                        continue
                    try:
                        chunk.results = self._result(chunk, wait)
                    except TimeoutError:
                        continue  # another chunk may have finished meanwhile: look again
                yield from queue.pop(0).results
        finally:
            self.client.cancel([c.future for c in queue if c.future is not None])

    def _settle_stuck(
        self, queue: list[_Chunk], on_stall: Callable[[Any], Any], submit: Callable[[list[tuple]], list[_Chunk]]
    ) -> tuple[list[_Chunk], bool]:
        """Restart the workers processing the queue's unfinished chunks, and replace each of
        those chunks: one of several calls by a task per call, a single call by its stand-in.
        Also says whether every worker restarted is running again."""
        processing = self.client.processing()
        holders = {key: worker for worker, keys in processing.items() for key in keys}
        unfinished = [c for c in queue if c.results is None and not c.future.done()]
        stuck = [c for c in unfinished if c.future.key in holders] or unfinished[:1]
        workers = sorted({holders[c.future.key] for c in stuck if c.future.key in holders})
        self.client.cancel([c.future for c in stuck])
        restarted = True
        if workers:
            restarted = self._kill_workers(workers)
        replaced: list[_Chunk] = []
        for chunk in queue:
            if chunk not in stuck:
                replaced.append(chunk)
            elif len(chunk.calls) == 1:
                replaced.append(_Chunk(chunk.calls, results=[on_stall(*chunk.calls[0])]))
            else:
                replaced.extend(submit(chunk.calls))
        return replaced, restarted

    def _kill_workers(self, workers: list[str]) -> bool:
        """Kill the processes of `workers` through their nannies, which start new ones (the way
        a `kill -9` goes: a stuck worker may not close when asked); wait for the cluster to have
        as many workers again, and say whether it does."""
        count = len(self.client.scheduler_info()["workers"])
        try:
            self.client.run(_kill_worker_process, workers=workers, nanny=True)
        except Exception as exc:  # noqa: BLE001 - workers started without a nanny cannot be restarted
            logger.warning("could not restart the Dask workers %s stuck for over the time limit: %s", workers, exc)
            return False
        logger.warning("restarted the Dask workers %s, stuck for over the time limit", workers)
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:  # the killed ones gone from the scheduler, as many back
            present = self.client.scheduler_info()["workers"]
            if len(present) >= count and not set(workers) & set(present):
                return True
            time.sleep(0.2)
        return False

    def _chunk_size(self, kind: Any, calls: int, chunksize: int) -> int:
        """At least `chunksize` calls a task, and no more than `TASKS_PER_WORKER` tasks a worker
        for the map: a Dask task costs the scheduler, the worker and this process milliseconds of
        CPU where a pool's costs a tenth of one (bench/README.md), so tasks of a pool's size
        spent about a third of their CPU on the engine. Once tasks of this kind have run, also
        enough calls for `MIN_TASK_SECONDS` of work, up to one task a worker."""
        try:
            workers = max(1, sum(self.client.nthreads().values()))
        except OSError:  # the scheduler closed the connection, or did not answer within Dask's connect timeout
            raise self._scheduler_gone() from None
        size = max(chunksize, math.ceil(calls / (TASKS_PER_WORKER * workers)))
        seconds, done = self._work.get(kind, (0.0, 0))
        if done:
            per_call = max(seconds / done, 1e-6)
            size = max(size, min(math.ceil(MIN_TASK_SECONDS / per_call), math.ceil(calls / workers)))
        return size

    def _submit_chunks(self, fn: Callable[..., Any], calls: list[tuple], chunksize: int) -> list[_Chunk]:
        size, kind = max(1, chunksize), _kind(fn, calls)
        return [
            _Chunk(part, kind, self.client.submit(_run_chunk, fn, part, pure=False))
            for part in (calls[i : i + size] for i in range(0, len(calls), size))
        ]

    def _result(self, chunk: _Chunk, timeout: float | None) -> list[Any]:
        """The chunk's results; ExecutorUnavailable when the scheduler went away meanwhile (the
        client cancels every future it holds when it loses the connection, and a gather under
        way fails with the closed connection)."""
        from distributed.comm.core import CommClosedError  # imported by the connection already

        try:
            done = chunk.future.result(timeout=timeout)
        except (CancelledError, CommClosedError):
            raise self._scheduler_gone() from None
        seconds, calls = self._work.get(chunk.kind, (0.0, 0))
        self._work[chunk.kind] = (seconds + done.seconds, calls + len(chunk.calls))
        return done.results

    def _scheduler_gone(self) -> ExecutorUnavailable:
        return ExecutorUnavailable(f"the Dask scheduler at {self.client.scheduler.address} went away mid-run; rerun to continue")

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """The client belongs to `worker_pool`, which closes it."""
