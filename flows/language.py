"""The language flow: tag every article version that has no tag from the current tagger."""

from __future__ import annotations

from collections import Counter
from contextlib import nullcontext

from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.runtime import flow_run
from prefect.utilities.annotations import quote
from pydantic import BaseModel, ConfigDict, Field

from config.settings import Settings
from flows.progress import report
from tasks.langid import LanguageInput, LanguageSettings, language_pool, tag_languages, tagger_name
from tasks.pending import untagged_articles
from tasks.run_summary import RunSummary
from tasks.store import record_run, write_rows
from warehouse.catalog import ensure_catalog
from warehouse.schemas import LANGUAGES


class LanguageParameters(BaseModel):
    """What a language run tags, and how."""

    model_config = ConfigDict(extra="forbid")

    retag: bool = Field(False, description="Tag every article version again, even those the current tagger already tagged.")
    detector: LanguageSettings = Field(default_factory=LanguageSettings, description="The detector's languages, accuracy and sampling.")
    batch_size: int | None = Field(None, ge=1, le=100_000, description="Articles per task; empty means PRESSROOM_BATCH_SIZE.")


tag = task(tag_languages, name="tag-languages", cache_policy=NO_CACHE)
write = task(write_rows, name="write", cache_policy=NO_CACHE)


@flow(name="languages", log_prints=True)
def languages(params: LanguageParameters = LanguageParameters()) -> RunSummary:
    """Tag article versions with language and script; the `articles` view shows the tags."""
    settings = Settings()
    root = settings.warehouse_root()
    ensure_catalog(root)
    summary = RunSummary(run_id=str(flow_run.id or "local"), flow="languages")
    tagger = tagger_name(params.detector)
    pending = untagged_articles(root, tagger, params.retag, params.batch_size or settings.batch_size)
    with language_pool(params.detector, settings.workers) if settings.workers > 1 else nullcontext() as pool:
        for number, records in enumerate(pending, start=1):
            batch = [LanguageInput(**row) for row in records.to_pylist()]
            tags = tag(quote(batch), params.detector, pool)
            written = write(root, LANGUAGES, quote(tags.items), summary.run_id, quote(tags.quarantined))
            summary.inputs += len(batch)
            summary.add(tags.stats)
            summary.add(written.stats)
            summary.rows_added.update(written.added)
            summary.count("articles by language", Counter(t.language for t in tags.items))
            get_run_logger().info("batch %d: %d articles tagged by %s", number, len(tags.items), tagger)
            report("languages", len(batch))
    record_run(root, summary.finish())
    create_markdown_artifact(key="languages-summary", markdown=summary.to_markdown(), description="language run summary")
    return summary
