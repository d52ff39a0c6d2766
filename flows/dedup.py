"""The dedup flow: signatures for new article versions, then exact, near and translation groups."""

from __future__ import annotations

import pyarrow as pa
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from pydantic import BaseModel, ConfigDict, Field

from config.settings import Settings
from flows.progress import report
from tasks.dedup import DedupSettings, find_duplicates, sign_articles
from tasks.dedup_cache import attached_cache, sync
from tasks.group_report import group_counts
from tasks.pending import compared_articles, unsigned_articles
from tasks.pools import worker_pool
from tasks.run_summary import RunSummary
from tasks.store import record_run, write_table
from warehouse.catalog import connect
from warehouse.schemas import DUPLICATES, SIGNATURES

sign = task(sign_articles, name="signatures", cache_policy=NO_CACHE)
group = task(find_duplicates, name="group", cache_policy=NO_CACHE)
write = task(write_table, name="write", cache_policy=NO_CACHE)


class DedupParameters(BaseModel):
    """How a dedup run compares articles."""

    model_config = ConfigDict(extra="forbid")

    settings: DedupSettings = Field(default_factory=DedupSettings, description="Thresholds, MinHash and translation settings.")


@flow(name="dedup", log_prints=True)
def dedup(params: DedupParameters = DedupParameters()) -> RunSummary:
    """Group the latest version of every article with its exact copies, near copies and
    translations; the `articles` view shows `dup_group`, `dup_kind` and `is_canonical`."""
    settings = Settings()
    root = settings.warehouse_root()
    summary = RunSummary(run_id=str(flow_run.id or "local"), flow="dedup")
    con = connect(root, settings.duckdb_memory_limit)
    try:
        with attached_cache(con, root, params.settings) as cache:
            # what this run signs and compares: each document's latest version with its language
            compared = compared_articles(con)
            with worker_pool(settings.workers) as pool:
                # `settings.batch_size` articles per worker and task (more if that made over 100
                # tasks); the first task runs here, so a small run starts no workers (~1 s)
                rows_per_task = params.settings.batch_size * settings.workers
                for i, batch in enumerate(unsigned_articles(con, root, cache, compared, rows_per_task)):
                    signatures, stats = sign(pa.Table.from_batches([batch]), params.settings, pool if i else None, summary.run_id)
                    written = write(root, SIGNATURES, signatures)
                    summary.inputs += batch.num_rows
                    summary.add(stats)
                    summary.add(written.stats)
                    summary.rows_added.update(written.added)
                    report("dedup", batch.num_rows)
            sync(con, root, params.settings)
            decisions = group(con, cache, f"SELECT article_id, language FROM {compared}", params.settings, summary.run_id)
            written = write(root, DUPLICATES, decisions)
            sync(con, root, params.settings)  # the next run starts from a current cache
        summary.add(written.stats)
        summary.rows_added.update(written.added)
        by_kind, largest = group_counts(con)
    finally:
        con.close()
    summary.count("groups by kind", by_kind)
    summary.count("largest groups", largest)
    get_run_logger().info("%d new signatures, %d changed decisions; groups: %s", summary.rows_added["signatures"], written.added["duplicates"], dict(by_kind))
    record_run(root, summary.finish())
    create_markdown_artifact(key="dedup-summary", markdown=summary.to_markdown(), description="dedup run summary")
    return summary
