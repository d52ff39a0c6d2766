"""The ingest flow: sources → fetch → skip unchanged → clean (decode, extract, normalize) → write,
batch by batch; fetching the next batch and writing the last one overlap the cleaning."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows.overlap import one_behind, prefetched
from flows.parameters import IngestParameters
from flows.progress import report
from flows.recorded_run import recorded_run
from tasks.clean import clean_documents
from tasks.executors import worker_pool
from tasks.fetch import RobotsCache, choose_sources, fetch_inputs, plan_inputs
from tasks.run_summary import RunSummary
from tasks.stage import StageStats, batches
from tasks.store import select_unseen, write_batch

plan = task(plan_inputs, name="discover", cache_policy=NO_CACHE)
fetch = task(fetch_inputs, name="fetch", cache_policy=NO_CACHE)
unseen = task(select_unseen, name="skip-unchanged", cache_policy=NO_CACHE)
clean = task(clean_documents, name="clean", cache_policy=NO_CACHE)
write = task(write_batch, name="write", cache_policy=NO_CACHE)


@flow(name="ingest", log_prints=True)
def ingest(params: IngestParameters = IngestParameters()) -> RunSummary:
    """Read the sources (or the given URIs) and add new article versions to the warehouse."""
    with recorded_run("ingest") as run:
        settings, root, summary = run.settings, run.root, run.summary
        sources_file = Path(params.sources_file) if params.sources_file else settings.sources
        robots = RobotsCache()  # one per run: each host is asked for robots.txt once
        sources = choose_sources(params.uris, params.sources, sources_file, settings.http)
        inputs = plan(sources, settings.max_document_bytes, root, settings.http, robots)
        refs = inputs.items[: params.limit] if params.limit else inputs.items
        summary.inputs = len(refs) + len(inputs.quarantined) + inputs.stats.counts["unchanged"]
        summary.add(inputs)
        summary.add(write(root, summary.run_id, [], [], inputs.quarantined))
        report("ingest", 0, len(refs))
        # quote(): Prefect would otherwise walk every record of every batch it is handed
        start_fetch = lambda batch: fetch.submit(quote(batch), root, settings.http, robots)  # noqa: E731
        with worker_pool(settings.workers, executor=settings.executor) as pool, one_behind(summary.add) as write_behind:
            for number, (batch, fetched) in enumerate(prefetched(batches(refs, params.batch_size or settings.batch_size), start_fetch), 1):
                fresh = unseen(root, quote(fetched.items))
                cleaned = clean(quote(fresh.items), pool, quote(lambda n: report("ingest", n)))
                quarantined = [q for s in (fetched, fresh, cleaned) for q in s.quarantined]
                write_behind(write.submit(root, summary.run_id, quote(fresh.items), quote(cleaned.items), quote(quarantined), quote(batch)))
                for out in (fetched, fresh, cleaned):
                    summary.add(out)
                report("ingest", len(batch) - len(fresh.items))  # inputs that never reached cleaning
                get_run_logger().info(
                    "batch %d: %d inputs, %d new versions, %d articles, %d quarantined",
                    number, len(batch), len(fresh.items), len(cleaned.items), len(quarantined),
                )
    return summary


def unchanged_inputs(summary: RunSummary) -> int:
    """Inputs an ingest run found as they were when last read: files and listed pages skipped
    when planning (`discover` counts `unchanged`), pages that answered 304 (`fetch` counts
    `not_modified`), and fetched content whose version is stored already (`versions` drops it)."""
    versions = summary.stages.get("versions") or StageStats("versions")
    discover = summary.stages.get("discover") or StageStats("discover")
    fetch = summary.stages.get("fetch") or StageStats("fetch")
    return discover.counts["unchanged"] + fetch.counts["not_modified"] + versions.docs_in - versions.docs_out


def nothing_ingested(summary: RunSummary, uris: list[str]) -> str | None:
    """Why an ingest run read nothing at all, in one line; None when it read something.

    A run read nothing when no input became an article and none was found unchanged: every
    input was quarantined, or, for `uris` named by the user, nothing was found there. A run of
    the sources file that finds nothing (feeds with no new entries) has read what there was.
    """
    if summary.rows_added["articles"] or unchanged_inputs(summary):
        return None
    if summary.quarantined:
        reasons = ", ".join(reason if n == summary.quarantined else f"{reason} {n}" for reason, n in summary.quarantine_reasons.most_common(3))
        more = ", ..." if len(summary.quarantine_reasons) > 3 else ""
        inputs = f"{summary.inputs} input{'s' * (summary.inputs != 1)}"
        return f"nothing ingested: {inputs}, {summary.quarantined} quarantined ({reasons}{more})"
    if uris:
        return f"nothing ingested: found nothing to read in {', '.join(uris)}"
    return None
