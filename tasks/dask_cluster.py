"""Connecting to a dask.distributed cluster, or starting a LocalCluster, for `tasks.dask_executor`.

Kept apart from the executor because it imports `distributed` (about a CPU-second), which
`tasks.dask_executor` does in the background while the flow run reads its first batch.
"""

from __future__ import annotations

from collections.abc import Callable

import dask
from distributed import Client, LocalCluster
from distributed.diagnostics.plugin import WorkerPlugin

from tasks.executor_unavailable import ExecutorUnavailable

# The settings of a LocalCluster this run starts (a `dask://` cluster keeps its operator's):
# - no statistical profiler in the workers: sampling every task's stack cost ~15 % more CPU on
#   the clean unit;
# - workers forked from a forkserver that imported `distributed` once, instead of each spawned
#   and importing it (~1.2 CPU-seconds a worker). Not plain fork: the flow run's process has
#   threads (Prefect's), the forkserver has none;
# - the event-loop watch (`tick`, 20 ms by default), the system monitor (500 ms) and the memory
#   monitor (100 ms) less often: together they made an idle 2-worker cluster burn 0.06 CPU-seconds
#   a second, 0.013 with these, and a command pays that for its whole length. The memory limit is
#   then checked each second; the tick only times the loop for warnings.
LOCAL_CLUSTER_SETTINGS = {
    "distributed.worker.profile.enabled": False,
    "distributed.worker.multiprocessing-method": "forkserver",
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
}


def connect(address: str | None, local_workers: int, start_worker: Callable[[], None]) -> tuple[Client, LocalCluster | None]:
    """The client of the scheduler at `address`, or of a LocalCluster of `local_workers` processes
    started here when there is none (and that cluster), its workers prepared by `start_worker`.
    ExecutorUnavailable when the scheduler does not answer."""
    if address is None:
        # threads_per_worker=1: the stages are CPU-bound Python, threads would share one GIL;
        # no dashboard, and the scheduler's HTTP endpoints (health, metrics) on a free port:
        # both take port 8787 by default and warn when another run holds it
        with dask.config.set(LOCAL_CLUSTER_SETTINGS):
            cluster = LocalCluster(
                n_workers=local_workers,
                threads_per_worker=1,
                processes=True,
                dashboard_address=None,
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            )
        client = Client(cluster)
    else:
        cluster = None
        try:
            client = Client(address)
        except OSError as exc:  # distributed's connect timeout is an OSError too
            raise ExecutorUnavailable(f"no Dask scheduler answered at {address} ({exc}); is it running?") from None
    try:
        client.register_plugin(_WorkerStart(start_worker))
    except BaseException:
        close(client, cluster)
        raise
    return client, cluster


def close(client: Client, cluster: LocalCluster | None) -> None:
    """Close the client, and the LocalCluster if this run started one."""
    client.close()
    if cluster is not None:
        cluster.close()


class _WorkerStart(WorkerPlugin):
    """A Dask worker plugin that prepares each worker once (also workers that join later, or are
    started again by their nanny): the stage's model is loaded there, not per task."""

    name = "pressroom-worker-start"  # one per client: registering again replaces it

    def __init__(self, start_worker: Callable[[], None]) -> None:
        self.start_worker = start_worker

    def setup(self, worker: object) -> None:
        self.start_worker()
