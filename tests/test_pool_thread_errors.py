"""The process pool's known race at Ctrl-C (CPython gh-107219) prints nothing; any other error
of a thread still reaches the hook that was there."""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future, InvalidStateError

from tasks import executors

# A function of the stdlib's name in a file of the stdlib's path: what the manager thread runs
# when the race hits (setting the exception of a future the main thread has just cancelled).
_MANAGER_SOURCE = """
def terminate_broken(future):
    future.set_exception(RuntimeError("a process in the pool was terminated abruptly"))
"""


def _thread_errors(target) -> list[type[BaseException]]:
    seen: list[type[BaseException]] = []
    previous = threading.excepthook
    threading.excepthook = lambda args: seen.append(args.exc_type)
    try:
        executors._ignore_the_cancelled_future_race()
        thread = threading.Thread(target=target)
        thread.start()
        thread.join()
    finally:
        threading.excepthook = previous
    return seen


def test_the_cancelled_future_race_in_the_pools_manager_thread_prints_nothing() -> None:
    namespace: dict = {}
    exec(compile(_MANAGER_SOURCE, os.path.join("lib", "concurrent", "futures", "process.py"), "exec"), namespace)
    cancelled = Future()
    cancelled.cancel()
    assert _thread_errors(lambda: namespace["terminate_broken"](cancelled)) == []


def test_other_thread_errors_still_reach_the_previous_hook() -> None:
    cancelled = Future()
    cancelled.cancel()

    def elsewhere() -> None:
        cancelled.set_exception(RuntimeError("not the pool's manager"))

    assert _thread_errors(elsewhere) == [InvalidStateError]
    assert _thread_errors(lambda: 1 / 0) == [ZeroDivisionError]
