"""A time limit on a block of code, for one document's work in a stage.

One document must never stall a run: a pathological page (megabytes of markup, text that
backtracks a pattern) could otherwise hold a worker for minutes. `time_limit(seconds)` arms a
one-shot SIGALRM timer, whose handler raises `DocumentTimeout` where the code is when it fires.
Python runs signal handlers between bytecodes, so code inside one long C call (an lxml parse)
is interrupted only when that call returns.

Signals are delivered to the main thread only: the limit holds there (a process-pool worker
runs its tasks in its main thread; so does a flow run in-process), and elsewhere (a Dask
worker's task threads) the block runs without one.
"""

from __future__ import annotations

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
    `seconds` is None or off the main thread."""
    if seconds is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    armed = True

    def expire(signum: int, frame: FrameType | None) -> None:
        nonlocal armed
        if armed:  # a signal that was already on its way as the block ended must not leak out
            armed = False
            raise DocumentTimeout(f"over the limit of {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        armed = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
