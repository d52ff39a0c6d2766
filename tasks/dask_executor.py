"""A dask.distributed cluster as the executor of the CPU-bound stages (see tasks/executors.py)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future
from contextlib import contextmanager
from typing import Any

from distributed import Client, LocalCluster
from distributed.diagnostics.plugin import WorkerPlugin


@contextmanager
def dask_executor(address: str | None, local_workers: int, start_worker: Callable[[], None]) -> Iterator[Executor]:
    """A client of the scheduler at `address` (`tcp://HOST:PORT`), or, without one, of a
    LocalCluster of `local_workers` processes started and stopped here, as an Executor; each
    worker calls `start_worker()` once."""
    if address is None:
        # threads_per_worker=1: the stages are CPU-bound Python, threads would share one GIL;
        # no dashboard: it would bind port 8787 and collide between runs
        cluster = LocalCluster(n_workers=local_workers, threads_per_worker=1, processes=True, dashboard_address=None)
        client = Client(cluster)
    else:
        cluster = None
        client = Client(address)
    try:
        client.register_plugin(_WorkerStart(start_worker))
        yield DaskExecutor(client)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


class _WorkerStart(WorkerPlugin):
    """A Dask worker plugin that prepares each worker once (also workers that join later): the
    stage's model is loaded there, not per task."""

    name = "pressroom-worker-start"  # one per client: registering again replaces it

    def __init__(self, start_worker: Callable[[], None]) -> None:
        self.start_worker = start_worker

    def setup(self, worker: object) -> None:
        self.start_worker()


def _run_chunk(fn: Callable[..., Any], chunk: list[tuple]) -> list[Any]:
    return [fn(*args) for args in chunk]


class DaskExecutor(Executor):
    """A dask.distributed client as a `concurrent.futures.Executor` whose `map` sends items in
    chunks (one Dask task per chunk, as a process pool's `chunksize` does), in order. A task
    whose worker dies is run again on another (Dask's own retry)."""

    def __init__(self, client: Any) -> None:
        self.client = client

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        return self.client.get_executor(pure=False).submit(fn, *args, **kwargs)

    def map(self, fn: Callable[..., Any], *iterables: Iterable[Any], timeout: float | None = None, chunksize: int = 1) -> Iterator[Any]:
        items = list(zip(*iterables))
        chunks = [items[i : i + max(1, chunksize)] for i in range(0, len(items), max(1, chunksize))]
        futures = [self.client.submit(_run_chunk, fn, chunk, pure=False) for chunk in chunks]

        def results() -> Iterator[Any]:
            for future in futures:
                yield from future.result(timeout=timeout)

        return results()

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """The client belongs to `worker_pool`, which closes it."""
