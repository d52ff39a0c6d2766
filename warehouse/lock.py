"""The warehouse write lock: one writer at a time, across processes on this machine."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock
from filelock import Timeout as LockTimeout

LOCK_TIMEOUT_SECONDS = 600


@contextmanager
def warehouse_lock(root: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Hold the warehouse's write lock.

    Every write (find the rows not stored yet, write them, rename into place) happens under it,
    so a scheduled and a manual run never interleave writes or both add the same row.
    """
    root.mkdir(parents=True, exist_ok=True)
    with FileLock(str(root / ".write.lock"), timeout=timeout):
        yield
