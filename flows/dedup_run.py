"""A dedup run's steps in order, the same whether Prefect runs them as the dedup flow's tasks
(flows/dedup.py) or a command runs them itself for a small backlog (flows/idle_run.py records
that run): signatures for the new article versions, then the groups."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any

from config.dedup import DedupSettings
from config.settings import Settings
from flows.overlap import one_behind
from flows.progress import report
from tasks.dedup import dedup_session, group_articles, group_counts, sign_articles
from tasks.executors import start_workers, worker_pool
from tasks.run_summary import RunSummary
from tasks.stage import StageOutput
from tasks.store import write_table
from warehouse.schemas import DUPLICATES, SIGNATURES
from warehouse.storage import WarehouseRoot

# rounds of worker batches per task: a task is ~1 s of signing, so Prefect's cost per task run
# (in the flow's process and on the server) stays small beside it
TASK_ROUNDS = 10


@dataclass(frozen=True)
class DedupSteps:
    """How a run calls its steps: `sign_articles`, `group_articles` and `write_table`, and the
    write started now whose result (`.result()`) is collected after the next batch is signed."""

    sign: Callable[..., StageOutput]
    group: Callable[..., StageOutput]
    write: Callable[..., StageOutput]
    write_later: Callable[..., Any]


def _written_now(*args: Any) -> Future:
    done: Future = Future()
    done.set_result(write_table(*args))
    return done


IN_PROCESS = DedupSteps(sign_articles, group_articles, write_table, _written_now)


def dedup_run(settings: Settings, root: WarehouseRoot, summary: RunSummary, dedup: DedupSettings, steps: DedupSteps, log: logging.Logger | logging.LoggerAdapter) -> None:
    """Sign the compared articles without a signature, group them with the stored ones and
    append both, counting into `summary`."""
    with dedup_session(root, dedup, settings.duckdb_memory_limit) as session:
        round_rows = dedup.signature_batch * settings.workers  # a batch for each worker
        count, unsigned = session.unsigned(round_rows * TASK_ROUNDS)
        report("dedup", 0, count)
        # one round's articles are signed here: starting the workers would cost more than it saves
        pool = worker_pool(settings.workers, executor=settings.executor) if count > round_rows else nullcontext()
        with pool as signer, one_behind(summary.add) as write_behind:
            start_workers(signer)
            for batch in unsigned:
                signed = steps.sign(batch, dedup, signer, summary.run_id)
                summary.inputs += batch.num_rows
                summary.add(signed)
                write_behind(steps.write_later(root, SIGNATURES, signed.items))  # written while the next batch is signed
                report("dedup", batch.num_rows)
        decisions = steps.group(session, summary.run_id)
        summary.add(decisions)
        summary.add(steps.write(root, DUPLICATES, decisions.items))
        by_kind, largest = group_counts(session)
        summary.count("groups by kind", by_kind)
        summary.count("largest groups", largest)
        log.info(
            "%d new signatures, %d changed decisions; groups: %s",
            summary.rows_added["signatures"], summary.rows_added["duplicates"], dict(by_kind),
        )
