"""The executor for CPU-bound stages (cleaning, language tagging, dedup signatures), chosen by
setting (`PRESSROOM_EXECUTOR`):

- `processes` (the default): a pool of `PRESSROOM_WORKERS` spawned processes on this machine;
- `dask://HOST:PORT` (or `tcp://HOST:PORT`): an existing dask.distributed scheduler, whose
  workers run the stages (they need pressroom installed);
- `dask-local:N`: a dask.distributed LocalCluster of N worker processes, for trying Dask out.

Every one is a `concurrent.futures.Executor`, so stages take any of them. The process pool is a
`RenewablePool`: a stage whose worker is stuck in code no signal interrupts can replace it
(`tasks.stall_guard`). A model a stage needs (the language detector) is loaded once per worker
process, not per task. Fetching, writing and grouping stay in the flow run.

Flows run one after another in a process (the pipeline's three) can share one process pool
(`shared_worker_pool`): started once, its workers keep what they imported and loaded.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, InvalidStateError, ProcessPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar
from functools import partial
from types import TracebackType
from typing import Any, TypeVar

_M_TRIM_THRESHOLD = -1  # glibc's mallopt parameters (malloc.h)
_M_MMAP_THRESHOLD = -3
PROCESSES = "processes"
DASK_LOCAL = "dask-local:"
DASK_SCHEMES = ("dask://", "tcp://", "tls://")
Result = TypeVar("Result")


@contextmanager
def worker_pool(
    workers: int,
    preload: Callable[..., Any] | None = None,
    preload_args: tuple = (),
    start_now: bool = False,
    executor: str = PROCESSES,
) -> Iterator[Executor | None]:
    """The executor `executor` names; for `processes`, a pool of `workers` processes, or None
    (run in-process) when `workers` is 1.

    `preload(*preload_args)` runs once in each worker (load a model there, not per task). Pool
    workers are spawned, not forked: a flow runs Prefect's threads, and forking a threaded
    process can deadlock. They start when the first task is submitted, so a pool that is never
    used costs nothing; `start_now` starts them all at once instead, so slow preloads run side by
    side before the first batch rather than during it.
    """
    if executor.startswith((DASK_LOCAL, *DASK_SCHEMES)):
        from tasks.dask_executor import dask_executor  # imports distributed: only when asked for

        if executor.startswith(DASK_LOCAL):
            address, local_workers = None, int(executor[len(DASK_LOCAL) :])
        else:
            address, local_workers = executor.replace("dask://", "tcp://", 1), 0
        with dask_executor(address, local_workers, partial(start_worker, preload, preload_args)) as dask:
            yield dask
        return
    if executor != PROCESSES:
        raise ValueError(f"executor {executor!r} is not one of: processes, dask://HOST:PORT, dask-local:N")
    shared = _SHARED.get()
    if shared is not None and shared.workers == workers:
        with _lent(shared, preload, preload_args, start_now) as pool:
            yield pool
        return
    if workers <= 1:
        if preload is not None:
            preload(*preload_args)
        yield None
        return
    initializer = partial(_start_pool_worker, preload, preload_args)
    context = multiprocessing.get_context("spawn")
    _resource_tracker_of_its_own()
    _ignore_the_cancelled_future_race()
    pool = RenewablePool(partial(ProcessPoolExecutor, workers, mp_context=context, initializer=initializer), workers)
    try:
        if start_now:
            start_workers(pool)
        yield pool
    except BaseException:
        # Ctrl-C or a failure: a worker may be busy for a while yet (a document may take up to
        # its time limit), and nothing will read what it returns
        pool.kill()
        raise
    finally:
        pool.shutdown(wait=True)


@contextmanager
def shared_worker_pool(
    workers: int, executor: str = PROCESSES, preload: Callable[[], Any] | None = None, start_now: bool = False
) -> Iterator[RenewablePool | None]:
    """Within the block (in this thread and what it calls), every `worker_pool(workers)` of
    the `processes` executor is one pool, started at the first task (or at once: `start_now`,
    each worker running `preload()` first, as `worker_pool`'s) and stopped at the end of the
    block, instead of a pool of its own per call. Its workers keep their imports and models from
    one user to the next; a preload runs in each worker when that user starts them
    (`start_workers`), or else when its first task needs what it loads. A stuck worker renews the
    pool for every later user too. Other executors (Dask) are not shared: each `worker_pool`
    opens its own, as outside the block; so is a single worker (the flow's own process). Yields
    the shared pool, or None when there is none."""
    if executor != PROCESSES or workers <= 1:
        yield None
        return
    with worker_pool(workers, preload, start_now=start_now) as pool:
        token = _SHARED.set(pool)
        try:
            yield pool
        finally:
            _SHARED.reset(token)


def call_in_worker(pool: Executor | None, fn: Callable[..., Result], /, *args: Any) -> Result:
    """`fn(*args)` in a worker process of `pool` when it is a process pool of this machine whose
    workers are running, so its Python work does not share this process's interpreter lock with
    what the caller runs meanwhile (and stopping the pool stops it); else here: starting a worker
    costs more than a call with little to do, and other executors' workers may be on other
    machines."""
    if isinstance(pool, RenewablePool) and pool.started():
        return pool.submit(fn, *args).result()
    return fn(*args)


@contextmanager
def _lent(pool: RenewablePool, preload: Callable[..., Any] | None, preload_args: tuple, start_now: bool) -> Iterator[RenewablePool]:
    """The shared pool, lent to one `worker_pool` block, with that block's preload for
    `start_workers`. A block left by an error (Ctrl-C) renews the pool: its workers may be busy
    with the block's tasks for a while yet, and nothing will read what they return."""
    pool.warm_up = partial(preload, *preload_args) if preload is not None else _no_op
    try:
        if start_now:
            start_workers(pool)
        yield pool
    except BaseException:
        pool.renew()
        raise
    finally:
        pool.warm_up = _no_op


def start_workers(pool: Executor | None) -> None:
    """Start every worker of a `worker_pool` process pool now, so their preloads run side by side
    (and beside whatever the caller does next) rather than during the first batch; call it once
    there is work for them. A shared pool's workers may be running already: each is handed the
    caller's preload as a task (a worker that gets none, or one that starts later, loads what it
    needs at its first task). Other executors start their workers themselves."""
    if isinstance(pool, RenewablePool):
        # a spawning pool starts a worker per submitted task while none is idle
        for _ in range(pool.workers):
            pool.submit(pool.warm_up)


class RenewablePool(Executor):
    """A process pool that can be replaced by a fresh one, its workers killed: the way out when
    one is stuck (a pool whose worker died is broken for good, and a stuck one never returns)."""

    def __init__(self, start: Callable[[], ProcessPoolExecutor], workers: int) -> None:
        self._start = start
        self.workers = workers
        self.pool = start()
        self.warm_up: Callable[[], Any] = _no_op  # what `start_workers` hands each worker

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        return self.pool.submit(fn, *args, **kwargs)

    def map(self, fn: Callable[..., Any], *iterables: Any, timeout: float | None = None, chunksize: int = 1) -> Iterator[Any]:
        return self.pool.map(fn, *iterables, timeout=timeout, chunksize=chunksize)

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        self.pool.shutdown(wait=wait, cancel_futures=cancel_futures)

    def started(self) -> bool:
        """Whether the pool has worker processes (they start at its first tasks)."""
        return bool(self.pool._processes)  # noqa: SLF001 - the pool's own table of its workers

    def kill(self) -> None:
        """Kill every worker (their tasks' futures fail with BrokenProcessPool). `_processes` is
        the pool's own table of its workers: the standard library offers no way to stop a running
        task."""
        for process in list(self.pool._processes.values()):  # noqa: SLF001
            process.kill()
        self.pool.shutdown(wait=True, cancel_futures=True)

    def renew(self) -> None:
        """Kill every worker and start a new pool of as many."""
        self.kill()
        self.pool = self._start()


# The process pool `shared_worker_pool` lends to the `worker_pool`s opened inside its block.
_SHARED: ContextVar[RenewablePool | None] = ContextVar("shared_worker_pool", default=None)


def start_worker(preload: Callable[..., Any] | None, preload_args: tuple) -> None:
    """What every worker process does first, whatever the executor: keep freed memory, preload."""
    reuse_freed_memory()
    if preload is not None:
        preload(*preload_args)


def _start_pool_worker(preload: Callable[..., Any] | None, preload_args: tuple) -> None:
    # Ctrl-C reaches the whole foreground process group: the parent handles it and stops the
    # pool; a worker would only print a KeyboardInterrupt traceback
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _exit_with_parent()
    start_worker(preload, preload_args)


def _exit_with_parent() -> None:
    """In a pool worker: exit as soon as the process that started it is gone, however it ended
    (a `kill -9` leaves workers running otherwise). A thread watches for the worker being
    reparented; PR_SET_PDEATHSIG would fire when the parent *thread* ends, which a flow's task
    threads do."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _ignore_the_cancelled_future_race() -> None:
    """A process pool broken while its futures are being cancelled (Ctrl-C: the pool's `map`
    cancels what it has not returned as the workers are killed) fails in its manager thread,
    setting a cancelled future's exception, and prints that thread's traceback beside the
    command's one line. CPython's own fix (gh-107219, in 3.12) ignores exactly that error there;
    Python 3.11's pool has the race, so this process ignores it the same way. Every other
    thread's exception goes to the hook that was there."""
    previous = threading.excepthook
    if getattr(previous, "ignores_cancelled_future_race", False):
        return

    def hook(args: threading.ExceptHookArgs) -> None:
        if args.exc_type is InvalidStateError and _raised_in_terminate_broken(args.exc_traceback):
            return
        previous(args)

    hook.ignores_cancelled_future_race = True  # type: ignore[attr-defined]
    threading.excepthook = hook


def _raised_in_terminate_broken(trace: TracebackType | None) -> bool:
    """Whether `trace` passes through the process pool's `terminate_broken`."""
    while trace is not None:
        code = trace.tb_frame.f_code
        if code.co_name == "terminate_broken" and code.co_filename.endswith(os.path.join("concurrent", "futures", "process.py")):
            return True
        trace = trace.tb_next
    return False


def _resource_tracker_of_its_own() -> None:
    """Start multiprocessing's resource tracker (if this process has none yet) in a session of
    its own. The pool's queues are named POSIX semaphores (`/dev/shm/sem.mp-*`); the tracker
    unlinks those left when every process holding its pipe is gone. Started as usual, it is in
    the command's process group, so a `kill -9` of the group (or a terminal's hangup) killed it
    with the rest and the semaphores stayed in /dev/shm for good. In its own session it outlives
    the group by the moment it takes to unlink them, then exits. It ignores SIGINT and SIGTERM
    either way. The standard library offers no setting for this: its spawn function is
    swapped for the duration of the start."""
    from multiprocessing import resource_tracker, util

    def spawn_in_own_session(path: str, args: list[str], passfds: tuple[int, ...]) -> int:
        for fd in passfds:
            os.set_inheritable(fd, True)  # the tracker's end of its pipe, and stderr
        return os.posix_spawn(path, args, os.environ, setsid=True)

    spawn = util.spawnv_passfds
    util.spawnv_passfds = spawn_in_own_session
    try:
        resource_tracker.ensure_running()
    finally:
        util.spawnv_passfds = spawn


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
