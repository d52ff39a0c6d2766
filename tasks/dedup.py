"""The dedup stage: exact, near-duplicate and translation groups of articles.

Two steps, each a plain function the dedup flow wraps in a task:

1. `compute_signatures(articles, settings, executor, run_id)`: for article versions that have none yet,
   the exact hash, MinHash signature, LSH band hashes and number fingerprint (one row each of
   the `signatures` table). This is the costly part and runs on a process pool in batches.
2. `find_duplicates(con, signatures_sql, duplicates_sql, settings, run_id)`: the rows to append
   to the `duplicates` table. Articles without a decision under the current settings are the
   "new" ones; only they are compared against everything stored: exact-hash and band-hash
   joins and number-pair joins in DuckDB, verification (estimated Jaccard from the stored
   signatures, number alignment for translations), then union-find together with the stored
   groups they touch.

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
import json
from concurrent.futures import Executor
from datetime import datetime, timezone

import duckdb
import numpy as np
import pyarrow as pa
from pydantic import BaseModel, Field, model_validator

from tasks import minhash, shingles, translations
from tasks.union_find import components
from warehouse.schemas import DUPLICATES, SIGNATURES

KINDS = ("exact", "near", "translation")  # in order of precedence: a group takes the highest


class DedupSettings(BaseModel):
    """How articles are compared. Changing any of these regroups every article on the next run;
    changing the signature settings also recomputes every signature."""

    threshold: float = Field(0.8, gt=0.0, le=1.0, description="Jaccard similarity of shingle sets at or above which two articles are near duplicates.")
    num_perm: int = Field(128, ge=16, le=1024, description="MinHash permutations per signature.")
    bands: int = Field(25, ge=1, description="LSH bands: two articles become candidates when all rows of one band agree.")
    rows: int = Field(5, ge=1, description="MinHash rows per LSH band (bands x rows <= num_perm). 25 x 5 makes articles at Jaccard 0.8 candidates with probability 0.9999, at 0.5 with 0.55.")
    seed: int = Field(42, description="Seed of the MinHash permutations.")
    word_ngram: int = Field(3, ge=1, le=16, description="Words per shingle in scripts written with spaces. 3 keeps a syndicated copy with a new header, footer and a few corrected sentences above 0.8; 5 drops such copies to ~0.78 (bench/README.md).")
    char_ngram: int = Field(5, ge=1, le=16, description="Characters per shingle in texts written without spaces (Chinese, Japanese, Thai, Lao, Khmer, Myanmar).")
    char_share: float = Field(0.5, ge=0.0, le=1.0, description="Share of no-space-script characters among its tokens above which an article is shingled by characters.")
    max_bucket: int = Field(100, ge=1, description="At most this many stored articles per shared band are compared with one new article (a bucket this full is one big group already).")
    translations: bool = Field(True, description="Also group articles in different languages that are translations of one text.")
    translation_threshold: float = Field(0.5, gt=0.0, le=1.0, description="Share of numbers lining up in order (2*LCS/(m+n)) at or above which two articles in different languages are translations.")
    min_numbers: int = Field(5, ge=2, description="Articles with fewer numbers than this are never matched as translations: too little evidence.")
    min_shared_pairs: int = Field(4, ge=1, description="Pairs of nearby numbers two articles must share to be compared as translations (the seed translations share 8-13, same-topic seeds 0-3).")
    max_pair_articles: int = Field(200, ge=2, description="A pair of nearby numbers found in more articles than this (dates, common figures) is not evidence.")
    max_numbers: int = Field(200, ge=10, description="Numbers kept per article for the translation fingerprint.")
    batch_size: int = Field(1000, ge=1, description="Articles per signature batch handed to one worker process.")

    @model_validator(mode="after")
    def _bands_fit(self) -> DedupSettings:
        if self.bands * self.rows > self.num_perm:
            raise ValueError(f"bands x rows ({self.bands} x {self.rows}) exceeds num_perm ({self.num_perm})")
        return self

    def signature_key(self) -> str:
        """Names everything a stored signature depends on."""
        fields = {k: getattr(self, k) for k in ("num_perm", "bands", "rows", "seed", "word_ngram", "char_ngram", "char_share", "max_numbers")}
        return _key({"algorithm": minhash.ALGORITHM, "shingles": 1, "number_window": translations.KEY_WINDOW, **fields})

    def grouping_key(self) -> str:
        """Names everything a grouping decision depends on."""
        fields = self.model_dump(exclude={"batch_size"})
        return _key({"signature": self.signature_key(), **fields})


def _key(fields: dict) -> str:
    return hashlib.sha256(json.dumps(fields, sort_keys=True).encode()).hexdigest()[:16]


# ---------------------------------------------------------------- signatures


def _signature_batch(texts: list[str], settings: DedupSettings) -> dict:
    """Everything stored per article, for one batch of texts (runs in a worker process)."""
    tokens = shingles.tokenize(texts)
    values, offsets = shingles.shingle(tokens, settings.word_ngram, settings.char_ngram, settings.char_share)
    matrix = minhash.signatures(values, offsets, settings.num_perm, settings.seed)
    numbers = [translations.numbers(t, settings.max_numbers) for t in texts]
    return {
        "exact_hash": tokens.exact_hashes,
        "token_count": np.diff(tokens.offsets).astype(np.int32),
        "signature": minhash.compact(matrix),
        "bands": minhash.band_hashes(matrix, settings.bands, settings.rows),
        "numbers": numbers,
        "number_keys": [translations.number_keys(n) for n in numbers],
    }


def compute_signatures(
    articles: pa.Table,
    settings: DedupSettings,
    executor: Executor | None = None,
    run_id: str | None = None,
) -> pa.Table:
    """Rows of the `signatures` table for the given article versions.

    `articles` needs `article_id`, `content_sha256`, `text`; `language` and `published_at` are
    used when present. With an `executor` (a process pool) batches run in parallel.
    """
    texts = articles.column("text").to_pylist()
    batches = [texts[i : i + settings.batch_size] for i in range(0, len(texts), settings.batch_size)]
    if executor is not None and len(batches) > 1:
        results = list(executor.map(_signature_batch, batches, [settings] * len(batches)))
    else:
        results = [_signature_batch(batch, settings) for batch in batches]
    n = articles.num_rows
    token_count = np.concatenate([r["token_count"] for r in results]) if results else np.zeros(0, np.int32)
    has_tokens = token_count > 0
    signature = np.concatenate([r["signature"] for r in results]) if results else np.zeros((0, settings.num_perm), np.uint16)
    bands = np.concatenate([r["bands"] for r in results]) if results else np.zeros((0, settings.bands), np.int64)
    width = 2 * settings.num_perm
    signature_array = pa.FixedSizeBinaryArray.from_buffers(
        pa.binary(width), n, [_validity(has_tokens), pa.py_buffer(np.ascontiguousarray(signature).tobytes())]
    ).cast(pa.binary())
    band_array = pa.ListArray.from_arrays(
        pa.array(np.arange(0, n * settings.bands + 1, settings.bands, dtype=np.int32)),
        pa.array(bands.reshape(-1)),
        mask=pa.array(~has_tokens),
    )
    now = datetime.now(timezone.utc)
    columns = {
        "article_id": articles.column("article_id"),
        "content_sha256": articles.column("content_sha256"),
        "signature_key": pa.array([settings.signature_key()] * n, pa.string()),
        "language": _column_or_null(articles, "language", pa.string()),
        "published_at": _column_or_null(articles, "published_at", SIGNATURES.schema.field("published_at").type),
        "text_chars": pa.array([len(t) for t in texts], pa.int64()),
        "token_count": pa.array(token_count, pa.int32()),
        "exact_hash": pa.array([h for r in results for h in r["exact_hash"]], pa.string()),
        "signature": signature_array,
        "bands": band_array,
        "numbers": pa.array([x for r in results for x in r["numbers"]], pa.list_(pa.string())),
        "number_keys": pa.array([x for r in results for x in r["number_keys"]], pa.list_(pa.int64())),
        "computed_at": pa.array([now] * n, SIGNATURES.schema.field("computed_at").type),
        "run_id": pa.array([run_id] * n, pa.string()),
    }
    return pa.table(columns).cast(SIGNATURES.schema)


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
    signatures_sql: str,
    duplicates_sql: str | None,
    settings: DedupSettings,
    run_id: str,
    decided_at: datetime | None = None,
) -> pa.Table:
    """Rows to append to the `duplicates` table (schema `DUPLICATES`); empty when nothing changed.

    `signatures_sql` selects the signature rows of the article versions to group (the flow passes
    the latest version of each document, with its current language tag as `language`);
    `duplicates_sql` selects every stored `duplicates` row, or is None before the first run.
    Temporary tables named `dedup_*` are created on `con` and dropped before returning.
    """
    decided_at = decided_at or datetime.now(timezone.utc)
    grouping_key = settings.grouping_key()
    try:
        _load(con, signatures_sql, duplicates_sql, settings, grouping_key)
        edges = _edges(con, signatures_sql, settings)
        rows = _regroup(con, edges, grouping_key)
    finally:
        for name in ("sig", "current", "q", "departed", "retained", "edges", "labels", "band"):
            con.execute(f"DROP TABLE IF EXISTS dedup_{name}")
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


def _load(con: duckdb.DuckDBPyConnection, signatures_sql: str, duplicates_sql: str | None, settings: DedupSettings, grouping_key: str) -> None:
    """Temp tables: the compared set with integer ids, the current decisions, the new (q)
    articles, departed articles, and the stored memberships that stay valid."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE dedup_sig AS
        SELECT (row_number() OVER (ORDER BY article_id) - 1)::BIGINT AS idx,
               article_id, exact_hash, language, published_at, text_chars, token_count,
               bands, numbers, number_keys
        FROM ({signatures_sql}) AS s
        WHERE signature_key = $key
        QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY computed_at DESC) = 1
        """,
        {"key": settings.signature_key()},
    )
    current = (
        f"""SELECT article_id, dup_group, dup_kind, similarity, is_canonical, settings_key
            FROM ({duplicates_sql}) AS d
            QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY decided_at DESC, run_id DESC) = 1"""
        if duplicates_sql
        else """SELECT NULL::VARCHAR AS article_id, NULL::VARCHAR AS dup_group, NULL::VARCHAR AS dup_kind,
                   NULL::FLOAT AS similarity, NULL::BOOLEAN AS is_canonical, NULL::VARCHAR AS settings_key
                WHERE false"""
    )
    con.execute(f"CREATE OR REPLACE TEMP TABLE dedup_current AS {current}")
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE dedup_departed AS
        SELECT c.article_id, c.dup_group FROM dedup_current c
        WHERE c.settings_key = $key AND c.dup_group IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM dedup_sig s WHERE s.article_id = c.article_id)
        """,
        {"key": grouping_key},
    )
    # new articles, and the remaining members of groups an article left: compared afresh
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE dedup_q AS
        SELECT s.idx FROM dedup_sig s LEFT JOIN dedup_current c USING (article_id)
        WHERE c.article_id IS NULL OR c.settings_key IS DISTINCT FROM $key
        UNION
        SELECT s.idx FROM dedup_sig s JOIN dedup_current c USING (article_id)
        WHERE c.settings_key = $key AND c.dup_group IN (SELECT dup_group FROM dedup_departed)
        """,
        {"key": grouping_key},
    )
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE dedup_retained AS
        SELECT s.idx, c.dup_group, c.dup_kind, c.similarity FROM dedup_sig s JOIN dedup_current c USING (article_id)
        WHERE c.settings_key = $key AND c.dup_group IS NOT NULL
          AND c.dup_group NOT IN (SELECT dup_group FROM dedup_departed)
          AND s.idx NOT IN (SELECT idx FROM dedup_q)
        """,
        {"key": grouping_key},
    )


