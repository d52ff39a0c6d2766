"""A command's run recorded without importing Prefect: one with nothing to do, or a dedup of a
small backlog.

Importing Prefect and starting a flow run cost a command 1-3 s (more on a loaded machine), which
is most of a `pressroom languages` that finds every article tagged, a `dedup` with nothing new
or a few hundred new articles, or an ingest of unchanged files. The command line decides that
cheaply (before Prefect is imported) and then records the run here, as the flow would have: a
`runs` row, and, when a Prefect server is in use, a flow run of the same flow that the UI shows
running, then completed (or failed, or cancelled when interrupted) with the summary as its
markdown artifact, created through Prefect's REST API (the same calls Prefect's client makes,
small requests, with `PREFECT_API_KEY` or `PREFECT_API_AUTH_STRING` when set). Such a run has no
task runs or logs in the UI: its summary says what each stage did. Without a server (an
ephemeral one would start only to be stopped), or when it does not answer, the run's id is a
fresh UUID and only the `runs` row records it.
"""

from __future__ import annotations

import base64
import json
import os
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from tasks.run_summary import RunSummary
from tasks.stage import StageStats
from tasks.store import record_run
from warehouse.engine import query_interrupted
from warehouse.storage import WarehouseRoot

_TIMEOUT_SECONDS = 10


def _post(api_url: str, path: str, body: dict) -> dict:
    headers = {"Content-Type": "application/json"}
    if key := os.environ.get("PREFECT_API_KEY"):
        headers["Authorization"] = f"Bearer {key}"
    elif auth := os.environ.get("PREFECT_API_AUTH_STRING"):
        headers["Authorization"] = "Basic " + base64.b64encode(auth.encode()).decode()
    request = urllib.request.Request(f"{api_url.rstrip('/')}/{path}", json.dumps(body).encode(), headers)
    with urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS) as response:  # noqa: S310 - the Prefect API the command uses
        return json.loads(response.read() or b"{}")


def _start_flow_run(api_url: str, flow: str, parameters: dict) -> str:
    flow_id = _post(api_url, "flows/", {"name": flow})["id"]
    return _post(api_url, "flow_runs/", {"flow_id": flow_id, "parameters": parameters, "state": {"type": "RUNNING", "name": "Running"}})["id"]


def _finish_flow_run(api_url: str, run: RunSummary) -> None:
    _post(api_url, f"flow_runs/{run.run_id}/set_state", {"state": {"type": "COMPLETED", "name": "Completed"}})
    _post(api_url, "artifacts/", {
        "key": f"{run.flow}-summary", "type": "markdown", "data": run.to_markdown(),
        "description": f"{run.flow} run summary", "flow_run_id": run.run_id,
    })


@contextmanager
def recorded_without_prefect(
    root: WarehouseRoot, flow: str, parameters: dict, api_url: str | None, say: Callable[[str], None], inputs: int = 0
) -> Iterator[RunSummary]:
    """A run of `flow` that the block does, recorded as `record_idle_run` says: the block counts
    into the summary it is given. A run that fails or is interrupted (Ctrl-C) is recorded so,
    its flow run failed or cancelled, and the error raised on."""
    run_id = None
    if api_url:
        try:
            run_id = _start_flow_run(api_url, flow, parameters)
        except (OSError, ValueError, KeyError) as exc:
            say(f"the Prefect server at {api_url} did not record this run ({exc}); it is in the warehouse's runs table")
            api_url = None
    summary = RunSummary(run_id=run_id or str(uuid.uuid4()), flow=flow, inputs=inputs)
    try:
        yield summary
    except BaseException as exc:
        # DuckDB takes a Ctrl-C during a query and raises its own error: an interrupted run all the same
        interrupted = isinstance(exc, KeyboardInterrupt) or query_interrupted(exc)
        try:  # best effort: the error that stopped the run is what the caller must see
            record_run(root, summary.finish("interrupted" if interrupted else "failed"))
            if api_url:
                state = {"type": "CANCELLED", "name": "Cancelled"} if interrupted else {"type": "FAILED", "name": "Failed", "message": str(exc)[:500]}
                _post(api_url, f"flow_runs/{summary.run_id}/set_state", {"state": state})
        except Exception:  # noqa: BLE001 - the disk that failed the run may fail this write too
            exc.add_note("this run is not in `runs` or on the Prefect server: recording it failed too")
        if interrupted and not isinstance(exc, KeyboardInterrupt):
            raise KeyboardInterrupt from exc
        raise
    record_run(root, summary.finish())
    if api_url:
        try:
            _finish_flow_run(api_url, summary)
        except (OSError, ValueError, KeyError) as exc:
            say(f"the Prefect server at {api_url} did not record the end of this run ({exc})")


def record_idle_run(
    root: WarehouseRoot, flow: str, parameters: dict, api_url: str | None, say, inputs: int = 0, stages: tuple[StageStats, ...] = ()
) -> RunSummary:
    """Record a run of `flow` that found nothing to do: its `runs` row and, with `api_url`, a
    completed Prefect flow run with its summary artifact. `inputs` and `stages` are what the
    check that found nothing counted (an ingest's `discover`). `say(line)` tells the user when
    the server could not record it. Returns the finished summary."""
    with recorded_without_prefect(root, flow, parameters, api_url, say, inputs) as summary:
        for stats in stages:
            summary.add(stats)
    return summary
