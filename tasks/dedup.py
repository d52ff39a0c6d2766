"""The dedup stage: exact, near-duplicate and translation groups of articles.

Two steps, each a plain function the dedup flow wraps in a task:

1. `compute_signatures(articles, settings, executor, run_id)`: for article versions that have none yet,
   the exact hash, MinHash signature, LSH band hashes and number fingerprint (one row each of
   the `signatures` table). This is the costly part and runs on a process pool in batches.
2. `find_duplicates(con, cache, compared_sql, settings, run_id)`: the rows to append
   to the `duplicates` table. Articles without a decision under the current settings are the
   "new" ones; only they are compared against everything stored (read through the dedup
   cache, tasks/dedup_cache.py): exact-hash and band-hash joins and number-pair joins in
   DuckDB, verification (estimated Jaccard from the stored signatures, number alignment for
   translations), then union-find together with the stored groups they touch.

How `duplicates` is written: one row per article version whenever its grouping changes, and
the newest row per article (by `decided_at`) is the truth. A run writes a row for every new
article (singletons too, with `dup_group` NULL, so an article is decided once), for every
member of a group that changed (joined, merged, or got a new canonical), and for members of a
group one of whose articles left the compared set (a superseded version), whose remaining
members are compared afresh. A rerun with nothing new writes nothing. Changing the settings
that decide groups (threshold, n-grams, ...) changes `settings_key`, which makes every article
new again: the next run regroups all of them and writes only the rows that differ.

A group's `dup_group` is the article_id of its canonical article: the earliest `published_at`
(unknown dates last), then the longest text, then the smallest article_id. Its `dup_kind` is
`translation` if any link in it joins two languages, else `near` if any link is a near
duplicate, else `exact`. `similarity` is the strongest verified link of the article into its
group (1.0 for an exact copy; estimated Jaccard for near; number alignment for translation).
"""

from __future__ import annotations

import hashlib
import time
import json
from concurrent.futures import Executor
from datetime import datetime, timezone

import duckdb
import numpy as np
import numpy.ma  # noqa: F401  pa.array(ndarray) imports it on first use (~45 ms inside a run); load it with the stage
import pyarrow as pa
from pydantic import BaseModel, Field, model_validator

from tasks import grouping, minhash, shingles, translations
from tasks.dedup_cache import DedupCache
from tasks.stage import StageStats
from warehouse.schemas import DUPLICATES, SIGNATURES

class DedupSettings(BaseModel):
    """How articles are compared. Changing any of these regroups every article on the next run;
    changing the signature settings also recomputes every signature."""

    threshold: float = Field(0.8, gt=0.0, le=1.0, description="Jaccard similarity of shingle sets at or above which two articles are near duplicates.")
    num_perm: int = Field(256, ge=16, le=1024, description="MinHash permutations per signature. Jaccard is estimated from them: with 256 the estimate's error on the bench's near copies is about 0.015 (0.023 with 128, enough to push copies at 0.82-0.84 under 0.8).")
    bands: int = Field(32, ge=1, description="LSH bands: two articles become candidates when all rows of one band agree.")
    rows: int = Field(8, ge=1, description="MinHash rows per LSH band (bands x rows <= num_perm). 32 x 8 makes articles at Jaccard 0.8 candidates with probability 0.997, at 0.85 with 0.9999, at 0.5 with 0.12.")
    seed: int = Field(42, description="Seed of the MinHash permutations.")
    word_ngram: int = Field(2, ge=1, le=16, description="Words per shingle in scripts written with spaces. Measured (bench/README.md): a 300-word article and a copy with another header, footer and three corrected sentences are at Jaccard 0.82 with 2 words, 0.79 with 3, 0.75 with 5; two different articles on one topic stay at or below 0.10 with 2.")
    char_ngram: int = Field(4, ge=1, le=16, description="Characters per shingle in texts written without spaces (Chinese, Japanese, Thai, Lao, Khmer, Myanmar): about two words, like word_ngram.")
    char_share: float = Field(0.5, ge=0.0, le=1.0, description="Share of no-space-script characters among its tokens above which an article is shingled by characters.")
    max_bucket: int = Field(100, ge=2, description="Articles sharing one band hash are compared pairwise up to this many; in a fuller bucket (boilerplate, a story copied hundreds of times) each is compared with the bucket's first article only.")
    translations: bool = Field(True, description="Also group articles in different languages that are translations of one text.")
    translation_threshold: float = Field(0.5, gt=0.0, le=1.0, description="Share of numbers lining up in order (2*LCS/(m+n)) at or above which two articles in different languages are translations.")
    min_numbers: int = Field(5, ge=2, description="Articles with fewer numbers than this are never matched as translations: too little evidence.")
    min_shared_pairs: int = Field(3, ge=1, description="Pairs of nearby numbers two articles must share to be compared as translations (a filter for cost: the seed translations share 8-13, a short translated news item 3, same-topic seeds 0-3; the decision is translation_threshold).")
    max_pair_articles: int = Field(200, ge=2, description="A pair of nearby numbers found in more articles than this (dates, common figures) is not evidence.")
    max_numbers: int = Field(200, ge=10, description="Numbers kept per article for the translation fingerprint.")
    batch_size: int = Field(500, ge=1, description="Articles per signature batch handed to one worker process (small enough that an incremental run of 1,000 articles uses both workers).")

    @model_validator(mode="after")
    def _bands_fit(self) -> DedupSettings:
        if self.bands * self.rows > self.num_perm:
            raise ValueError(f"bands x rows ({self.bands} x {self.rows}) exceeds num_perm ({self.num_perm})")
        return self

    def signature_key(self) -> str:
        """Names everything a stored signature depends on."""
        fields = {k: getattr(self, k) for k in ("num_perm", "bands", "rows", "seed", "word_ngram", "char_ngram", "char_share", "max_numbers")}
        return _key({"algorithm": minhash.ALGORITHM, "shingles": 2, "number_window": translations.KEY_WINDOW, **fields})

    def grouping_key(self) -> str:
        """Names everything a grouping decision depends on."""
        fields = self.model_dump(exclude={"batch_size"})
        return _key({"signature": self.signature_key(), **fields})


