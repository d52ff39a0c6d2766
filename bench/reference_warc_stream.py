"""The bare streamed-archive reference, written as a user would: warcio reads a WARC or WET file
straight from an HTTP response (`urllib.request.urlopen`, never saved), a 2-process pool runs
trafilatura.extract(fast=True, include_comments=False) on each 200 HTML response (a WET
conversion record's text is taken as it is), 1,000 documents at a time, and the parent appends
each batch's rows to one zstd Parquet file, so memory stays flat too.

    python bench/reference_warc_stream.py URL OUT.parquet

Prints one JSON line: records, documents, extracted, work_seconds (request to file written).
"""

import json
import multiprocessing
import sys
import time
import urllib.request
from collections.abc import Iterator

import pyarrow as pa
import pyarrow.parquet as pq
import trafilatura
from warcio.archiveiterator import ArchiveIterator

SCHEMA = pa.schema([("url", pa.string()), ("text", pa.string())])
BATCH = 1000


def clean(item: tuple[str, bytes, bool]) -> tuple[str, str | None]:
    url, body, is_text = item
    text = body.decode("utf-8", "replace")
    return url, text if is_text else trafilatura.extract(text, fast=True, include_comments=False)


def documents(url: str, counts: dict[str, int]) -> Iterator[tuple[str, bytes, bool]]:
    with urllib.request.urlopen(url, timeout=60) as response:
        for record in ArchiveIterator(response):
            counts["records"] += 1
            if record.rec_type == "conversion":
                yield record.rec_headers.get_header("WARC-Target-URI"), record.content_stream().read(), True
            elif record.rec_type == "response" and record.http_headers.get_statuscode() == "200":
                yield record.rec_headers.get_header("WARC-Target-URI"), record.content_stream().read(), False


def main() -> None:
    url, out = sys.argv[1], sys.argv[2]
    started = time.perf_counter()
    counts = {"records": 0, "documents": 0, "extracted": 0}
    batch: list[tuple[str, bytes, bool]] = []
    with multiprocessing.Pool(2) as pool, pq.ParquetWriter(out, SCHEMA, compression="zstd") as writer:

        def write(items: list[tuple[str, bytes, bool]]) -> None:
            rows = pool.map(clean, items, chunksize=16)  # a batch at a time: Pool.imap would read the whole file ahead
            counts["documents"] += len(rows)
            counts["extracted"] += sum(r[1] is not None for r in rows)
            writer.write_table(pa.table({"url": [r[0] for r in rows], "text": [r[1] for r in rows]}, SCHEMA))

        for item in documents(url, counts):
            batch.append(item)
            if len(batch) == BATCH:
                write(batch)
                batch = []
        if batch:
            write(batch)
    print(json.dumps({**counts, "work_seconds": round(time.perf_counter() - started, 3)}), flush=True)


if __name__ == "__main__":
    main()
