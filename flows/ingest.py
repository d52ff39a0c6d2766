"""The ingest flow: sources → fetch → decode → extract → normalize → write, batch by batch."""

from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.utilities.annotations import quote

from flows.parameters import IngestParameters
from flows.progress import report
from flows.recorded_run import recorded_run
from tasks.clean import decode_documents, extract_documents, normalize_articles
from tasks.executors import worker_pool
from tasks.fetch import RobotsCache, choose_sources, fetch_inputs, plan_inputs
from tasks.run_summary import RunSummary
from tasks.stage import batches
from tasks.store import select_unseen, write_batch

plan = task(plan_inputs, name="discover", cache_policy=NO_CACHE)
fetch = task(fetch_inputs, name="fetch", cache_policy=NO_CACHE)
unseen = task(select_unseen, name="skip-unchanged", cache_policy=NO_CACHE)
decode = task(decode_documents, name="decode", cache_policy=NO_CACHE)
extract = task(extract_documents, name="extract", cache_policy=NO_CACHE)
normalize = task(normalize_articles, name="normalize", cache_policy=NO_CACHE)
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
        summary.inputs = len(refs) + len(inputs.quarantined)
        summary.add(inputs)
        summary.add(write(root, summary.run_id, [], [], inputs.quarantined))
        report("ingest", 0, len(refs))
        with worker_pool(settings.workers) as pool:
            for number, batch in enumerate(batches(refs, params.batch_size or settings.batch_size), start=1):
                # quote(): Prefect would otherwise walk every record of every batch it is handed
                fetched = fetch(quote(batch), root, settings.http, robots)
                fresh = unseen(root, quote(fetched.items))
                decoded = decode(quote(fresh.items))
                extracted = extract(quote(decoded.items), pool)
                articles = normalize(quote(extracted.items))
                stages = (fetched, fresh, decoded, extracted, articles)
                quarantined = [q for s in stages for q in s.quarantined]
                written = write(root, summary.run_id, quote(fresh.items), quote(articles.items), quote(quarantined), quote(batch))
                for out in (*stages, written):
                    summary.add(out)
                get_run_logger().info(
                    "batch %d: %d inputs, %d new versions, %d articles added, %d quarantined",
                    number, len(batch), len(fresh.items), written.stats.rows_added["articles"], len(quarantined),
                )
                report("ingest", len(batch))
    return summary