def _edges(con: duckdb.DuckDBPyConnection, signatures_sql: str, settings: DedupSettings) -> pa.Table:
    """Verified links (a, b, kind, similarity) between a new article and any compared one."""
    exact = con.sql(
        """
        WITH hashes AS (
            SELECT DISTINCT s.exact_hash FROM dedup_sig s SEMI JOIN dedup_q USING (idx) WHERE s.token_count > 0
        ), members AS (
            SELECT s.idx, s.exact_hash FROM dedup_sig s SEMI JOIN hashes USING (exact_hash) WHERE s.token_count > 0
        )
        SELECT idx AS a, min(idx) OVER (PARTITION BY exact_hash) AS b FROM members
        QUALIFY a <> b
        """
    ).to_arrow_table()
    near = _near_edges(con, signatures_sql, settings)
    parts = [
        pa.table({"a": exact["a"], "b": exact["b"], "kind": pa.array(["exact"] * exact.num_rows, pa.string()), "similarity": pa.array(np.ones(exact.num_rows))}),
        near,
    ]
    if settings.translations:
        parts.append(_translation_edges(con, settings))
    return pa.concat_tables([p.cast(parts[0].schema) for p in parts])


def _near_edges(con: duckdb.DuckDBPyConnection, signatures_sql: str, settings: DedupSettings) -> pa.Table:
    """Candidates sharing a band hash with a new article, kept at estimated Jaccard >= threshold."""
    con.execute(
        """
        CREATE OR REPLACE TEMP TABLE dedup_band AS
        SELECT idx, unnest(bands) AS h FROM dedup_sig WHERE bands IS NOT NULL
        """
    )
    pairs = con.sql(
        """
        WITH qb AS (SELECT idx, h FROM dedup_band SEMI JOIN dedup_q USING (idx)),
        hits AS (
            SELECT qb.idx AS q, o.idx AS o FROM qb JOIN dedup_band o ON o.h = qb.h AND o.idx <> qb.idx
            QUALIFY row_number() OVER (PARTITION BY qb.idx, qb.h ORDER BY o.idx) <= $cap
        ), pairs AS (
            SELECT DISTINCT least(q, o) AS a, greatest(q, o) AS b FROM hits
        )
        SELECT p.a, p.b FROM pairs p
        JOIN dedup_sig sa ON sa.idx = p.a JOIN dedup_sig sb ON sb.idx = p.b
        WHERE sa.exact_hash <> sb.exact_hash
        """,
        params={"cap": settings.max_bucket},
    ).to_arrow_table()
    a = pairs.column("a").to_numpy()
    b = pairs.column("b").to_numpy()
    similarity = np.zeros(len(a))
    if len(a):
        wanted = pa.table({"idx": np.unique(np.concatenate([a, b]))})
        con.register("dedup_wanted", wanted)
        try:
            stored = con.sql(
                f"""
                SELECT w.idx, s.signature FROM dedup_wanted w
                JOIN dedup_sig d ON d.idx = w.idx
                JOIN ({signatures_sql}) AS s ON s.article_id = d.article_id AND s.signature_key = $key
                QUALIFY row_number() OVER (PARTITION BY w.idx ORDER BY s.computed_at DESC) = 1
                ORDER BY w.idx
                """,
                params={"key": settings.signature_key()},
            ).to_arrow_table()
        finally:
            con.unregister("dedup_wanted")
        ids = stored.column("idx").to_numpy()
        matrix = np.frombuffer(b"".join(stored.column("signature").to_pylist()), dtype=np.uint16).reshape(len(ids), settings.num_perm)
        similarity = minhash.estimated_jaccard(matrix[np.searchsorted(ids, a)], matrix[np.searchsorted(ids, b)])
    keep = similarity >= settings.threshold
    return pa.table({"a": a[keep], "b": b[keep], "kind": pa.array(["near"] * int(keep.sum()), pa.string()), "similarity": similarity[keep]})


