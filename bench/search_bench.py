"""Search benchmark: build the index of a generated warehouse, add 1,000 articles, time queries;
and DuckDB's `fts` extension on the same texts for comparison.

    .venv/bin/python -m bench.search_bench                 # 100,000 articles
    .venv/bin/python -m bench.search_bench --n 10000 --no-fts

Texts come from bench/dedup_corpus.py (~300 words, Zipf-distributed pseudo-words, 10 % in Han
characters), stored as the ingest and language flows would store them.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.dedup_bench import _ingest  # stores a corpus as the ingest and language flows would
from bench.dedup_corpus import generate_corpus
from tasks.search import index_path, search, update_index
from warehouse.engine import open_database
from warehouse.extensions import load_extension

RESULTS = Path(__file__).resolve().parent / "results"
_UPDATE = """import json, sys, time
from pathlib import Path
from tasks.search import update_index
cpu = time.process_time()
update = update_index(Path(sys.argv[1]))
print(json.dumps({"articles": update.added, "seconds": update.seconds, "cpu_seconds": time.process_time() - cpu}))
"""
ADDED = 1_000
QUERIES = 20


def _queries(texts: list[str], ids: list[str], rng: random.Random) -> list[tuple[str, str]]:
    """(query, the article it was taken from): two or three words of a random article."""
    picked = []
    for index in rng.sample(range(len(texts)), QUERIES):
        words = [w for w in texts[index].split() if w.isalpha() and len(w) > 3]
        picked.append((" ".join(rng.sample(words, min(len(words), rng.choice((2, 3))))), ids[index]))
    return picked


def _fts(texts: list[str], ids: list[str], queries: list[tuple[str, str]]) -> dict:
    """DuckDB fts on the same texts, in memory: a whole build (its only way to add articles:
    `create_fts_index` replaces the index) and the same queries with `match_bm25`."""
    con = open_database()
    load_extension(con, "fts")
    con.execute("CREATE TABLE docs (article_id VARCHAR, text VARCHAR)")
    con.execute("INSERT INTO docs SELECT unnest($ids), unnest($texts)", {"ids": ids, "texts": texts})
    started = time.perf_counter()
    con.execute("PRAGMA create_fts_index('docs', 'article_id', 'text', stemmer = 'none', overwrite = 1)")
    build = time.perf_counter() - started
    times = []
    for query, _ in queries:
        started = time.perf_counter()
        con.execute(
            "SELECT article_id, score FROM (SELECT *, fts_main_docs.match_bm25(article_id, ?) AS score FROM docs) "
            "WHERE score IS NOT NULL ORDER BY score DESC LIMIT 10", [query]
        ).fetchall()
        times.append(time.perf_counter() - started)
    con.close()
    return {"build_seconds": build, "query_median_ms": statistics.median(times) * 1000, "query_max_ms": max(times) * 1000}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles in the warehouse after the addition")
    parser.add_argument("--no-fts", action="store_true", help="skip the fts comparison")
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    corpus = generate_corpus(args.n, seed=7)
    texts = corpus.articles.column("text").to_pylist()
    ids = corpus.articles.column("article_id").to_pylist()
    queries = _queries(texts, ids, random.Random(7))
    result: dict = {"n": args.n, "added": ADDED}
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "warehouse"
        _ingest(corpus, root, slice(0, args.n - ADDED))
        cpu = time.process_time()
        build = update_index(root)
        result["build"] = {"articles": build.added, "seconds": build.seconds, "cpu_seconds": time.process_time() - cpu}
        print("build", result["build"], os.getloadavg(), flush=True)  # a long run shows its progress
        _ingest(corpus, root, slice(args.n - ADDED, args.n))
        # in a process of its own, as the pipeline's task or `pressroom search` meets it: no word
        # seen before (the build warmed this process's caches)
        child = subprocess.run([sys.executable, "-c", _UPDATE, str(root)], capture_output=True, text=True, check=True)
        # words, to compare with the ingest bench's pages (~4x longer than these articles)
        words = sum(len(text.split()) for text in texts[args.n - ADDED:])
        result["update"] = {**json.loads(child.stdout), "words": words}
        print("update", result["update"], os.getloadavg(), flush=True)
        unchanged = update_index(root)
        result["unchanged_check_seconds"] = unchanged.seconds
        result["index_mb"] = sum(file.stat().st_size for file in index_path(root).parent.iterdir()) / 1e6  # with the texts
        result["warehouse_articles_mb"] = sum(p.stat().st_size for p in (root / "articles").rglob("*.parquet")) / 1e6
        times, cpu_times, found = [], [], 0
        for query, source in queries:
            started, cpu = time.perf_counter(), time.process_time()
            update_index(root)  # what `pressroom search` waits for: the index check, then the query
            hits = search(root, query, limit=10)
            times.append(time.perf_counter() - started)
            cpu_times.append(time.process_time() - cpu)
            found += source in [h.article_id for h in hits]
        result["query_median_ms"] = statistics.median(times) * 1000
        result["query_max_ms"] = max(times) * 1000
        result["query_cpu_median_ms"] = statistics.median(cpu_times) * 1000  # all threads; load-proof
        # a sanity check, not relevance: words drawn from an article are often common ones
        result["source_article_in_top10"] = f"{found}/{len(queries)}"
    if not args.no_fts:
        result["fts"] = _fts(texts, ids, queries)
    result["load_average"] = {"before": load_before, "after": os.getloadavg()}
    print(json.dumps(result, indent=1))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"search-{time.strftime('%Y%m%dT%H%M%S')}.json").write_text(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
