"""The dedup flow: signatures for new article versions, then exact, near and translation groups."""

from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.overlap import one_behind
from flows.parameters import DedupParameters
from flows.progress import report
from flows.recorded_run import recorded_run
from tasks.dedup import dedup_session, group_articles, group_counts, sign_articles
from tasks.executors import start_workers, worker_pool
from tasks.run_summary import RunSummary
from tasks.store import write_table
from warehouse.schemas import DUPLICATES, SIGNATURES

sign = task(sign_articles, name="signatures", cache_policy=NO_CACHE)
group = task(group_articles, name="group", cache_policy=NO_CACHE)
write = task(write_table, name="write", cache_policy=NO_CACHE)
# rounds of worker batches per task: a task is ~1 s of signing, so Prefect's cost per task run
# (in the flow's process and on the server) stays small beside it
TASK_ROUNDS = 10


@flow(name="dedup", log_prints=True)
def dedup(params: DedupParameters = DedupParameters()) -> RunSummary:
    """Group the latest version of every article with its exact copies, near copies and
    translations; the `articles` view shows `dup_group`, `dup_kind` and `is_canonical`."""
    with recorded_run("dedup") as run, dedup_session(run.root, params.settings, run.settings.duckdb_memory_limit) as session:
        settings, root, summary = run.settings, run.root, run.summary
        round_rows = params.settings.signature_batch * settings.workers  # a batch for each worker
        with worker_pool(settings.workers, executor=settings.executor) as pool, one_behind(summary.add) as write_behind:
            count, unsigned = session.unsigned(round_rows * TASK_ROUNDS)
            report("dedup", 0, count)
            # one round's articles are signed here: starting the workers would cost more than it saves
            signer = pool if count > round_rows else None
            start_workers(signer)
            for batch in unsigned:
                signed = sign(batch, params.settings, signer, summary.run_id)
                summary.inputs += batch.num_rows
                summary.add(signed)
                write_behind(write.submit(root, SIGNATURES, signed.items))  # written while the next batch is signed
                report("dedup", batch.num_rows)
        decisions = group(session, summary.run_id)
        summary.add(decisions)
        summary.add(write(root, DUPLICATES, decisions.items))
        by_kind, largest = group_counts(session)
        summary.count("groups by kind", by_kind)
        summary.count("largest groups", largest)
        get_run_logger().info(
            "%d new signatures, %d changed decisions; groups: %s",
            summary.rows_added["signatures"], summary.rows_added["duplicates"], dict(by_kind),
        )
    return summary