def _translation_edges(con: duckdb.DuckDBPyConnection, settings: DedupSettings) -> pa.Table:
    """Articles in different languages sharing pairs of nearby numbers with a new article,
    kept when their numbers line up in order (share >= translation_threshold)."""
    pairs = con.sql(
        """
        WITH eligible AS (
            SELECT idx, language, unnest(number_keys) AS k FROM dedup_sig
            WHERE language IS NOT NULL AND len(numbers) >= $min_numbers
        ), qk AS (SELECT * FROM eligible SEMI JOIN dedup_q USING (idx)),
        common AS (
            SELECT k FROM eligible WHERE k IN (SELECT k FROM qk) GROUP BY k HAVING count(*) > $max_articles
        ), hits AS (
            SELECT qk.idx AS q, e.idx AS o, qk.k FROM qk JOIN eligible e ON e.k = qk.k AND e.language <> qk.language
            WHERE qk.k NOT IN (SELECT k FROM common)
        )
        SELECT least(q, o) AS a, greatest(q, o) AS b FROM hits
        GROUP BY ALL HAVING count(DISTINCT k) >= $min_shared
        """,
        params={"min_numbers": settings.min_numbers, "max_articles": settings.max_pair_articles, "min_shared": settings.min_shared_pairs},
    ).to_arrow_table()
    a = pairs.column("a").to_numpy()
    b = pairs.column("b").to_numpy()
    if len(a) == 0:
        return pa.table({"a": a, "b": b, "kind": pa.array([], pa.string()), "similarity": np.zeros(0)})
    con.register("dedup_wanted", pa.table({"idx": np.unique(np.concatenate([a, b]))}))
    try:
        stored = con.sql("SELECT idx, numbers FROM dedup_sig SEMI JOIN dedup_wanted USING (idx)").to_arrow_table()
    finally:
        con.unregister("dedup_wanted")
    numbers = dict(zip(stored.column("idx").to_pylist(), stored.column("numbers").to_pylist()))
    similarity = np.array([translations.number_similarity(numbers[x], numbers[y]) for x, y in zip(a.tolist(), b.tolist())])
    keep = similarity >= settings.translation_threshold
    return pa.table({"a": a[keep], "b": b[keep], "kind": pa.array(["translation"] * int(keep.sum()), pa.string()), "similarity": similarity[keep]})


