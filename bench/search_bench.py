"""Search benchmark: build the index of a generated warehouse, add 1,000 articles, time queries;
and DuckDB's `fts` extension on the same texts for comparison.

    .venv/bin/python -m bench.search_bench                 # 100,000 articles
    .venv/bin/python -m bench.search_bench --n 10000 --no-fts
    .venv/bin/python -m bench.search_bench --ingested 4000    # the update beside the ingest of the same pages

Texts come from bench/dedup_corpus.py (~300 words, Zipf-distributed pseudo-words, 10 % in Han
characters), stored as the ingest and language flows would store them.

`--ingested N` measures the bar on real commands instead: the ingest bench's N generated pages
(bench/ingest_corpus.py, ~1,220 words each, eleven languages) through `pressroom ingest` and
`pressroom languages` (a background Prefect server started first, not timed), then the index of
those articles built by `update_index` in a process of its own, `--repeats` times (the index
deleted before each): the median update's seconds beside the ingest's.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench.commands_bench import PRESSROOM, PYTHON, ROOT, measure
from bench.dedup_bench import _ingest  # stores a corpus as the ingest and language flows would
from bench.dedup_corpus import generate_corpus
from bench.ingest_corpus import write_corpus
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


def _update_in_a_process(root: Path, env: dict[str, str] | None = None) -> dict:
    """`update_index` of the warehouse at `root` in a process of its own (no word seen before):
    its seconds and CPU seconds as it reports them, and the process's wall seconds."""
    started = time.perf_counter()
    child = subprocess.run([PYTHON, "-c", _UPDATE, str(root)], capture_output=True, text=True, check=True, env=env, cwd=ROOT)
    return {**json.loads(child.stdout), "process_wall_seconds": round(time.perf_counter() - started, 3)}


def ingested(n: int, repeats: int, keep: Path | None) -> dict:
    """The bar on real commands: `pressroom ingest` and `pressroom languages` of n ingest-bench
    pages, then the index of their articles built from scratch (all n are new to it), `repeats`
    times; the median update beside the ingest."""
    scratch = Path(tempfile.mkdtemp(prefix="pressroom-search-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "PRESSROOM_")) and k != "PYTHONDONTWRITEBYTECODE"}
    env.update({"PREFECT_HOME": str(scratch / "prefect-home"), "PRESSROOM_WORKERS": "2", "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                "DO_NOT_TRACK": "1", "PRESSROOM_WAREHOUSE": str(scratch / "warehouse")})
    result: dict = {"ingested": n, "load_average_before": os.getloadavg()}
    try:
        corpus = write_corpus(scratch / "corpus", n)
        result["corpus"] = {key: corpus.as_dict()[key] for key in ("pages", "mean_words", "languages")}
        measure([PRESSROOM, "dedup"], {**env, "PRESSROOM_WAREHOUSE": str(scratch / "warmup")})  # starts the background server
        for name, argv in (("ingest", [PRESSROOM, "ingest", str(scratch / "corpus")]), ("languages", [PRESSROOM, "languages"])):
            step = measure(argv, env)
            result[name] = {key: step[key] for key in ("wall_seconds", "tree_cpu_seconds", "peak_rss_mb")}
            print(name, result[name], os.getloadavg(), flush=True)
        updates = []
        for _ in range(repeats):  # the index deleted before each: every article is new to it
            shutil.rmtree(index_path(scratch / "warehouse").parent, ignore_errors=True)
            updates.append(_update_in_a_process(scratch / "warehouse", env))
            print("update", updates[-1], os.getloadavg(), flush=True)
        result["updates"] = updates
        result["update_median"] = {key: statistics.median(u[key] for u in updates) for key in ("seconds", "cpu_seconds", "process_wall_seconds")}
        result["update_share_of_ingest"] = round(result["update_median"]["seconds"] / result["ingest"]["wall_seconds"], 3)
    finally:
        subprocess.run([PRESSROOM, "server", "stop"], env=env, cwd=ROOT, capture_output=True, check=False)
        if keep:
            shutil.copytree(scratch / "warehouse", keep)
        shutil.rmtree(scratch, ignore_errors=True)
    result["load_average_after"] = os.getloadavg()
    return result


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles in the warehouse after the addition")
    parser.add_argument("--no-fts", action="store_true", help="skip the fts comparison")
    parser.add_argument("--ingested", type=int, metavar="N", help="instead: the update beside `pressroom ingest` of N ingest-bench pages")
    parser.add_argument("--repeats", type=int, default=3, help="with --ingested: updates of the same articles (median)")
    parser.add_argument("--keep", type=Path, metavar="FOLDER", help="with --ingested: copy the warehouse (and its index) there")
    args = parser.parse_args(argv)
    if args.ingested:
        return _record(ingested(args.ingested, args.repeats, args.keep), f"search-ingested-{args.ingested}")
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
        # words, to compare with the ingest bench's pages (~4x longer than these articles)
        words = sum(len(text.split()) for text in texts[args.n - ADDED:])
        result["update"] = {**_update_in_a_process(root), "words": words}
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
    return _record(result, "search")


def _record(result: dict, name: str) -> dict:
    """Print `result` and keep it in bench/results/."""
    print(json.dumps(result, indent=1))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}-{time.strftime('%Y%m%dT%H%M%S')}.json").write_text(json.dumps(result, indent=1))
    return result


if __name__ == "__main__":
    main()
