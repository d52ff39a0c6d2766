"""Full-text search over the index (tasks/search/index.py): BM25 in SQL, a snippet per hit.

Each stemmer's articles are scored as a collection of their own (document frequencies, article
count and average length per stemmer): a word common in German articles is not made rare by
a warehouse that is mostly English. A query word matches in every language (one term per
stemmer, tasks/search/terms.py); `language` keeps the articles tagged with that language only.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import duckdb
import pyarrow as pa

from tasks.search.index import index_path
from tasks.search.snippets import snippet
from tasks.search.terms import stemmed_variants, stemmer_of, term_key
from tasks.search.texts import fetch_texts, open_texts, texts_path, texts_usable
from warehouse.engine import open_database
from warehouse.storage import WarehouseRoot

# BM25's usual constants: term-frequency saturation and length normalization.
K1 = 1.2
B = 0.75


class IndexBusy(RuntimeError):
    """Another process is writing the search index (it takes one writer or many readers)."""


@dataclass(frozen=True)
class Hit:
    """One search result."""

    article_id: str
    score: float
    title: str | None
    url: str | None
    site: str | None
    language: str | None
    published_at: datetime | None
    snippet: str


def _open(path: Path, wait_seconds: float = 10.0) -> duckdb.DuckDBPyConnection:
    """The index, read-only; waits while an update holds it."""
    deadline = time.monotonic() + wait_seconds
    while True:
        try:
            return open_database(str(path), read_only=True)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower():
                raise
            if time.monotonic() > deadline:
                raise IndexBusy(f"the search index {path} is being updated by another process; try again") from None
            time.sleep(0.2)


def search(
    root: WarehouseRoot, query: str, language: str | None = None, site: str | None = None, since: date | None = None, limit: int = 10
) -> list[Hit]:
    """The `limit` best articles for `query` (words matched with OR, ranked by BM25 over title
    and text), among those in `language`, from `site`, published on or after `since`."""
    con = _open(index_path(root))
    try:
        stats = con.execute("SELECT stemmer, count(*) AS n, avg(length) AS avgdl FROM docs GROUP BY stemmer").fetchall()
        stemmers = [stemmer_of(language)] if language else [row[0] for row in stats]
        variants = stemmed_variants(query, stemmers)
        if not variants:
            return []
        filters, params = ["TRUE"], {"limit": limit}
        if language:
            filters.append("d.language = $language")
            params["language"] = language.lower()  # tags are lower case (ISO 639)
        if site:
            filters.append("d.site = $site")
            params["site"] = site
        if since:
            filters.append("d.published_at >= $since")
            params["since"] = datetime(since.year, since.month, since.day).isoformat() + "+00:00"
        # one equality per term: DuckDB skips the row groups of sorted postings that cannot hold
        # it, where an IN list is pruned by its smallest and largest key only
        keys = sorted({term_key(stemmer, term) for _, stemmer, term in variants})
        matched = " UNION ALL ".join(f"SELECT term, doc, tf FROM postings WHERE term = {key}" for key in keys)
        con.register("search_stats", pa.table({"stemmer": [r[0] for r in stats], "n": [r[1] for r in stats], "avgdl": [r[2] for r in stats]}))
        ranked = con.execute(
            f"""WITH matched AS ({matched}),
                    df AS (SELECT term, count(*) AS df FROM matched GROUP BY term)
                SELECT d.article_id, d.stemmer, d.language,
                       sum(ln(1 + (s.n - df.df + 0.5) / (df.df + 0.5))
                           * m.tf * ({K1} + 1) / (m.tf + {K1} * (1 - {B} + {B} * d.length / s.avgdl))) AS score, d.doc
                FROM matched AS m JOIN df USING (term) JOIN docs AS d USING (doc) JOIN search_stats AS s USING (stemmer)
                WHERE {" AND ".join(filters)}
                GROUP BY ALL ORDER BY score DESC, d.article_id LIMIT $limit""",
            params,
        ).fetchall()
        published = {row[0]: row[1:] for row in con.execute(
            f"SELECT doc, site, published_at FROM docs WHERE doc IN ({', '.join(str(int(row[4])) for row in ranked) or 'NULL'})"
        ).fetchall()}
    finally:
        con.close()
    stored = {}
    # no texts file: an index of an older format that could not be updated (a read-only warehouse)
    if texts_usable(texts_path(index_path(root))):
        texts = open_texts(texts_path(index_path(root)), read_only=True)
        try:
            stored = fetch_texts(texts, [int(row[4]) for row in ranked])
        finally:
            texts.close()
    hits = []
    for article_id, stemmer, tagged, score, doc in ranked:
        (title, url, text), (site, published_at) = stored.get(doc, (None, None, "")), published[doc]  # or removed meanwhile
        terms = {term for _, s, term in variants if s == stemmer}
        hits.append(Hit(article_id, score, title, url, site, tagged, published_at, snippet(text, stemmer, terms)))
    return hits

