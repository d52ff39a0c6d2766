"""The dedup flow: signatures for new article versions, then exact, near and translation groups."""

from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from flows.dedup_run import DedupSteps, dedup_run
from flows.parameters import DedupParameters
from flows.recorded_run import recorded_run
from tasks.dedup import group_articles, sign_articles
from tasks.run_summary import RunSummary
from tasks.store import write_table

write = task(write_table, name="write", cache_policy=NO_CACHE)
AS_TASKS = DedupSteps(
    sign=task(sign_articles, name="signatures", cache_policy=NO_CACHE),
    group=task(group_articles, name="group", cache_policy=NO_CACHE),
    write=write,
    write_later=write.submit,
)


@flow(name="dedup", log_prints=True)
def dedup(params: DedupParameters = DedupParameters()) -> RunSummary:
    """Group the latest version of every article with its exact copies, near copies and
    translations; the `articles` view shows `dup_group`, `dup_kind` and `is_canonical`."""
    with recorded_run("dedup") as run:
        dedup_run(run.settings, run.root, run.summary, params.settings, AS_TASKS, get_run_logger())
    return run.summary
