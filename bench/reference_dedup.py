"""The bare dedup reference: rensa signatures on a 2-process pool, bands joined in DuckDB.

    python bench/reference_dedup.py TEXTS.parquet OUT.parquet

Same shingles as pressroom (bench/dedup_bench.py's `python_shingles`: word 2-grams, character
4-grams for scripts without spaces), 256 permutations, 32 bands of 8 rows, threshold 0.8
(DedupSettings' defaults). The pool computes `RMinHash` digest matrices per chunk of texts; the
parent hashes each band, finds candidate pairs with a DuckDB self-join on (band, hash), keeps
pairs whose estimated Jaccard (share of equal minima) is at least the threshold, groups them
by union-find and writes (article_id, group) as zstd Parquet. Prints one JSON line.
"""

import json
import multiprocessing
import sys
import time

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from bench.dedup_bench import _union_groups, python_shingles
from config.dedup import DedupSettings

S = DedupSettings()


def signatures(texts: list[str]) -> np.ndarray:
    from rensa import RMinHash

    sets = [python_shingles(t or "", S.word_ngram, S.char_ngram) for t in texts]
    return np.array(RMinHash.digest_matrix_from_token_sets(sets, S.num_perm, 42).to_rows(), dtype=np.uint32)


def main() -> None:
    path, out = sys.argv[1], sys.argv[2]
    started = time.perf_counter()
    con = duckdb.connect()
    table = con.execute(f"SELECT article_id, text FROM read_parquet('{path}')").arrow()
    if not isinstance(table, pa.Table):
        table = table.read_all()
    ids, texts = table.column("article_id").to_pylist(), table.column("text").to_pylist()
    chunks = [texts[i : i + 500] for i in range(0, len(texts), 500)]
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        sig = np.concatenate(pool.map(signatures, chunks)) if chunks else np.zeros((0, S.num_perm), np.uint32)
    rows = S.num_perm // S.bands
    bands = sig.reshape(len(ids), S.bands, rows)
    # one 64-bit hash per band: a polynomial over its rows
    h = np.zeros((len(ids), S.bands), dtype=np.uint64)
    for r in range(rows):
        h = h * np.uint64(1_000_003) + bands[:, :, r].astype(np.uint64)
    keys = pa.table({
        "doc": np.repeat(np.arange(len(ids), dtype=np.int64), S.bands),
        "band": np.tile(np.arange(S.bands, dtype=np.int32), len(ids)),
        "h": h.reshape(-1),
    })
    con.register("keys", keys)
    pairs = con.execute(
        "SELECT DISTINCT a.doc AS a, b.doc AS b FROM keys a JOIN keys b ON a.band = b.band AND a.h = b.h AND a.doc < b.doc"
    ).fetchnumpy()
    a, b = pairs["a"], pairs["b"]
    keep = (sig[a] == sig[b]).mean(axis=1) >= S.threshold if len(a) else np.zeros(0, bool)
    groups = _union_groups(ids, zip(a[keep].tolist(), b[keep].tolist()))
    members = [(m, g) for g, group in enumerate(groups) for m in group]
    pq.write_table(pa.table({"article_id": [m for m, _ in members], "group": [g for _, g in members]}, schema=pa.schema([("article_id", pa.string()), ("group", pa.int64())])), out, compression="zstd")
    print(json.dumps({
        "articles": len(ids),
        "candidate_pairs": int(len(a)),
        "duplicate_pairs": int(keep.sum()),
        "groups": len(groups),
        "work_seconds": round(time.perf_counter() - started, 3),
    }), flush=True)


if __name__ == "__main__":
    main()
