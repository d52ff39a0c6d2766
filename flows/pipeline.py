"""The pipeline flow: ingest, then tag languages, then deduplicate, then update the search index;
then publish the per-source figures and, if asked, write the report."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from pydantic import BaseModel, ConfigDict, Field

from config.settings import Settings
from flows.artifacts import publish_report, publish_sources
from flows.dedup import dedup
from flows.ingest import ingest
from flows.language import languages
from flows.parameters import DedupParameters, IngestParameters, LanguageParameters
from tasks.executors import call_in_worker, shared_worker_pool
from tasks.report import write_report
from tasks.run_summary import RunSummary
from tasks.search import update_index

index = task(call_in_worker, name="search-index", cache_policy=NO_CACHE)
report = task(write_report, name="report", cache_policy=NO_CACHE)


class PipelineParameters(BaseModel):
    """What a pipeline run does, flow by flow."""

    model_config = ConfigDict(extra="forbid")

    ingest: IngestParameters = Field(default_factory=IngestParameters, description="What to ingest.")
    languages: LanguageParameters = Field(default_factory=LanguageParameters, description="How to tag languages.")
    dedup: DedupParameters = Field(default_factory=DedupParameters, description="How to group duplicates.")
    report_path: str | None = Field(
        None,
        description="Write the warehouse's HTML report (pressroom report) to this file after each run, replacing the last one; "
        "an absolute path, outside the warehouse. Empty: no report.",
    )


@flow(name="pipeline")
def pipeline(params: PipelineParameters = PipelineParameters()) -> list[RunSummary]:
    """Run the flows in order, on one worker pool; each is its own flow run with its own
    summary. The search index is brought up to date (`pressroom search` would do it first
    otherwise) once the languages are tagged, while dedup runs (it reads articles and their
    tags, not duplicates). Then publish what the ingest run added per source (with duplicates,
    now that dedup ran) and write the report."""
    settings = Settings()
    root = settings.warehouse_root()
    with shared_worker_pool(settings.workers, settings.executor) as pool:
        summaries = [ingest(params.ingest), languages(params.languages)]
        # the index reads articles and their tags, not duplicates: it is updated while dedup runs,
        # in a worker process of the pool when there is one (this process is dedup's)
        indexing = index.submit(pool, update_index, root)
        summaries.append(dedup(params.dedup))
    update = indexing.result()
    get_run_logger().info("search index: %d articles added, %d versions removed in %.1f s", update.added, update.removed, update.seconds)
    publish_sources("pipeline", root, summaries[0], with_duplicates=True)
    if params.report_path:
        written = report(root, Path(params.report_path), force=True)
        publish_report("pipeline", written.path)
        get_run_logger().info("report of %d articles written to %s", written.articles, written.path)
    return summaries
