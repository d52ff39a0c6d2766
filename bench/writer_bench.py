"""Writer benchmark: how many rows a second the ingest flow's single writer stores, against the
size of the warehouse it appends to (issue 19, item 5: an input of docs/scaling.md's capacity
model).

    .venv/bin/python -m bench.writer_bench                         # stored 0, 10,000, 100,000
    .venv/bin/python -m bench.writer_bench --stored 0 100000 1000000

For each stored size S, a fresh warehouse gets S articles and S documents as the flow would have
left them: parts of `--batch` rows each (one part per batch and table), written with pyarrow
(short texts and bodies: a write's anti-join reads only the key columns). Then `--repeats`
batches of `--batch` new pages (real articles: a page of bench/ingest_corpus.py cleaned once,
its bytes ~N KB, under new keys) are written with `tasks.store.write_batch`, as the flow's write
task does: quarantine, articles, documents, each a lookup of the batch's keys in the table's key
index (warehouse/key_index.py, after listing the table's parts), then a zstd Parquet part renamed
into place. The prefilled parts were written around the writer, so the first batch indexes them
all (as the first write after an upgrade or after deleting the index does): it is reported
apart. Reported per S: median seconds and rows/s per batch, wall and CPU (process time), of the
`--repeats` batches after it. No Prefect: the task's own cost is ~35 ms a batch.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import os
import shutil
import statistics
import tempfile
import time
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from bench.ingest_corpus import write_corpus
from tasks.clean import clean_documents
from tasks.fetch.local_files import format_for_path
from tasks.fetch.retrieve import read_file
from tasks.records import InputRef
from tasks.store import write_batch
from warehouse.catalog import ensure_catalog
from warehouse.schemas import ARTICLES, DOCUMENTS

RESULTS = Path(__file__).resolve().parent / "results"


def _key(prefix: str, i: int) -> str:
    return hashlib.sha256(f"{prefix}{i}".encode()).hexdigest()[:32]


def prefill(root: Path, stored: int, batch: int, article: dict, document: dict) -> None:
    """`stored` rows in each of articles and documents, in parts of `batch` rows."""
    for first in range(0, stored, batch):
        ids = range(first, min(first + batch, stored))
        for table, template, keys in ((ARTICLES, article, ("article_id", "doc_id")), (DOCUMENTS, document, ("doc_id", "content_sha256"))):
            rows = [{**template, **{k: _key(f"stored-{k}", i) for k in keys}} for i in ids]
            if table is ARTICLES:
                for row, i in zip(rows, ids):
                    row["content_sha256"] = _key("stored-content_sha256", i)
            folder = root / table.name / "ingest_date=2026-01-01"
            folder.mkdir(parents=True, exist_ok=True)
            pq.write_table(pa.Table.from_pylist(rows, table.schema), folder / f"part-prefill-{first:09d}.parquet", compression="zstd")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--stored", type=int, nargs="+", default=[0, 10_000, 100_000])
    parser.add_argument("--batch", type=int, default=200, help="rows per batch (PRESSROOM_BATCH_SIZE's default: 200)")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="pressroom-writer-bench-"))
    results: dict = {"bench": "writer", "at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "cpus": os.cpu_count(),
                     "load_average_start": [round(x, 2) for x in os.getloadavg()], "batch": args.batch, "sizes": []}
    try:
        write_corpus(scratch / "corpus", 1)
        page = next((scratch / "corpus").rglob("*.html"))
        doc = read_file(InputRef("bench", str(page), "file", format_for_path(page)))
        article = clean_documents([doc]).items[0]
        results["page_bytes"] = len(doc.body)
        small_article = {**asdict(article), "text": "short", "run_id": "prefill"}
        small_document = {**asdict(doc), "body": b"short", "size_bytes": 5, "run_id": "prefill"}
        for stored in args.stored:
            root = scratch / f"warehouse-{stored}"
            ensure_catalog(root)
            prefill(root, stored, args.batch, small_article, small_document)
            walls, cpus = [], []
            first: dict = {}
            for r in range(args.repeats + 1):
                docs = [dataclasses.replace(doc, doc_id=_key(f"new-{r}-doc", i), content_sha256=_key(f"new-{r}-sha", i)) for i in range(args.batch)]
                articles = [dataclasses.replace(article, article_id=_key(f"new-{r}-art", i), doc_id=d.doc_id, content_sha256=d.content_sha256) for i, d in enumerate(docs)]
                started, cpu = time.perf_counter(), time.process_time()
                out = write_batch(root, f"bench-{r}", docs, articles, [])
                assert out.stats.docs_out == args.batch
                if r == 0:  # the prefilled parts are not in the key index yet: this write indexes them
                    first = {"first_write_wall_seconds": round(time.perf_counter() - started, 3), "first_write_cpu_seconds": round(time.process_time() - cpu, 3)}
                    continue
                walls.append(time.perf_counter() - started)
                cpus.append(time.process_time() - cpu)
            size = {"stored": stored, "files_per_table": -(-stored // args.batch) + args.repeats + 1, "wall_seconds": round(statistics.median(walls), 3),
                    "cpu_seconds": round(statistics.median(cpus), 3), "rows_per_second": round(args.batch / statistics.median(walls)),
                    "rows_per_cpu_second": round(args.batch / statistics.median(cpus)), **first}
            results["sizes"].append(size)
            print(f"stored {stored:>9,}  ({size['files_per_table']:>6} files a table)  batch of {args.batch}: {size['wall_seconds']:.3f} s wall, "
                  f"{size['cpu_seconds']:.3f} s CPU  ->  {size['rows_per_second']:,} rows/s ({size['rows_per_cpu_second']:,} per CPU second); "
                  f"first write, indexing the stored parts: {first['first_write_wall_seconds']:.3f} s wall, {first['first_write_cpu_seconds']:.3f} s CPU", flush=True)
            shutil.rmtree(root, ignore_errors=True)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    results["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"writer-{results['at'].replace(':', '').replace('-', '')[:15]}.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"load average {results['load_average_start']} -> {results['load_average_end']}; page {results['page_bytes']:,} bytes; written to {out}")


if __name__ == "__main__":
    main()
