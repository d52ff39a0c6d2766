"""Signatures of article versions: the exact hash, MinHash signature, LSH band hashes and number
fingerprint (prose numbers and their positions) and Latin-script names of each (one row of the `signatures` table). The costly part of dedup: it runs on
the executor in batches."""

from __future__ import annotations

import time
from concurrent.futures import Executor
from datetime import datetime, timezone

import numpy as np
import numpy.ma  # noqa: F401  pa.array(ndarray) imports it on first use (~45 ms inside a run); load it with the stage
import pyarrow as pa
import pyarrow.compute as pc

from config.dedup import DedupSettings
from tasks.dedup import minhash, names, shingles, translations
from tasks.dedup.keys import signature_key
from tasks.stage import StageOutput, StageStats
from warehouse.schemas import SIGNATURES


def _signature_columns(texts: list[str], settings: DedupSettings) -> pa.Table:
    """The computed columns of `signatures` for one batch of texts (runs in a worker process).

    Returned as an Arrow table: it pickles as a few flat buffers, where lists of Python
    objects would cost more to send back than to compute."""
    tokens = shingles.tokenize(texts)
    values, offsets = shingles.shingle(tokens, settings.word_ngram, settings.char_ngram, settings.char_share)
    matrix = minhash.signatures(values, offsets, settings.num_perm, settings.seed)
    n = len(texts)
    token_count = np.diff(tokens.offsets).astype(np.int32)
    has_tokens = token_count > 0
    signature = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(2 * settings.num_perm), n, [_validity(has_tokens), pa.py_buffer(minhash.compact(matrix).tobytes())]
    ).cast(pa.binary())
    bands = pa.ListArray.from_arrays(
        pa.array(np.arange(0, n * settings.bands + 1, settings.bands, dtype=np.int32)),
        pa.array(minhash.band_hashes(matrix, settings.bands, settings.rows).reshape(-1)),
        mask=pa.array(~has_tokens),
    )
    fingerprints = [translations.fingerprint(t, settings.max_numbers) for t in texts]
    numbers = [f.numbers for f in fingerprints]
    keys, key_offsets = translations.batch_number_keys(numbers)
    return pa.table(
        {
            "token_count": pa.array(token_count, pa.int32()),
            "exact_hash": pa.array(tokens.exact_hashes, pa.string()),
            "signature": signature,
            "bands": bands,
            "numbers": pa.array(numbers, pa.list_(pa.string())),
            "number_positions": pa.array([f.positions for f in fingerprints], pa.list_(pa.float32())),
            "number_count": pa.array([len(x) for x in numbers], pa.int32()),
            "number_keys": pa.ListArray.from_arrays(pa.array(key_offsets, pa.int32()), pa.array(keys, pa.int64())),
            "names": pa.array([names.names(t) for t in texts], pa.list_(pa.int64())),
        }
    )


def compute_signatures(
    articles: pa.Table,
    settings: DedupSettings,
    executor: Executor | None = None,
    run_id: str | None = None,
) -> pa.Table:
    """Rows of the `signatures` table for the given article versions.

    `articles` needs `article_id`, `content_sha256`, `text`; `language` and `published_at` are
    used when present. With an `executor` (a process pool) batches of `settings.signature_batch`
    run in parallel. Give it a pool whose workers are spawned (`mp_context` "spawn" or
    "forkserver"), or one forked before this process first computed signatures: rensa's Rust
    thread pool does not survive a fork, and a worker forked after it started hangs.
    """
    texts = articles.column("text").to_pylist()
    batches = [texts[i : i + settings.signature_batch] for i in range(0, len(texts), settings.signature_batch)]
    if executor is not None and len(batches) > 1:
        parts = list(executor.map(_signature_columns, batches, [settings] * len(batches)))
    else:
        parts = [_signature_columns(batch, settings) for batch in batches]
    del batches
    computed = pa.concat_tables(parts) if parts else _signature_columns([], settings)
    n = articles.num_rows
    now = datetime.now(timezone.utc)
    columns = {
        "article_id": articles.column("article_id"),
        "content_sha256": articles.column("content_sha256"),
        "signature_key": pa.array([signature_key(settings)] * n, pa.string()),
        "language": _column_or_null(articles, "language", pa.string()),
        "published_at": _column_or_null(articles, "published_at", SIGNATURES.schema.field("published_at").type),
        "text_chars": pc.utf8_length(articles.column("text")).cast(pa.int64()),
        **{name: computed.column(name) for name in computed.column_names},
        "computed_at": pa.array([now] * n, SIGNATURES.schema.field("computed_at").type),
        "run_id": pa.array([run_id] * n, pa.string()),
    }
    return pa.table(columns).select(SIGNATURES.schema.names).cast(SIGNATURES.schema)


def _validity(mask: np.ndarray) -> pa.Buffer | None:
    if mask.all():
        return None
    return pa.py_buffer(np.packbits(mask, bitorder="little").tobytes())


def _column_or_null(table: pa.Table, name: str, type_: pa.DataType) -> pa.Array | pa.ChunkedArray:
    if name in table.column_names:
        return table.column(name).cast(type_)
    return pa.nulls(table.num_rows, type_)


def sign_articles(
    articles: pa.Table, settings: DedupSettings, executor: Executor | None = None, run_id: str | None = None
) -> StageOutput[pa.Table]:
    """`compute_signatures` over one batch, with the stage's counters (stage `signatures`)."""
    started = time.perf_counter()
    rows = compute_signatures(articles, settings, executor, run_id)
    stats = StageStats(
        "signatures",
        docs_in=articles.num_rows,
        docs_out=rows.num_rows,
        bytes_in=pc.sum(pc.binary_length(articles.column("text"))).as_py() or 0,
        seconds=time.perf_counter() - started,
    )
    return StageOutput(rows, [], stats)
