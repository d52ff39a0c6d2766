"""Flow run heartbeats that end with their run, without holding it up.

Prefect 3.8.8 sends a sync flow run's heartbeats (the events its zombie-run detection watches)
from a thread that sleeps in steps of one second, and when the run ends it joins that thread:
every flow run's end waits for the step in progress, up to 1 s. `pressroom run` is four flow
runs (the pipeline and its three subflows): measured here, a pipeline of three empty subflows
took 4.2 s against 1.1 s without the waits. Prefect's async engine does not join
(`join_on_exit=False`): the thread, told to stop, returns at its next step without sending
anything more. Sync runs do the same here; heartbeats are sent as before.
"""

from __future__ import annotations

from functools import partial

from prefect import flow_engine


def end_heartbeats_without_waiting() -> None:
    """Make every sync flow run of this process stop its heartbeat thread without joining it.
    Idempotent; called when a flow module is imported, before any run starts."""
    current = flow_engine._send_heartbeats  # noqa: SLF001 - the engine looks it up at each run
    if isinstance(current, partial) and current.keywords.get("join_on_exit") is False:
        return
    flow_engine._send_heartbeats = partial(current, join_on_exit=False)  # noqa: SLF001
