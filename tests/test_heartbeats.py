"""A flow run's end does not wait for its heartbeat thread (flows/heartbeats.py): the engine still
starts one per run, as Prefect does, and it ends by itself once the run is over."""

from __future__ import annotations

import inspect
import threading
from functools import partial

import pytest
from prefect import flow, flow_engine
from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY, temporary_settings

import flows.recorded_run  # noqa: F401 - importing a flow module installs the change


def test_sync_runs_stop_their_heartbeats_without_joining_and_prefect_still_calls_it_so() -> None:
    installed = flow_engine._send_heartbeats  # noqa: SLF001
    assert isinstance(installed, partial) and installed.keywords == {"join_on_exit": False}
    assert "join_on_exit" in inspect.signature(installed.func).parameters
    # the sync engine looks the function up by name at every run (a Prefect upgrade that stops
    # doing so would leave the wait in: this fails then)
    assert "_send_heartbeats(self)" in inspect.getsource(flow_engine.FlowRunEngine.run_context)


@pytest.mark.usefixtures("prefect_harness")
def test_a_flow_and_its_subflow_send_heartbeats_that_end_with_them() -> None:
    started: list[set[threading.Thread]] = []

    @flow
    def inner() -> int:
        started.append(set(threading.enumerate()))
        return 1

    @flow
    def outer() -> int:
        before = set(threading.enumerate())
        value = inner()
        started.append(set(threading.enumerate()) | before)
        return value

    with temporary_settings({PREFECT_FLOWS_HEARTBEAT_FREQUENCY: 30}):
        before = set(threading.enumerate())
        assert outer() == 1
    beating = {t for t in started[0] | started[1] if t not in before and t.daemon and t.name.endswith("(run)")}
    assert len(beating) >= 2  # a heartbeat thread per run
    for thread in beating:
        thread.join(timeout=30)
        assert not thread.is_alive()
