"""Flow parameters as pydantic models: the Prefect UI renders them as documented forms."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class IngestParameters(BaseModel):
    """What an ingest run reads."""

    model_config = ConfigDict(extra="forbid")

    uris: list[str] = Field(
        default_factory=list,
        description="Files, folders, URLs, feeds, sitemaps or WARC files to ingest. When given, the sources file is not read.",
    )
    sources: list[str] = Field(
        default_factory=list,
        description="Names of sources in the sources file to ingest; empty means every enabled source.",
    )
    sources_file: str | None = Field(
        None, description="Path of the sources file; empty means PRESSROOM_SOURCES or the bundled config/sources.toml."
    )
    limit: int | None = Field(None, ge=1, description="Ingest at most this many inputs (to try a source out).")
    batch_size: int | None = Field(None, ge=1, le=100_000, description="Documents per task; empty means PRESSROOM_BATCH_SIZE.")
