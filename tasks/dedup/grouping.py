"""Grouping in DuckDB: which stored articles a new one duplicates, and the decisions to write.

Everything stored is read from the dedup cache (tasks/dedup/cache.py: signatures, flat band-hash
and number-key tables, the newest decision per article, all keyed by an integer `idx`), so a
run with few new articles joins only their keys against the stored ones.

Temporary tables on the caller's connection, all named `dedup_*`: `sig` (the compared set),
`q` (articles compared this run: new ones, and the rest of any group an article left),
`departed`, `retained` (stored memberships that stay valid), `band` and `keys` (the join keys
a compared article shares with others), `edges` and `labels`. Candidates come from equality
joins (exact hash, band hash, pairs of nearby numbers) of `q` against everything; they are
verified (estimated Jaccard from the stored signatures, number alignment), then merged with the
stored groups they touch by union-find; translation links last, strongest first, each only
between two groups that hold no language in common (so a chain of weak links cannot grow one
group across many articles, and a group holds one article per language besides copies). See
tasks/dedup/__init__.py for what the decisions mean.
"""

from __future__ import annotations

from datetime import datetime, timezone

import duckdb
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from config.dedup import DedupSettings
from tasks.dedup import minhash, names, translations
from tasks.dedup.cache import DedupCache
from tasks.dedup.keys import grouping_key
from tasks.dedup.union_find import components, join_disjoint
from warehouse.schemas import DUPLICATES

KINDS = ("exact", "near", "translation")  # in order of precedence: a group takes the highest
_TEMP_TABLES = ("sig", "q", "departed", "retained", "band", "keys", "edges", "labels")


def decide(
    con: duckdb.DuckDBPyConnection,
    compared_sql: str,
    cache: DedupCache,
    settings: DedupSettings,
    settings_key: str,
) -> pa.Table:
    """Decisions (article_id, dup_group, dup_kind, similarity, is_canonical) that differ from the
    stored ones, for the articles this run compares; the temp tables are dropped after.

    `compared_sql` selects `article_id, language` of the article versions to group, one row
    each (language NULL: the one stored with the signature); `cache` is the attached dedup
    cache (tasks/dedup/cache.py), synced with the warehouse."""
    try:
        _load(con, compared_sql, cache, settings_key)
        if not con.execute("SELECT EXISTS (FROM dedup_q) OR EXISTS (FROM dedup_departed)").fetchall()[0][0]:
            return _regroup(con, cache, _links(np.zeros(0), np.zeros(0), "exact", np.zeros(0)), settings_key)  # nothing new
        _load_join_keys(con, cache, settings)
        edges = _edges(con, cache, settings)
        return _regroup(con, cache, edges, settings_key)
    finally:
        for name in _TEMP_TABLES:
            con.execute(f"DROP TABLE IF EXISTS dedup_{name}")


def _load(con: duckdb.DuckDBPyConnection, compared_sql: str, cache: DedupCache, settings_key: str) -> None:
    """Temp tables: the compared set (with the cache's integer ids), the new (q) articles,
    departed articles, and the stored memberships that stay valid."""
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE dedup_sig AS  -- no strings but the language: cheaper to build
        SELECT c.idx, c.exact_key, coalesce(x.language, c.language) AS language,
               c.published_at, c.text_chars, c.token_count, c.number_count
        FROM {cache.schema}.sig c JOIN ({compared_sql}) AS x USING (article_id)
        """
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE dedup_departed AS
        SELECT s.idx, s.article_id, d.dup_group FROM {cache.schema}.decision d JOIN {cache.schema}.sig s USING (idx)
        WHERE d.settings_key = $key AND d.dup_group IS NOT NULL
          AND d.idx NOT IN (SELECT idx FROM dedup_sig)
        """,
        {"key": settings_key},
    )
    # new articles, and the remaining members of groups an article left: compared afresh
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE dedup_q AS
        SELECT idx FROM dedup_sig ANTI JOIN (SELECT idx FROM {cache.schema}.decision WHERE settings_key = $key) USING (idx)
        UNION
        SELECT idx FROM dedup_sig SEMI JOIN (
            SELECT idx FROM {cache.schema}.decision WHERE settings_key = $key AND dup_group IN (SELECT dup_group FROM dedup_departed)
        ) USING (idx)
        """,
        {"key": settings_key},
    )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE dedup_retained AS
        SELECT d.idx, d.dup_group, d.dup_kind, d.similarity FROM {cache.schema}.decision d SEMI JOIN dedup_sig USING (idx)
        WHERE d.settings_key = $key AND d.dup_group IS NOT NULL
          AND d.dup_group NOT IN (SELECT dup_group FROM dedup_departed)
          AND d.idx NOT IN (SELECT idx FROM dedup_q)
        """,
        {"key": settings_key},
    )


