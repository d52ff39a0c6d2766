"""The warehouse's locks: one writer at a time, one dedup run at a time.

A warehouse folder is locked with files inside it (`filelock`), which hold across the processes
of one machine. A warehouse on S3 is written from many machines, where no file lock reaches: its
locks are Prefect global concurrency limits of one slot, named after the warehouse
(`pressroom-write:<bucket>:<prefix>`, `pressroom-dedup:...`), held through the Prefect API every
flow run already talks to. Each is created when absent. A slot is leased: a holder that dies
without releasing it frees it when the lease runs out (LEASE_SECONDS), and a holder that can no
longer renew its lease stops rather than write beside another writer.
"""

from __future__ import annotations

from collections.abc import Iterator
import threading
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock
from filelock import Timeout as LockTimeout

from config.object_storage import S3Root
from warehouse.storage import WarehouseRoot

LOCK_TIMEOUT_SECONDS = 600
LEASE_SECONDS = 60
__all__ = ["LOCK_TIMEOUT_SECONDS", "LockTimeout", "exclusive", "global_limit_name", "warehouse_lock"]

_CREATED: set[str] = set()  # limits this process knows exist
_HELD = threading.local()  # `locks`: the names of the locks this thread holds


def global_limit_name(root: S3Root, purpose: str) -> str:
    """The global concurrency limit that serializes `purpose` (`write`, `dedup`) on the
    warehouse at `root` (Prefect names may not hold `/`)."""
    return ":".join(p for p in (f"pressroom-{purpose}", root.bucket, *root.prefix.split("/")) if p)


def _ensure_limit(name: str) -> None:
    """Create the one-slot global concurrency limit `name` unless it exists (two processes may
    race to create it: the loser finds it made)."""
    if name in _CREATED:
        return
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate
    from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound

    with get_client(sync_client=True) as client:
        try:
            client.read_global_concurrency_limit_by_name(name)
        except ObjectNotFound:
            try:
                client.create_global_concurrency_limit(GlobalConcurrencyLimitCreate(name=name, limit=1))
            except ObjectAlreadyExists:
                pass
    _CREATED.add(name)


@contextmanager
def _global_lock(name: str, timeout: float) -> Iterator[None]:
    from prefect.concurrency.sync import concurrency

    _ensure_limit(name)
    # strict: a limit deleted meanwhile is an error, not a lock silently skipped
    with concurrency(name, occupy=1, timeout_seconds=timeout, lease_duration=LEASE_SECONDS, strict=True):
        yield


@contextmanager
def exclusive(root: WarehouseRoot, purpose: str, lock_file: Path, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Hold the lock for `purpose` on the warehouse at `root`: the file lock `lock_file` for a
    folder, the global concurrency limit for S3. Raises TimeoutError after `timeout` seconds.

    Reentrant within a thread: a block inside one that holds the lock (each table's append
    inside a batch's write) goes on holding it, rather than waiting for itself; on S3 that
    saves a round of the Prefect API per table."""
    held = _HELD.__dict__.setdefault("locks", set())
    name = global_limit_name(root, purpose) if isinstance(root, S3Root) else str(lock_file)
    if name in held:
        yield
        return
    if isinstance(root, S3Root):
        lock = _global_lock(name, timeout)
    else:
        lock_file.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(lock_file), timeout=timeout)
    with lock:
        held.add(name)
        try:
            yield
        finally:
            held.discard(name)


@contextmanager
def warehouse_lock(root: WarehouseRoot, timeout: float = LOCK_TIMEOUT_SECONDS) -> Iterator[None]:
    """Hold the warehouse's write lock.

    Every write (find the rows not stored yet, write them, rename into place) happens under it,
    so a scheduled and a manual run never interleave writes or both add the same row.
    """
    local = root if isinstance(root, Path) else root.local
    with exclusive(root, "write", local / ".write.lock", timeout):
        yield
