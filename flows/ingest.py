"""The ingest flow: sources → fetch → skip unchanged → clean (decode, extract, normalize) → write,
batch by batch; fetching the next batch and writing the last one overlap the cleaning. Remote
WARC and WET files are streamed after the other inputs, their records batched as they arrive."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import chain
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows.artifacts import publish_sources
from flows.overlap import one_behind, prefetched
from flows.parameters import IngestParameters
from flows.progress import report
from flows.recorded_run import recorded_run
from tasks.clean import clean_documents
from tasks.executors import worker_pool
from tasks.fetch import RobotsCache, choose_sources, fetch_inputs, plan_inputs, stream_archives
from tasks.fetch.warc import Fetched
from tasks.run_summary import RunSummary
from tasks.source_alerts import check_sources
from tasks.stage import batches
from tasks.store import select_unseen, write_batch

plan = task(plan_inputs, name="discover", cache_policy=NO_CACHE)
fetch = task(fetch_inputs, name="fetch", cache_policy=NO_CACHE)
unseen = task(select_unseen, name="skip-unchanged", cache_policy=NO_CACHE)
clean = task(clean_documents, name="clean", cache_policy=NO_CACHE)
write = task(write_batch, name="write", cache_policy=NO_CACHE)
health = task(check_sources, name="source-health", cache_policy=NO_CACHE)


def _counted(streamed: Iterator[Fetched], summary: RunSummary, total: int) -> Iterator[Fetched]:
    """Batches of streamed archives, whose records become known as they arrive: each adds its
    records to the run's inputs and to the progress total."""
    for batch, fetched in streamed:
        summary.inputs += len(batch)
        total += len(batch)
        report("ingest", 0, total)
        yield batch, fetched


@flow(name="ingest", log_prints=True)
def ingest(params: IngestParameters = IngestParameters()) -> RunSummary:
    """Read the sources (or the given URIs) and add new article versions to the warehouse."""
    with recorded_run("ingest") as run:
        settings, root, summary = run.settings, run.root, run.summary
        sources_file = Path(params.sources_file) if params.sources_file else settings.sources
        robots = RobotsCache()  # one per run: each host is asked for robots.txt once
        sources = choose_sources(params.uris, params.sources, sources_file, settings.http)
        inputs = plan(sources, settings.max_document_bytes, root, settings.http, robots)
        size = params.batch_size or settings.batch_size
        refs = [r for r in inputs.items if r.kind != "archive"]  # remote archives: streamed below
        refs = refs[: params.limit] if params.limit else refs
        summary.inputs = len(refs) + len(inputs.quarantined) + inputs.stats.counts["unchanged"]
        summary.add(inputs)
        summary.add(write(root, summary.run_id, [], [], inputs.quarantined))
        report("ingest", 0, len(refs))
        # quote(): Prefect would otherwise walk every record of every batch it is handed
        start_fetch = lambda batch: fetch.submit(quote(batch), root, settings.http, robots)  # noqa: E731
        left = params.limit - len(refs) if params.limit else None  # what --limit leaves to remote archives
        streamed = _counted(stream_archives(inputs.items, size, settings.http, robots, left), summary, len(refs))
        with worker_pool(settings.workers, executor=settings.executor) as pool, one_behind(summary.add) as write_behind:
            for number, (batch, fetched) in enumerate(chain(prefetched(batches(refs, size), start_fetch), streamed), 1):
                fresh = unseen(root, quote(fetched.items))
                cleaned = clean(quote(fresh.items), pool, quote(lambda n: report("ingest", n)), settings.document_seconds)
                quarantined = [q for s in (fetched, fresh, cleaned) for q in s.quarantined]
                write_behind(write.submit(root, summary.run_id, quote(fresh.items), quote(cleaned.items), quote(quarantined), quote(batch)))
                for out in (fetched, fresh, cleaned):
                    summary.add(out)
                report("ingest", len(batch) - len(fresh.items))  # inputs that never reached cleaning
                get_run_logger().info(
                    "batch %d: %d inputs, %d new versions, %d articles, %d quarantined",
                    number, len(batch), len(fresh.items), len(cleaned.items), len(quarantined),
                )
        judged = health(root, summary.run_id, summary.started_at, settings.health)  # each source against its recent runs
        summary.add(judged)
        summary.alerts += [alert.message for alert in judged.items]
        publish_sources("ingest", root, summary, with_duplicates=False)  # dedup has not seen its articles yet
    return summary