def _load_join_keys(con: duckdb.DuckDBPyConnection, cache: DedupCache, settings: DedupSettings) -> None:
    """`dedup_band` (idx, band hash): every article in a band bucket with a compared one (all
    band hashes in a first run); `dedup_keys` (idx, language, number-pair key): articles in a
    known language with enough numbers that share a key with a compared one, for keys shared by
    at least 2 and at most `max_pair_articles` of them (a key in more says nothing)."""
    mostly_new = con.execute("SELECT (SELECT count(*) FROM dedup_q) * 2 > (SELECT count(*) FROM dedup_sig)").fetchall()[0][0]
    if mostly_new:
        con.execute(f"CREATE OR REPLACE TEMP TABLE dedup_band AS SELECT idx, h FROM {cache.schema}.band SEMI JOIN dedup_sig USING (idx)")
    else:
        # each step materialized: left to itself DuckDB joins the key tables with the compared set first
        con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE dedup_band AS
            WITH new_hashes AS MATERIALIZED (SELECT DISTINCT h FROM {cache.schema}.band SEMI JOIN dedup_q USING (idx)),
            shared AS MATERIALIZED (SELECT idx, h FROM {cache.schema}.band SEMI JOIN new_hashes USING (h))
            SELECT idx, h FROM shared SEMI JOIN dedup_sig USING (idx)
            """
        )
    con.execute(
        f"""
        CREATE OR REPLACE TEMP TABLE dedup_keys AS
        WITH e AS MATERIALIZED (
            SELECT idx, language FROM dedup_sig WHERE language IS NOT NULL AND number_count >= {int(settings.min_numbers)}
        ),
        new_keys AS MATERIALIZED (SELECT DISTINCT k FROM {cache.schema}.numkey SEMI JOIN (SELECT idx FROM dedup_q SEMI JOIN e USING (idx)) USING (idx)),
        shared AS MATERIALIZED (SELECT idx, k FROM {cache.schema}.numkey SEMI JOIN new_keys USING (k)),
        matched AS MATERIALIZED (SELECT s.idx, e.language, s.k FROM shared s JOIN e USING (idx)),
        useful AS (SELECT k FROM matched GROUP BY k HAVING count(*) BETWEEN 2 AND {int(settings.max_pair_articles)})
        SELECT * FROM matched SEMI JOIN useful USING (k)
        """
    )


def _edges(con: duckdb.DuckDBPyConnection, cache: DedupCache, settings: DedupSettings) -> pa.Table:
    """Verified links (a, b, kind, similarity) between a new article and any compared one."""
    exact = con.sql(
        """
        WITH keys AS (
            SELECT DISTINCT exact_key FROM dedup_sig SEMI JOIN dedup_q USING (idx) WHERE token_count > 0
        ), members AS (
            SELECT idx, exact_key FROM dedup_sig SEMI JOIN keys USING (exact_key) WHERE token_count > 0
        )
        SELECT idx AS a, min(idx) OVER (PARTITION BY exact_key) AS b FROM members
        QUALIFY a <> b
        """
    ).to_arrow_table()
    a, b = exact.column("a").to_numpy(), exact.column("b").to_numpy()
    parts = [_links(a, b, "exact", np.ones(len(a))), _near_edges(con, cache, settings)]
    if settings.translations:
        parts.append(_translation_edges(con, cache, settings))
    return pa.concat_tables(parts)


def _stored_fingerprints(
    con: duckdb.DuckDBPyConnection, cache: DedupCache, ids: np.ndarray
) -> tuple[dict[int, translations.Fingerprint], dict[int, list[int]]]:
    """The number fingerprints and the names of the given ids, from the cache."""
    con.register("dedup_wanted", pa.table({"idx": np.unique(ids)}))
    try:
        stored = con.sql(f"SELECT idx, numbers, number_positions, names FROM {cache.schema}.sig SEMI JOIN dedup_wanted USING (idx)").to_arrow_table()
    finally:
        con.unregister("dedup_wanted")
    idx, numbers, positions, hashed = (stored.column(c).to_pylist() for c in ("idx", "numbers", "number_positions", "names"))
    return {i: translations.Fingerprint(n, p) for i, n, p in zip(idx, numbers, positions)}, dict(zip(idx, hashed))


def _near_edges(con: duckdb.DuckDBPyConnection, cache: DedupCache, settings: DedupSettings) -> pa.Table:
    """Candidates sharing a band hash with a new article, kept at estimated Jaccard >= threshold."""
    pairs = con.sql(
        """
        WITH shared AS (SELECT h, count(*) AS n, min(idx) AS first FROM dedup_band GROUP BY h HAVING count(*) > 1),
        members AS (SELECT b.idx, b.h, s.n, s.first FROM dedup_band b JOIN shared s USING (h)),
        hits AS (
            -- a bucket of up to max_bucket articles: every pair with a new article in it
            SELECT q.idx AS q, o.idx AS o FROM (SELECT * FROM members SEMI JOIN dedup_q USING (idx)) q
            JOIN members o ON o.h = q.h AND o.idx <> q.idx
            WHERE q.n <= $cap
            UNION ALL
            -- a fuller bucket: each article with the bucket's first one, not all pairs
            SELECT idx, first FROM members WHERE n > $cap AND idx <> first
              AND (idx IN (SELECT idx FROM dedup_q) OR first IN (SELECT idx FROM dedup_q))
        ), pairs AS (
            SELECT DISTINCT least(q, o) AS a, greatest(q, o) AS b FROM hits
        )
        SELECT p.a, p.b FROM pairs p
        JOIN dedup_sig sa ON sa.idx = p.a JOIN dedup_sig sb ON sb.idx = p.b
        WHERE sa.exact_key <> sb.exact_key
        """,
        params={"cap": settings.max_bucket},
    ).to_arrow_table()
    a = pairs.column("a").to_numpy()
    b = pairs.column("b").to_numpy()
    similarity = np.zeros(len(a))
    if len(a):
        signatures = cache.signatures(settings.num_perm)
        similarity = minhash.estimated_jaccard(signatures[a], signatures[b])
    keep = similarity >= settings.threshold
    return _links(a[keep], b[keep], "near", similarity[keep])


def _translation_edges(con: duckdb.DuckDBPyConnection, cache: DedupCache, settings: DedupSettings) -> pa.Table:
    """Articles in different languages sharing pairs of nearby numbers with a new article,
    kept when their prose numbers line up in order at about the same places (share >=
    translation_threshold, positions within position_tolerance), at least min_shared_figures
    of the aligned numbers are figures, and their Latin-script names do not disagree (both with
    min_names, sharing less than min_shared_names)."""
    pairs = con.sql(
        """
        WITH hits AS (
            SELECT q.idx AS q, o.idx AS o, q.k FROM (SELECT * FROM dedup_keys SEMI JOIN dedup_q USING (idx)) q
            JOIN dedup_keys o ON o.k = q.k AND o.language <> q.language
        )
        SELECT least(q, o) AS a, greatest(q, o) AS b FROM hits
        GROUP BY ALL HAVING count(DISTINCT k) >= $min_shared
        """,
        params={"min_shared": settings.min_shared_pairs},
    ).to_arrow_table()
    a = pairs.column("a").to_numpy()
    b = pairs.column("b").to_numpy()
    if len(a) == 0:
        return _links(a, b, "translation", np.zeros(0))
    fingerprints, stored_names = _stored_fingerprints(con, cache, np.concatenate([a, b]))
    candidates = list(zip(a.tolist(), b.tolist()))
    matches = [translations.match(fingerprints[x], fingerprints[y], settings.position_tolerance) for x, y in candidates]
    similarity = np.array([m.similarity for m in matches])
    figures = np.array([m.figures for m in matches])
    disagree = np.array([names.names_disagree(stored_names[x], stored_names[y], settings.min_names, settings.min_shared_names) for x, y in candidates], dtype=bool)
    keep = (similarity >= settings.translation_threshold) & (figures >= settings.min_shared_figures) & ~disagree
    return _links(a[keep], b[keep], "translation", similarity[keep])


def _links(a: np.ndarray, b: np.ndarray, kind: str, similarity: np.ndarray) -> pa.Table:
    """Verified links of one kind between article ids `a[i]` and `b[i]`."""
    return pa.table(
        {
            "a": pa.array(a, pa.int64()),
            "b": pa.array(b, pa.int64()),
            "kind": pa.array([kind] * len(a), pa.string()),
            "similarity": pa.array(similarity, pa.float64()),
        }
    )


def _regroup(con: duckdb.DuckDBPyConnection, cache: DedupCache, edges: pa.Table, settings_key: str) -> pa.Table:
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
    is_translation = pc.equal(edges.column("kind"), "translation").to_numpy(zero_copy_only=False)
    copies = ~is_translation
    labels = components(nodes, np.concatenate([ea[copies], member_links_a]), np.concatenate([eb[copies], member_links_b]))
    if is_translation.any():
        labels, edges = _join_translations(con, edges, is_translation, nodes, labels)
    for name, table in (("dedup_labels", pa.table({"idx": nodes, "label": labels})), ("dedup_edges", edges)):
        con.register("dedup_replacement", table)
        try:
            con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM dedup_replacement")
        finally:
            con.unregister("dedup_replacement")
    return con.sql(
        f"""
        WITH sized AS (
            SELECT l.idx, l.label, count(*) OVER (PARTITION BY l.label) AS size FROM dedup_labels l
        ), link_kinds AS (
            SELECT idx, max(rank) AS rank, max(similarity) AS similarity FROM (
                SELECT a AS idx, kind, similarity FROM dedup_edges UNION ALL SELECT b, kind, similarity FROM dedup_edges
                UNION ALL SELECT idx, dup_kind, similarity FROM dedup_retained
            ) JOIN (SELECT unnest($kinds) AS kind, generate_subscripts($kinds, 1) AS rank) USING (kind)
            GROUP BY idx
        ), nodes AS (
            SELECT n.idx, n.article_id, s.published_at, s.text_chars
            FROM (SELECT idx, article_id FROM {cache.schema}.sig SEMI JOIN dedup_labels USING (idx)) n JOIN dedup_sig s USING (idx)
        ), groups AS (
            SELECT z.idx, z.label, s.article_id,
                   first_value(s.article_id) OVER (PARTITION BY z.label
                       ORDER BY s.published_at ASC NULLS LAST, s.text_chars DESC, s.article_id) AS canonical,
                   max(k.rank) OVER (PARTITION BY z.label) AS rank,
                   k.similarity
            FROM sized z JOIN nodes s USING (idx) LEFT JOIN link_kinds k USING (idx)
            WHERE z.size > 1
        ), decided AS (
            SELECT idx, article_id, canonical AS dup_group, $kinds[rank] AS dup_kind, similarity,
                   article_id = canonical AS is_canonical
            FROM groups
            UNION ALL
            SELECT idx, s.article_id, NULL, NULL, NULL, true
            FROM sized z JOIN nodes s USING (idx) WHERE z.size = 1
            UNION ALL
            SELECT idx, article_id, NULL, NULL, NULL, true FROM dedup_departed
        )
        SELECT d.* EXCLUDE (idx) FROM decided d LEFT JOIN {cache.schema}.decision c USING (idx)
        WHERE c.idx IS NULL
           OR c.settings_key IS DISTINCT FROM $key
           OR c.dup_group IS DISTINCT FROM d.dup_group
           OR c.dup_kind IS DISTINCT FROM d.dup_kind
           OR c.is_canonical IS DISTINCT FROM d.is_canonical
           OR abs(coalesce(c.similarity, -1) - coalesce(d.similarity, -1)) > 1e-4
        ORDER BY d.article_id
        """,
        params={"kinds": list(KINDS), "key": settings_key},
    ).to_arrow_table()


def _join_translations(
    con: duckdb.DuckDBPyConnection, edges: pa.Table, is_translation: np.ndarray, nodes: np.ndarray, labels: np.ndarray
) -> tuple[np.ndarray, pa.Table]:
    """Join the groups of copies (`labels` of `nodes`) along translation links, strongest first,
    where the two groups hold no language in common (union_find.join_disjoint): one article per
    language, copies aside. Returns the new labels and the edges without the links not taken."""
    links = edges.filter(pa.array(is_translation))
    order = np.lexsort((links.column("b").to_numpy(), links.column("a").to_numpy(), -links.column("similarity").to_numpy()))
    links = links.take(pa.array(order))
    a, b = links.column("a").to_numpy(), links.column("b").to_numpy()
    # the languages of every member of the groups the links touch (not of every compared article)
    touched = np.isin(labels, labels[np.isin(nodes, np.concatenate([a, b]))])
    con.register("dedup_touched", pa.table({"idx": nodes[touched]}))
    try:
        language = dict(con.sql("SELECT idx, language FROM dedup_sig SEMI JOIN dedup_touched USING (idx) WHERE language IS NOT NULL").fetchall())
    finally:
        con.unregister("dedup_touched")
    labels, taken = join_disjoint(nodes, labels, a, b, language)
    return labels, pa.concat_tables([edges.filter(pa.array(~is_translation)), links.filter(pa.array(taken))])


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
    the dedup `cache` attached to `con` (tasks/dedup/cache.attached_cache), synced after the
    signatures were written. Temporary tables named `dedup_*` are created on `con` and dropped
    before returning. DuckDB uses up to 80 % of RAM unless `con` has a `memory_limit` (and a
    `temp_directory` to spill to), as `warehouse.catalog.connect` sets.
    """
    decided_at = decided_at or datetime.now(timezone.utc)
    key = grouping_key(settings)
    rows = decide(con, compared_sql, cache, settings, key)
    n = rows.num_rows
    return pa.table(
        {
            "article_id": rows.column("article_id"),
            "dup_group": rows.column("dup_group"),
            "dup_kind": rows.column("dup_kind"),
            "similarity": rows.column("similarity").cast(pa.float32()),
            "is_canonical": rows.column("is_canonical"),
            "decided_at": pa.array([decided_at] * n, DUPLICATES.schema.field("decided_at").type),
            "settings_key": pa.array([key] * n, pa.string()),
            "run_id": pa.array([run_id] * n, pa.string()),
        }
    ).cast(DUPLICATES.schema)
