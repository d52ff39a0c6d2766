"""A time limit on a block of code, for one document's work in a stage.

One document must never stall a run: a pathological page (megabytes of markup, text that
backtracks a pattern) could otherwise hold a worker for minutes. `time_limit(seconds)` makes
`DocumentTimeout` be raised wherever the block's code is when the time runs out:

- in the main thread (a process-pool worker runs its tasks there; so does a flow run
  in-process), a one-shot SIGALRM timer, whose handler raises it;
- in any other thread (a Dask worker runs its tasks in a thread pool, and signals reach only the
  main thread), a timer thread sets it as the thread's pending asynchronous exception
  (`PyThreadState_SetAsyncExc`), the interpreter's own way to raise in another thread.

Either way Python raises it between bytecodes, so code inside one long C call (an lxml parse, a
`time.sleep` on a worker thread) is interrupted only when that call returns; a call that never
returns is the executor's to deal with (`tasks.stall_guard`).
"""

from __future__ import annotations

import ctypes
import signal
import threading
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
    target = threading.get_ident()
    lock = threading.Lock()  # the timer raises only while the block runs, never after it ended
    armed, fired = True, False

    def expire() -> None:
        nonlocal fired
        with lock:
            if armed:
                fired = True
                _set_async_exception(target, DocumentTimeout)

    timer = threading.Timer(seconds, expire)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        with lock:
            armed = False
            if fired:  # set but maybe not raised yet (the block ended first): withdraw it
                _set_async_exception(target, None)


def _set_async_exception(thread_id: int, exception: type[BaseException] | None) -> None:
    """Make `exception` pending in the thread `thread_id` (None clears a pending one)."""
    ctypes.pythonapi.PyThreadState_SetAsyncExc(ctypes.c_ulong(thread_id), None if exception is None else ctypes.py_object(exception))
