"""The start and finish every flow run shares: settings, a current warehouse catalog, a run
summary, and at the end the summary stored in `runs` and published as a Prefect artifact."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from prefect.artifacts import create_markdown_artifact
from prefect.exceptions import TerminationSignal
from prefect.runtime import flow_run

from config.settings import Settings
from tasks.run_summary import RunSummary
from tasks.store import record_run
from warehouse.catalog import ensure_catalog


@dataclass
class FlowRun:
    """What a flow run works with: the process settings, the warehouse root, its summary."""

    settings: Settings
    root: Path
    summary: RunSummary


@contextmanager
def recorded_run(flow: str) -> Iterator[FlowRun]:
    """Start a run of `flow`; when the block completes, store and publish its summary. A run
    that is interrupted (Ctrl-C, a stop from the UI) or fails is stored too, with that status
    and what it had done."""
    settings = Settings()
    root = settings.warehouse_root()
    ensure_catalog(root)
    run = FlowRun(settings, root, RunSummary(run_id=str(flow_run.id or "local"), flow=flow))
    try:
        yield run
    except BaseException as exc:
        status = "interrupted" if isinstance(exc, (KeyboardInterrupt, TerminationSignal)) else "failed"
        # best effort: the error that stopped the run is what the caller must see
        with suppress(Exception):
            record_run(root, run.summary.finish(status))
        raise
    record_run(root, run.summary.finish())
    create_markdown_artifact(key=f"{flow}-summary", markdown=run.summary.to_markdown(), description=f"{flow} run summary")
