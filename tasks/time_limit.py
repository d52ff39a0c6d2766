"""A time limit on a block of code, for one document's work in a stage.

One document must never stall a run: a pathological page (megabytes of markup, text that
backtracks a pattern) could otherwise hold a worker for minutes. `time_limit(seconds)` makes
`DocumentTimeout` be raised wherever the block's code is when the time runs out:

- in the main thread (a process-pool worker runs its tasks there; so does a flow run
  in-process), a one-shot SIGALRM timer, whose handler raises it;
- in any other thread (a Dask worker runs its tasks in a thread pool, and signals reach only the
  main thread), one watching thread per process sets it as the thread's pending asynchronous
  exception (`PyThreadState_SetAsyncExc`), the interpreter's own way to raise in another thread.
  Not a timer thread per block: starting and stopping a thread per document cost a Dask worker
  more CPU than anything but the cleaning itself (bench/README.md "dask").

Either way Python raises it between bytecodes, so code inside one long C call (an lxml parse, a
`time.sleep` on a worker thread) is interrupted only when that call returns; a call that never
returns is the executor's to deal with (`tasks.stall_guard`).
"""

from __future__ import annotations

import ctypes
import math
import os
import signal
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


class DocumentTimeout(BaseException):
    """The time limit ran out. A BaseException, as KeyboardInterrupt is: `except Exception` in a
    library (trafilatura has several) or in `tasks.stage.attempt` must not swallow it."""


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Raise `DocumentTimeout` in this block once it has run `seconds` (wall time); no limit when
    `seconds` is None."""
    if seconds is None:
        yield
        return
    on_main_thread = threading.current_thread() is threading.main_thread()
    try:
        with _alarm(seconds) if on_main_thread else _thread_timer(seconds):
            yield
    except DocumentTimeout:
        # an asynchronous exception is raised as its bare class: give it its message here
        raise DocumentTimeout(f"over the limit of {seconds:g} s") from None


@contextmanager
def _alarm(seconds: float) -> Iterator[None]:
    armed = True

    def expire(signum: int, frame: FrameType | None) -> None:
        nonlocal armed
        if armed:  # a signal that was already on its way as the block ended must not leak out
            armed = False
            raise DocumentTimeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@contextmanager
def _thread_timer(seconds: float) -> Iterator[None]:
    watchdog = _watchdog()  # the same one disarms the block, whatever another thread does meanwhile
    target = threading.get_ident()
    watchdog.arm(target, time.monotonic() + seconds)
    try:
        yield
    finally:
        watchdog.disarm(target)


class _Watchdog:
    """A thread that raises `DocumentTimeout` in the threads whose block is past its deadline. It
    sleeps until the earliest deadline it knows; a block that ends in time only takes its lock
    twice, and wakes it only when its deadline is earlier than any it sleeps towards."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self._condition = threading.Condition()
        self._deadlines: dict[int, float] = {}  # thread id: monotonic deadline of its block
        self._fired: set[int] = set()  # threads given the exception whose block has not ended
        self._wakes_at = math.inf
        self._thread: threading.Thread | None = None

    def arm(self, thread_id: int, deadline: float) -> None:
        """Raise in `thread_id` at `deadline`, unless disarmed first."""
        with self._condition:
            self._deadlines[thread_id] = deadline
            self._fired.discard(thread_id)  # from a block whose disarming was cut short by its exception
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, name="time-limit", daemon=True)
                self._thread.start()
            elif deadline < self._wakes_at:
                self._condition.notify()

    def disarm(self, thread_id: int) -> None:
        """The block of `thread_id` ended: never raise there for it, and withdraw an exception
        set but maybe not raised yet (the block ended first)."""
        with self._condition:
            del self._deadlines[thread_id]
            if thread_id in self._fired:
                self._fired.discard(thread_id)
                _set_async_exception(thread_id, None)

    def _watch(self) -> None:
        with self._condition:
            while True:
                now = time.monotonic()
                for thread_id, deadline in self._deadlines.items():
                    if deadline <= now and thread_id not in self._fired:
                        self._fired.add(thread_id)
                        _set_async_exception(thread_id, DocumentTimeout)
                self._wakes_at = min((d for t, d in self._deadlines.items() if t not in self._fired), default=math.inf)
                self._condition.wait(None if self._wakes_at == math.inf else self._wakes_at - now)


_WATCHDOG: _Watchdog | None = None


def _watchdog() -> _Watchdog:
    """This process's watchdog (a forked child has none of its parent's threads: a new one)."""
    global _WATCHDOG
    if _WATCHDOG is None or _WATCHDOG.pid != os.getpid():
        _WATCHDOG = _Watchdog()
    return _WATCHDOG


def _set_async_exception(thread_id: int, exception: type[BaseException] | None) -> None:
    """Make `exception` pending in the thread `thread_id` (None clears a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), None if exception is None else ctypes.py_object(exception))
