"""The bare ingest reference, written as a user would: a 2-process pool reads each page, decodes it
(UTF-8, charset-normalizer when that fails), runs trafilatura.extract(fast=True,
include_comments=False) and the parent writes one zstd Parquet file.

    python bench/reference_ingest.py CORPUS_FOLDER OUT.parquet

Prints one JSON line: documents, extracted, work_seconds (pool start to file written).
"""

import json
import multiprocessing
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import trafilatura
from charset_normalizer import from_bytes


def clean(path: str) -> tuple[str, str | None]:
    data = Path(path).read_bytes()
    try:
        html = data.decode("utf-8")
    except UnicodeDecodeError:
        best = from_bytes(data).best()
        html = str(best) if best is not None else data.decode("utf-8", "replace")
    return path, trafilatura.extract(html, fast=True, include_comments=False)


def main() -> None:
    folder, out = sys.argv[1], sys.argv[2]
    started = time.perf_counter()
    paths = sorted(str(p) for p in Path(folder).rglob("*.html"))
    with multiprocessing.Pool(2) as pool:
        rows = pool.map(clean, paths, chunksize=16)
    table = pa.table({"path": [r[0] for r in rows], "text": [r[1] for r in rows]})
    pq.write_table(table, out, compression="zstd")
    print(json.dumps({
        "documents": len(paths),
        "extracted": sum(r[1] is not None for r in rows),
        "work_seconds": round(time.perf_counter() - started, 3),
    }), flush=True)


if __name__ == "__main__":
    main()