def _key(fields: dict) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:16]


# ---------------------------------------------------------------- signatures


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
    numbers = [translations.numbers(t, settings.max_numbers) for t in texts]
    keys, key_offsets = translations.batch_number_keys(numbers)
    return pa.table(
        {
            "token_count": pa.array(token_count, pa.int32()),
            "exact_hash": pa.array(tokens.exact_hashes, pa.string()),
            "signature": signature,
            "bands": bands,
            "numbers": pa.array(numbers, pa.list_(pa.string())),
            "number_count": pa.array([len(x) for x in numbers], pa.int32()),
            "number_keys": pa.ListArray.from_arrays(pa.array(key_offsets, pa.int32()), pa.array(keys, pa.int64())),
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
    used when present. With an `executor` (a process pool) batches of `settings.batch_size`
    run in parallel. Give it a pool whose workers are spawned (`mp_context` "spawn" or
    "forkserver"), or one forked before this process first computed signatures: rensa's Rust
    thread pool does not survive a fork, and a worker forked after it started hangs.
    """
    texts = articles.column("text").to_pylist()
    batches = [texts[i : i + settings.batch_size] for i in range(0, len(texts), settings.batch_size)]
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
        "signature_key": pa.array([settings.signature_key()] * n, pa.string()),
        "language": _column_or_null(articles, "language", pa.string()),
        "published_at": _column_or_null(articles, "published_at", SIGNATURES.schema.field("published_at").type),
        "text_chars": pa.array([len(t) for t in texts], pa.int64()),
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


# ---------------------------------------------------------------- grouping


def find_duplicates(
    con: duckdb.DuckDBPyConnection,
    cache: DedupCache,
    compared_sql: str,
    settings: DedupSettings,
    run_id: str,
    decided_at: datetime | None = None,
) -> pa.Table:
    """Rows to append to the `duplicates` table (schema `DUPLICATES`); empty when nothing changed.

    `compared_sql` selects `article_id, language` of the article versions to group (the flow:
    the latest version of each document with its current language tag; a NULL language means
    the one stored with the signature). Their signatures and the stored decisions are read from
    the dedup `cache` attached to `con` (tasks/dedup_cache.attached_cache), synced after the
    signatures were written. Temporary tables named `dedup_*` are created on `con` and dropped
    before returning. DuckDB uses up to 80 % of RAM unless `con` has a `memory_limit`: with 1 GB
    (and a `temp_directory` to spill to) a first run over 1,000,000 articles peaked at 1.3 GB
    RSS instead of 3.2 GB, and was no slower.
    """
    decided_at = decided_at or datetime.now(timezone.utc)
    grouping_key = settings.grouping_key()
    rows = grouping.decide(con, compared_sql, cache, settings, grouping_key)
    n = rows.num_rows
    return pa.table(
        {
            "article_id": rows.column("article_id"),
            "dup_group": rows.column("dup_group"),
            "dup_kind": rows.column("dup_kind"),
            "similarity": rows.column("similarity").cast(pa.float32()),
            "is_canonical": rows.column("is_canonical"),
            "decided_at": pa.array([decided_at] * n, DUPLICATES.schema.field("decided_at").type),
            "settings_key": pa.array([grouping_key] * n, pa.string()),
            "run_id": pa.array([run_id] * n, pa.string()),
        }
    ).cast(DUPLICATES.schema)


def sign_articles(
    articles: pa.Table, settings: DedupSettings, executor: Executor | None = None, run_id: str | None = None
) -> tuple[pa.Table, StageStats]:
    """`compute_signatures` over one batch, with the stage's counters (stage `signatures`)."""
    started = time.perf_counter()
    rows = compute_signatures(articles, settings, executor, run_id)
    texts = articles.column("text")
    stats = StageStats(
        "signatures",
        docs_in=articles.num_rows,
        docs_out=rows.num_rows,
        bytes_in=sum(len(t.encode("utf-8")) for t in texts.to_pylist() if t),
        seconds=time.perf_counter() - started,
    )
    return rows, stats