def _regroup(con: duckdb.DuckDBPyConnection, edges: pa.Table, grouping_key: str) -> pa.Table:
    """Union-find over the new links and the stored groups they touch; the decisions that differ
    from the current ones, plus one for every new and every departed article."""
    con.register("dedup_edges_in", edges)
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE dedup_edges AS SELECT * FROM dedup_edges_in")
    finally:
        con.unregister("dedup_edges_in")
    touched = con.sql(
        """
        SELECT r.idx, r.dup_group FROM dedup_retained r
        WHERE r.dup_group IN (
            SELECT dup_group FROM dedup_retained
            WHERE idx IN (SELECT a FROM dedup_edges UNION SELECT b FROM dedup_edges))
        """
    ).to_arrow_table()
    t_idx = touched.column("idx").to_numpy()
    t_group = touched.column("dup_group").to_pylist()
    # a stored group stays together: link each member to the group's first member
    first_of: dict[str, int] = {}
    for i, g in zip(t_idx.tolist(), t_group):
        first_of[g] = min(first_of.get(g, i), i)
    member_links_a = t_idx
    member_links_b = np.array([first_of[g] for g in t_group], dtype=np.int64)
    q = con.sql("SELECT idx FROM dedup_q").to_arrow_table().column("idx").to_numpy()
    ea = edges.column("a").to_numpy()
    eb = edges.column("b").to_numpy()
    nodes = np.unique(np.concatenate([q, ea, eb, t_idx]).astype(np.int64))
    labels = components(nodes, np.concatenate([ea, member_links_a]), np.concatenate([eb, member_links_b]))
    con.register("dedup_labels_in", pa.table({"idx": nodes, "label": labels}))
    try:
        con.execute("CREATE OR REPLACE TEMP TABLE dedup_labels AS SELECT * FROM dedup_labels_in")
    finally:
        con.unregister("dedup_labels_in")
    return con.sql(
        """
        WITH sized AS (
            SELECT l.idx, l.label, count(*) OVER (PARTITION BY l.label) AS size FROM dedup_labels l
        ), link_kinds AS (
            SELECT idx, max(rank) AS rank, max(similarity) AS similarity FROM (
                SELECT a AS idx, kind, similarity FROM dedup_edges UNION ALL SELECT b, kind, similarity FROM dedup_edges
                UNION ALL SELECT idx, dup_kind, similarity FROM dedup_retained
            ) JOIN (SELECT unnest($kinds) AS kind, generate_subscripts($kinds, 1) AS rank) USING (kind)
            GROUP BY idx
        ), groups AS (
            SELECT z.idx, z.label, s.article_id,
                   first_value(s.article_id) OVER (PARTITION BY z.label
                       ORDER BY s.published_at ASC NULLS LAST, s.text_chars DESC, s.article_id) AS canonical,
                   max(k.rank) OVER (PARTITION BY z.label) AS rank,
                   k.similarity
            FROM sized z JOIN dedup_sig s USING (idx) LEFT JOIN link_kinds k USING (idx)
            WHERE z.size > 1
        ), decided AS (
            SELECT article_id, canonical AS dup_group, $kinds[rank] AS dup_kind, similarity,
                   article_id = canonical AS is_canonical
            FROM groups
            UNION ALL
            SELECT s.article_id, NULL, NULL, NULL, true
            FROM sized z JOIN dedup_sig s USING (idx) WHERE z.size = 1
            UNION ALL
            SELECT article_id, NULL, NULL, NULL, true FROM dedup_departed
        )
        SELECT d.* FROM decided d LEFT JOIN dedup_current c USING (article_id)
        WHERE c.article_id IS NULL
           OR c.settings_key IS DISTINCT FROM $key
           OR c.dup_group IS DISTINCT FROM d.dup_group
           OR c.dup_kind IS DISTINCT FROM d.dup_kind
           OR c.is_canonical IS DISTINCT FROM d.is_canonical
           OR abs(coalesce(c.similarity, -1) - coalesce(d.similarity, -1)) > 1e-4
        ORDER BY d.article_id
        """,
        params={"kinds": list(KINDS), "key": grouping_key},
    ).to_arrow_table()
