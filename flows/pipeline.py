"""The pipeline flow: ingest, then tag languages, then deduplicate, then update the search index."""

from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from pydantic import BaseModel, ConfigDict, Field

from config.settings import Settings
from flows.dedup import dedup
from flows.ingest import ingest
from flows.language import languages
from flows.parameters import DedupParameters, IngestParameters, LanguageParameters
from tasks.run_summary import RunSummary
from tasks.search import update_index

index = task(update_index, name="search-index", cache_policy=NO_CACHE)


class PipelineParameters(BaseModel):
    """What a pipeline run does, flow by flow."""

    model_config = ConfigDict(extra="forbid")

    ingest: IngestParameters = Field(default_factory=IngestParameters, description="What to ingest.")
    languages: LanguageParameters = Field(default_factory=LanguageParameters, description="How to tag languages.")
    dedup: DedupParameters = Field(default_factory=DedupParameters, description="How to group duplicates.")


@flow(name="pipeline")
def pipeline(params: PipelineParameters = PipelineParameters()) -> list[RunSummary]:
    """Run the flows in order; each is its own flow run with its own summary. Then bring the
    search index up to date (`pressroom search` would do it first otherwise)."""
    summaries = [ingest(params.ingest), languages(params.languages), dedup(params.dedup)]
    update = index(Settings().warehouse_root())
    get_run_logger().info("search index: %d articles added, %d versions removed in %.1f s", update.added, update.removed, update.seconds)
    return summaries
