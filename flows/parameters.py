"""Flow parameters as pydantic models: the Prefect UI renders them as documented forms."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from config.dedup import DedupSettings
from config.language import LanguageSettings


class IngestParameters(BaseModel):
    """What an ingest run reads."""

    model_config = ConfigDict(extra="forbid")

    uris: list[str] = Field(
        default_factory=list,
        description="Files, folders, URLs, feeds, sitemaps or WARC files to ingest (WARC and WET files at http(s) URLs are "
        "streamed record by record). When given, the sources file is not read.",
    )
    sources: list[str] = Field(
        default_factory=list,
        description="Names of sources in the sources file to ingest; empty means every enabled source.",
    )
    sources_file: str | None = Field(
        None, description="Path of the sources file; empty means PRESSROOM_SOURCES or the bundled config/sources.toml."
    )
    limit: int | None = Field(None, ge=1, description="Ingest at most this many inputs (to try a source out).")
    batch_size: int | None = Field(None, ge=1, le=100_000, description="Inputs per task; empty means PRESSROOM_BATCH_SIZE.")


class LanguageParameters(BaseModel):
    """What a language run tags, and how."""

    model_config = ConfigDict(extra="forbid")

    retag: bool = Field(False, description="Tag every article version again, even those the current tagger already tagged.")
    detector: LanguageSettings = Field(default_factory=LanguageSettings, description="The detector's languages, accuracy and sampling.")
    batch_size: int | None = Field(None, ge=1, le=100_000, description="Articles per task; empty means PRESSROOM_BATCH_SIZE.")


class DedupParameters(BaseModel):
    """How a dedup run compares articles."""

    model_config = ConfigDict(extra="forbid")

    settings: DedupSettings = Field(default_factory=DedupSettings, description="Thresholds, MinHash and translation settings.")
