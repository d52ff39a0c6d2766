"""The pipeline flow: ingest, then tag languages, then deduplicate."""

from __future__ import annotations

from prefect import flow
from pydantic import BaseModel, ConfigDict, Field

from flows.dedup import dedup
from flows.ingest import ingest
from flows.language import languages
from flows.parameters import DedupParameters, IngestParameters, LanguageParameters
from tasks.run_summary import RunSummary


class PipelineParameters(BaseModel):
    """What a pipeline run does, flow by flow."""

    model_config = ConfigDict(extra="forbid")

    ingest: IngestParameters = Field(default_factory=IngestParameters, description="What to ingest.")
    languages: LanguageParameters = Field(default_factory=LanguageParameters, description="How to tag languages.")
    dedup: DedupParameters = Field(default_factory=DedupParameters, description="How to group duplicates.")


@flow(name="pipeline")
def pipeline(params: PipelineParameters = PipelineParameters()) -> list[RunSummary]:
    """Run the flows in order; each is its own flow run with its own summary."""
    return [ingest(params.ingest), languages(params.languages), dedup(params.dedup)]
