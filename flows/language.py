"""The language flow: tag every article version that has no tag from the current tagger."""

from __future__ import annotations

from collections import Counter

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows.parameters import LanguageParameters
from flows.progress import report
from flows.recorded_run import recorded_run
from tasks.executors import start_workers, worker_pool
from tasks.language import LanguageInput, preload_detector, tag_languages, tagger_name
from tasks.run_summary import RunSummary
from tasks.store import write_rows
from warehouse.pending import untagged_articles
from warehouse.schemas import LANGUAGES

tag = task(tag_languages, name="tag-languages", cache_policy=NO_CACHE)
write = task(write_rows, name="write", cache_policy=NO_CACHE)


@flow(name="languages", log_prints=True)
def languages(params: LanguageParameters = LanguageParameters()) -> RunSummary:
    """Tag article versions with language and script; the `articles` view shows the tags."""
    with recorded_run("languages") as run:
        settings, root, summary = run.settings, run.root, run.summary
        tagger = tagger_name(params.detector)
        # each worker loads the detector once; the workers start only when there is work
        with worker_pool(settings.workers, preload_detector, (params.detector,), executor=settings.executor) as pool:

            def found(total: int) -> None:
                report("languages", 0, total)
                if total:
                    start_workers(pool)  # their start-up runs while the first batch is read

            pending = untagged_articles(root, tagger, params.retag, params.batch_size or settings.batch_size, on_total=found)
            for number, records in enumerate(pending, start=1):
                batch = [LanguageInput(**row) for row in records.to_pylist()]
                tags = tag(quote(batch), params.detector, pool)
                summary.inputs += len(batch)
                summary.add(tags)
                summary.add(write(root, LANGUAGES, quote(tags.items), summary.run_id, quote(tags.quarantined)))
                summary.count("articles by language", Counter(t.language for t in tags.items))
                get_run_logger().info("batch %d: %d articles tagged by %s", number, len(tags.items), tagger)
                report("languages", len(batch))
    return summary
