"""The start and finish every flow run shares: settings, a current warehouse catalog, staging
leftovers cleared and the table files checked whole, a run summary, and at the end the summary
stored in `runs` and published as a Prefect artifact."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import NoReturn

import duckdb
from prefect.artifacts import create_markdown_artifact
from prefect.exceptions import TerminationSignal
from prefect.runtime import flow_run

from config.pause_points import pause_point
from config.settings import Settings
from flows.heartbeats import end_heartbeats_without_waiting
from tasks.run_summary import RunSummary
from tasks.store import record_run
from warehouse.catalog import ensure_catalog
from warehouse.doctor import check_readable, damage_named_in
from warehouse.engine import query_interrupted
from warehouse.writer import clear_staging
from warehouse.storage import WarehouseRoot


end_heartbeats_without_waiting()  # before any flow run of this process starts

# Added to the error that stopped a run whose `runs` row could not be written (a full disk).
NOT_RECORDED = "this run is not in `runs`: its row could not be written either"


@dataclass
class FlowRun:
    """What a flow run works with: the process settings, the warehouse root, its summary."""

    settings: Settings
    root: WarehouseRoot
    summary: RunSummary


def prepare_warehouse(root: WarehouseRoot) -> None:
    """What every flow run does first: make the views current, clear the staging files killed
    writers left (under the lock, so no live writer's), and check every table file is whole
    (raises WarehouseDamaged naming the first that is not). The command line calls it before a
    flow too, so a damaged or read-only warehouse is one line there, not a failed run's log."""
    ensure_catalog(root)
    clear_staging(root)
    check_readable(root)


def _record_interrupted(root: WarehouseRoot, summary: RunSummary, exc: BaseException) -> NoReturn:
    """Ctrl-C during a DuckDB query: DuckDB takes the KeyboardInterrupt and raises its own error,
    which would be a failed run and a traceback; it is an interrupted run, as anywhere else."""
    with suppress(Exception):
        record_run(root, summary.finish("interrupted"))
    raise KeyboardInterrupt from exc


@contextmanager
def recorded_run(flow: str) -> Iterator[FlowRun]:
    """Start a run of `flow`; when the block completes, store and publish its summary. A run
    that is interrupted (Ctrl-C, a stop from the UI) or fails is stored too, with that status
    and what it had done."""
    settings = Settings()
    root = settings.warehouse_root()
    prepare_warehouse(root)
    run = FlowRun(settings, root, RunSummary(run_id=str(flow_run.id or "local"), flow=flow))
    try:
        pause_point("start")
        yield run
    except duckdb.Error as exc:
        if query_interrupted(exc):
            _record_interrupted(root, run.summary, exc)
        # a read that failed on a damaged part: name the file and what to do, not DuckDB's internals
        damage = damage_named_in(root, exc)
        with suppress(Exception):
            record_run(root, run.summary.finish("failed"))
        if damage is None:
            raise
        raise damage from exc
    except BaseException as exc:
        if query_interrupted(exc):
            _record_interrupted(root, run.summary, exc)
        status = "interrupted" if isinstance(exc, (KeyboardInterrupt, TerminationSignal)) else "failed"
        # best effort: the error that stopped the run is what the caller must see
        try:
            record_run(root, run.summary.finish(status))
        except Exception:  # noqa: BLE001 - the disk that failed the run may fail this write too
            exc.add_note(NOT_RECORDED)
        raise
    record_run(root, run.summary.finish())
    create_markdown_artifact(key=f"{flow}-summary", markdown=run.summary.to_markdown(), description=f"{flow} run summary")
