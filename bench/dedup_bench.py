"""Dedup benchmark: pressroom's dedup end to end beside two in-memory baselines, on one corpus.

    .venv/bin/python -m bench.dedup_bench --n 10000 [--add 1000] [--workers 2] [--skip datasketch]
    .venv/bin/python -m bench.dedup_bench --commands --n 100000 --add 1000 --rounds 2   # whole commands

The corpus (bench/dedup_corpus.py) has N ~300-word articles with planted near and exact copies.
Each pipeline runs in its own child process while the parent samples the resident memory of
that process and its children (peak reported), on the same corpus:

- pressroom: articles read from Parquet, signatures computed on a process pool and appended to
  a Parquet warehouse, candidates joined in DuckDB, groups written; then `--add` more articles
  (with their own planted copies of stored ones) as an incremental run, then a rerun with
  nothing new;
- rensa in memory: the same shingles built in Python, `RMinHash` through its batch call,
  `RMinHashLSH`, verification of candidates by estimated Jaccard, union-find;
- datasketch: the same shingles, `MinHash.bulk`, `MinHashLSH`, verification, union-find.

Precision and recall are over pairs of articles: pairs inside a found group against pairs
inside a planted cluster (an original and its copies). Results go to bench/results/ as JSON.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path

import duckdb
import numpy as np
import psutil
import pyarrow as pa
import pyarrow.parquet as pq
import regex

from bench.dedup_corpus import Corpus, generate_corpus
from config.dedup import DedupSettings

RESULTS = Path(__file__).resolve().parent / "results"
CHUNK = 50_000  # articles per append when the corpus is stored in the warehouse


# ---------------------------------------------------------------- scoring


def _pairs(groups: Iterable[Iterable[str]]) -> set[tuple[str, str]]:
    out = set()
    for members in groups:
        ordered = sorted(members)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                out.add((a, b))
    return out


def score(found: Iterable[Iterable[str]], truth: Iterable[Iterable[str]]) -> dict[str, float]:
    """Pairwise precision and recall of found groups against planted clusters."""
    found_pairs, true_pairs = _pairs(found), _pairs(truth)
    hit = len(found_pairs & true_pairs)
    return {
        "precision": hit / len(found_pairs) if found_pairs else 1.0,
        "recall": hit / len(true_pairs) if true_pairs else 1.0,
        "found_pairs": len(found_pairs),
        "true_pairs": len(true_pairs),
    }


# ---------------------------------------------------------------- pressroom


def _pressroom(root: str, workers: int, run_id: str) -> dict:
    """One dedup run over the warehouse, step by step as flows/dedup.py wires it (the same
    functions, without Prefect's task runs around them)."""
    from tasks.dedup import dedup_session, group_articles, sign_articles
    from tasks.executors import worker_pool
    from tasks.store import write_table
    from warehouse.schemas import DUPLICATES, SIGNATURES

    settings = DedupSettings()
    warehouse = Path(root)
    timings: dict[str, float] = {}
    # what earlier runs wrote is on disk, as for a scheduled run: flushing it is not this run's cost
    os.sync()
    started = time.perf_counter()
    signed = 0
    # DuckDB takes up to 80 % of RAM unless told; with 1 GB it spills what does not fit
    with dedup_session(warehouse, settings, "1GB") as session:
        timings["attach_cache"] = time.perf_counter() - started
        t = time.perf_counter()
        with worker_pool(workers) as pool:  # started on the first task (~1 s), inside the clock
            round_rows = settings.signature_batch * workers
            count, unsigned = session.unsigned(round_rows * 10)
            for batch in unsigned:
                signatures = sign_articles(batch, settings, pool if count > round_rows else None, run_id).items
                signed += write_table(warehouse, SIGNATURES, signatures).stats.rows_added[SIGNATURES.name]
        timings["signatures"] = time.perf_counter() - t
        t = time.perf_counter()
        rows = group_articles(session, run_id).items
        timings["find_duplicates"] = time.perf_counter() - t
        t = time.perf_counter()
        written = write_table(warehouse, DUPLICATES, rows).stats.rows_added[DUPLICATES.name]
        timings["write_duplicates"] = time.perf_counter() - t
        t = time.perf_counter()
    timings["detach_cache"] = time.perf_counter() - t  # with the cache's last sync and checkpoint
    timings["total"] = time.perf_counter() - started
    return {"articles_signed": signed, "rows_written": written, "seconds": timings}


def _ingest(corpus: Corpus, root: Path, rows: slice) -> None:
    """Store corpus articles as the ingest and language flows would have: article versions and
    their language tags (not timed: the dedup run starts from them)."""
    from warehouse.catalog import connect
    from warehouse.schemas import ARTICLES, LANGUAGES
    from warehouse.writer import append_new_rows, initialize

    initialize(root)
    now = datetime.now(timezone.utc)
    for start in range(rows.start, rows.stop, CHUNK):
        chunk = corpus.articles.slice(start, min(CHUNK, rows.stop - start))
        n = chunk.num_rows
        stamps = pa.array([now] * n, pa.timestamp("us", tz="UTC"))
        given = {"doc_id": chunk.column("article_id"), "fetched_at": stamps, "tagged_at": stamps, "tagger": pa.array(["bench"] * n), "run_id": pa.array(["bench"] * n)}
        for table in (ARTICLES, LANGUAGES):
            columns = {}
            for field in table.schema:
                column = chunk.column(field.name) if field.name in chunk.column_names else given.get(field.name, pa.nulls(n, field.type))
                columns[field.name] = column.cast(field.type)
            append_new_rows(root, table, pa.table(columns))
    connect(root).close()  # the ingest flow keeps the views current


def _pressroom_groups(root: str) -> tuple[list[list[str]], str]:
    """The groups of the newest decisions, and a digest of every decision (article, group,
    kind, canonical flag), so two versions of the code can be compared on the same corpus."""
    from warehouse.schemas import DUPLICATES
    from warehouse.tables import table_scan

    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    newest = f"""SELECT article_id, dup_group, dup_kind, is_canonical FROM {table_scan(Path(root), DUPLICATES)}
                 QUALIFY row_number() OVER (PARTITION BY article_id ORDER BY decided_at DESC) = 1"""
    rows = con.execute(f"SELECT dup_group, list(article_id) FROM ({newest}) WHERE dup_group IS NOT NULL GROUP BY dup_group").fetchall()
    decisions = con.execute(f"SELECT * FROM ({newest}) ORDER BY article_id").fetchall()
    con.close()
    digest = hashlib.sha256(repr(decisions).encode()).hexdigest()[:16]
    return [members for _, members in rows], digest


# ---------------------------------------------------------------- baselines

_NO_SPACE = r"\p{Han}\p{Hiragana}\p{Katakana}\p{Thai}\p{Lao}\p{Khmer}\p{Myanmar}"
_TOKEN = regex.compile(f"[{_NO_SPACE}]|[\\p{{L}}\\p{{M}}\\p{{N}}]+")
_CHAR = regex.compile(f"[{_NO_SPACE}]")


def python_shingles(text: str, word_ngram: int, char_ngram: int) -> set[str]:
    """The same shingles pressroom hashes, built the usual way: one string per shingle."""
    from tasks.dedup.shingles import normalize

    tokens = _TOKEN.findall(normalize(text))
    chars = sum(1 for t in tokens if len(t) == 1 and _CHAR.match(t))
    n = char_ngram if chars > 0.5 * max(len(tokens), 1) else word_ngram
    if len(tokens) < n:
        return set(tokens)
    joiner = "" if n == char_ngram and n != word_ngram else " "
    return {joiner.join(tokens[i : i + n]) for i in range(len(tokens) - n + 1)}


def _union_groups(ids: list[str], edges: Iterable[tuple[int, int]]) -> list[list[str]]:
    from tasks.dedup.union_find import components

    edge_list = list(edges)
    if not edge_list:
        return []
    a = np.array([e[0] for e in edge_list])
    b = np.array([e[1] for e in edge_list])
    nodes = np.unique(np.concatenate([a, b]))
    labels = components(nodes, a, b)
    groups: dict[int, list[str]] = {}
    for node, label in zip(nodes.tolist(), labels.tolist()):
        groups.setdefault(label, []).append(ids[node])
    return list(groups.values())


def _rensa_in_memory(articles_path: str, threshold: float, num_perm: int, bands: int, word_ngram: int, char_ngram: int) -> dict:
    from rensa import RMinHash, RMinHashLSH

    table = pq.read_table(articles_path, columns=["article_id", "text"])
    ids, texts = table.column("article_id").to_pylist(), table.column("text").to_pylist()
    del table
    started = time.perf_counter()
    shingle_sets = [python_shingles(t, word_ngram, char_ngram) for t in texts]
    t_shingles = time.perf_counter() - started
    minhashes = RMinHash.from_token_sets(shingle_sets, num_perm, 42)
    lsh = RMinHashLSH(threshold, num_perm, bands)
    lsh.insert_many(minhashes, 0)
    candidates = lsh.query_all(minhashes)
    edges = []
    for i, keys in enumerate(candidates):
        for j in keys:
            if j > i and minhashes[i].jaccard(minhashes[j]) >= threshold:
                edges.append((i, j))
    groups = _union_groups(ids, edges)
    total = time.perf_counter() - started
    return {"groups": groups, "seconds": {"shingles": t_shingles, "total": total}}


def _datasketch(articles_path: str, threshold: float, num_perm: int, bands: int, word_ngram: int, char_ngram: int) -> dict:
    from datasketch import MinHash, MinHashLSH

    table = pq.read_table(articles_path, columns=["article_id", "text"])
    ids, texts = table.column("article_id").to_pylist(), table.column("text").to_pylist()
    del table
    started = time.perf_counter()
    shingle_sets = [[s.encode("utf-8") for s in python_shingles(t, word_ngram, char_ngram)] for t in texts]
    minhashes = MinHash.bulk(shingle_sets, num_perm=num_perm)
    lsh = MinHashLSH(num_perm=num_perm, params=(bands, num_perm // bands))
    with lsh.insertion_session() as session:
        for i, m in enumerate(minhashes):
            session.insert(i, m, check_duplication=False)
    edges = []
    for i, m in enumerate(minhashes):
        for j in lsh.query(m):
            if j > i and m.jaccard(minhashes[j]) >= threshold:
                edges.append((i, j))
    groups = _union_groups(ids, edges)
    return {"groups": groups, "seconds": {"total": time.perf_counter() - started}}


# ---------------------------------------------------------------- measuring


def _child(target: Callable[..., dict], args: tuple, queue: multiprocessing.Queue) -> None:
    try:
        queue.put(("ok", target(*args)))
    except BaseException as exc:  # noqa: BLE001 - report any failure to the parent
        queue.put(("error", f"{type(exc).__name__}: {exc}"))


def measured(target: Callable[..., dict], *args: object) -> dict:
    """Run `target(*args)` in a fresh (spawned) child process; add the peak memory of its
    process tree (MB, proportional set size: pages shared between the processes count once)."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_child, args=(target, args, queue))
    peak = 0
    stop = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not stop.is_set():
            try:
                root = psutil.Process(process.pid)
                tree = [root, *root.children(recursive=True)]
                peak = max(peak, sum(p.memory_full_info().pss for p in tree if p.is_running()))
            except psutil.Error:
                pass
            time.sleep(0.5)  # reading PSS of a large process costs CPU: sample sparingly

    process.start()
    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    status, result = queue.get()
    process.join()
    stop.set()
    sampler.join()
    if status != "ok":
        raise RuntimeError(result)
    result["peak_memory_mb"] = round(peak / 2**20, 1)
    return result


# ---------------------------------------------------------------- translations

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
SEED_LANGUAGES = {"000": "th", "001": "is", "002": "mr", "003": "en", "004": "zh"}
SEED_CLUSTERS = {"000": "editorial", "001": "editorial", "002": "editorial", "003": "xinhua", "004": "zaker"}


def seed_documents(folder: Path = SEEDS) -> list[dict]:
    """The five seeds as labelled documents: 000-002 are one editorial in three languages."""
    import trafilatura

    docs = []
    for path in sorted(folder.glob("00*.txt")):
        prefix = path.name[:3]
        text = path.read_text(encoding="utf-8")
        if text.lstrip().startswith("---"):  # front matter, then an HTML body (004)
            text = trafilatura.extract(text.lstrip().split("---", 2)[2]) or ""
        docs.append({"id": f"seed-{prefix}", "language": SEED_LANGUAGES[prefix], "cluster": SEED_CLUSTERS[prefix], "text": text})
    return docs


def folder_documents(folder: Path) -> list[dict]:
    """Labelled documents from files named `<document>.<language>.txt`: files that share
    `<document>` are translations of each other, all other pairs are not."""
    docs = []
    for path in sorted(folder.glob("*.*.txt")):
        cluster, language = path.name[: -len(".txt")].rsplit(".", 1)
        docs.append({"id": path.name, "language": language, "cluster": cluster, "text": path.read_text(encoding="utf-8")})
    return docs


def translation_eval(docs: list[dict], settings: DedupSettings | None = None) -> dict:
    """Run the dedup stage over labelled documents and score its translation links: pairs in
    different languages with the same label are translations, every other such pair is not.
    `settings`: the dedup settings to score (the defaults when None)."""
    from tasks.dedup.cache import attached_cache
    from tasks.dedup.grouping import find_duplicates
    from tasks.dedup.signatures import compute_signatures
    from tasks.dedup.translations import fingerprint, match
    from warehouse.schemas import SIGNATURES
    from warehouse.tables import table_scan
    from warehouse.writer import append_new_rows, initialize

    settings = settings or DedupSettings()
    articles = pa.table(
        {
            "article_id": [d["id"] for d in docs],
            "content_sha256": [d["id"] for d in docs],
            "language": [d["language"] for d in docs],
            "text": [d["text"] for d in docs],
        }
    )
    with tempfile.TemporaryDirectory(prefix="translation-eval-") as tmp:
        root = Path(tmp)
        initialize(root)
        append_new_rows(root, SIGNATURES, compute_signatures(articles, settings))
        con = duckdb.connect()
        with attached_cache(con, root, settings) as cache:
            rows = find_duplicates(con, cache, f"SELECT article_id, NULL AS language FROM {table_scan(root, SIGNATURES)}", settings, "translation-eval")
        con.close()
    groups: dict[str, list[str]] = {}
    for row in rows.to_pylist():
        if row["dup_group"] is not None:
            groups.setdefault(row["dup_group"], []).append(row["article_id"])
    by_id = {d["id"]: d for d in docs}
    found = {p for p in _pairs(groups.values()) if by_id[p[0]]["language"] != by_id[p[1]]["language"]}
    cross = [(a, b) for a, b in _pairs([list(by_id)]) if by_id[a]["language"] != by_id[b]["language"]]
    true = {(a, b) for a, b in cross if by_id[a]["cluster"] == by_id[b]["cluster"]}
    fingerprints = {d["id"]: fingerprint(d["text"], settings.max_numbers) for d in docs}
    similarity = {(a, b): match(fingerprints[a], fingerprints[b], settings.position_tolerance).similarity for a, b in cross}
    hit = len(found & true)
    return {
        "documents": len(docs),
        "translation_pairs": len(true),
        "non_pairs": len(cross) - len(true),
        "found_pairs": len(found),
        "precision": hit / len(found) if found else 1.0,
        "recall": hit / len(true) if true else 1.0,
        "missed": sorted(f"{a} ~ {b} ({len(fingerprints[a].numbers)}/{len(fingerprints[b].numbers)} numbers, similarity {similarity[(a, b)]:.2f})" for a, b in true - found),
        "false": sorted(f"{a} ~ {b}" for a, b in found - true),
        "pair_similarity": sorted(round(similarity[p], 2) for p in true),
        "highest_non_pair_similarity": max((similarity[p] for p in cross if p not in true), default=0.0),
    }


def _write_articles(corpus: Corpus, path: Path, rows: slice) -> None:
    # row groups of 50,000 articles, like files written batch by batch (one row group of a
    # million texts needs a single 1 GB buffer to read)
    pq.write_table(corpus.articles.slice(rows.start, rows.stop - rows.start), path, compression="zstd", row_group_size=50_000)


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="articles in the full run")
    parser.add_argument("--add", type=int, default=1_000, help="articles added for the incremental run")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--near", type=float, default=0.1, help="share of planted near copies")
    parser.add_argument("--exact", type=float, default=0.02, help="share of planted exact copies")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--skip", action="append", default=[], choices=["rensa", "datasketch"], help="leave out a baseline")
    parser.add_argument(
        "--translations",
        nargs="*",
        type=Path,
        metavar="DIR",
        help="instead of the speed benchmark, score translation grouping on the seeds and on labelled "
        "folders of <document>.<language>.txt files",
    )
    parser.add_argument("--commands", action="store_true", help="instead: `pressroom dedup` as a whole command beside bench/reference_dedup.py (bench/dedup_commands_bench.py)")
    parser.add_argument("--rounds", type=int, default=2, help="with --commands: rounds, the order flipped every round (default 2)")
    args = parser.parse_args(argv)
    if args.translations is not None:
        return _translations_main(args.translations)
    if args.commands:
        from bench.dedup_commands_bench import run

        return run(args.n, args.add, args.rounds, args.seed, args.near, args.exact)

    settings = DedupSettings()
    t = time.perf_counter()
    corpus = generate_corpus(args.n + args.add, near_fraction=args.near, exact_fraction=args.exact, seed=args.seed)
    generated = time.perf_counter() - t
    work = Path(tempfile.mkdtemp(prefix="dedup-bench-"))
    try:
        base = work / "base.parquet"  # the baselines read this one file
        _write_articles(corpus, base, slice(0, args.n))
        root = work / "warehouse"
        _ingest(corpus, root, slice(0, args.n))
        base_ids = set(corpus.articles.column("article_id").to_pylist()[: args.n])
        truth_base = [[m for m in c if m in base_ids] for c in corpus.clusters]
        truth_base = [c for c in truth_base if len(c) > 1]
        load = os.getloadavg()
        result: dict = {
            "n": args.n,
            "added": args.add,
            "workers": args.workers,
            "cpu_count": os.cpu_count(),
            "load_average_at_start": [round(x, 2) for x in load],
            "corpus": {"near_fraction": args.near, "exact_fraction": args.exact, "planted_clusters": len(truth_base), "generation_seconds": round(generated, 1)},
            "settings": settings.model_dump(),
            "started_at": datetime.now(timezone.utc).isoformat(),
        }
        print(f"corpus: {args.n:,} articles (+{args.add:,}), {len(truth_base):,} planted clusters; load average {load[0]:.2f}")

        full_run = measured(_pressroom, str(root), args.workers, "bench-full")
        groups, full_run["decisions_digest"] = _pressroom_groups(root)
        full_run.update(score(groups, truth_base))
        full_run["articles_per_second"] = args.n / full_run["seconds"]["total"]
        result["pressroom"] = full_run
        _report("pressroom (full run)", args.n, full_run)

        if args.add:
            _ingest(corpus, root, slice(args.n, args.n + args.add))
            incremental = measured(_pressroom, str(root), args.workers, "bench-add")
            groups, incremental["decisions_digest"] = _pressroom_groups(root)
            incremental.update(score(groups, corpus.clusters))
            incremental["share_of_full_run"] = incremental["seconds"]["total"] / full_run["seconds"]["total"]
            result["pressroom_incremental"] = incremental
            _report(f"pressroom (+{args.add:,} incremental)", args.add, incremental)
            print(f"  incremental run costs {incremental['share_of_full_run']:.1%} of the full run")
        rerun = measured(_pressroom, str(root), args.workers, "bench-rerun")
        result["pressroom_rerun"] = rerun
        print(f"rerun with nothing new: {rerun['rows_written']} rows written, {rerun['seconds']['total']:.2f} s")

        params = (settings.threshold, settings.num_perm, settings.bands, settings.word_ngram, settings.char_ngram)
        for name, target in (("rensa", _rensa_in_memory), ("datasketch", _datasketch)):
            if name in args.skip:
                continue
            baseline = measured(target, str(base), *params)
            groups = baseline.pop("groups")
            baseline.update(score(groups, truth_base))
            baseline["articles_per_second"] = args.n / baseline["seconds"]["total"]
            result[name] = baseline
            _report(f"{name} in memory", args.n, baseline)
            ratio = full_run["articles_per_second"] / baseline["articles_per_second"]
            result[f"speedup_vs_{name}"] = ratio
            print(f"  pressroom end to end is {ratio:.2f}x {name}")
        RESULTS.mkdir(exist_ok=True)
        out = RESULTS / f"dedup-{args.n}-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}.json"
        out.write_text(json.dumps(result, indent=2, default=str))
        print(f"results: {out}")
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _translations_main(folders: list[Path]) -> dict:
    sets = {}
    if SEEDS.is_dir():
        sets["seeds"] = seed_documents()
    else:
        print(f"seeds not found at {SEEDS}: skipped")
    for folder in folders:
        sets[str(folder)] = folder_documents(folder)
    sets["all"] = [d for docs in sets.values() for d in docs]
    result = {}
    for name, docs in sets.items():
        r = translation_eval(docs)
        result[name] = r
        print(
            f"{name}: {r['documents']} documents, {r['translation_pairs']} translation pairs, {r['non_pairs']} non-pairs: "
            f"precision {r['precision']:.3f} recall {r['recall']:.3f}; pair similarity {r['pair_similarity']}, "
            f"highest non-pair {r['highest_non_pair_similarity']:.2f}"
        )
        for line in r["missed"]:
            print(f"  missed {line}")
        for line in r["false"]:
            print(f"  false  {line}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"dedup-translations-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}.json"
    out.write_text(json.dumps(result, indent=2))
    print(f"results: {out}")
    return result


def _report(label: str, n: int, r: dict) -> None:
    seconds = r["seconds"]["total"]
    print(
        f"{label}: {n:,} articles in {seconds:.2f} s ({n / seconds:,.0f}/s), "
        f"precision {r['precision']:.4f} recall {r['recall']:.4f}, peak {r['peak_memory_mb']:,.0f} MB"
        + (f", decisions digest {r['decisions_digest']}" if "decisions_digest" in r else "")
    )


if __name__ == "__main__":
    main()
