"""S3 benchmark: what the warehouse on S3 costs per 1,000 articles against the local disk, with
whole `pressroom` commands as users run them (issue 19, item 2).

    .venv/bin/python -m bench.s3_bench                 # N=1000, 3 rounds
    .venv/bin/python -m bench.s3_bench --quick         # N=200, 1 round: a smoke run

The S3 endpoint is `moto_server` on 127.0.0.1 (in memory): what is measured is the protocol's
overhead (HTTP requests, signing, listing, httpfs reads, Prefect global-concurrency-limit
locks), not a network's latency or bandwidth; on real S3 each request adds a round trip.

A corpus of N generated news pages (bench/ingest_corpus.py) is written once, and pressroom's
background Prefect server started by a first command left out of the table (the S3 write lock
is a global concurrency limit on it). Then per round, into a fresh local warehouse and a fresh
S3 prefix, the order of local and S3 flipping every round, each step a subprocess (start-up
included; bench/commands_bench.measure: wall seconds, peak RSS of its tree):

1. `pressroom ingest CORPUS`: whole command, and the `write` stage's own seconds from its
   `runs` row (the part of the run that touches storage: key anti-joins and part files);
2. `pressroom ingest CORPUS` again: a no-op rerun (lists and reads the stored keys);
3. `pressroom sql` of three queries: a count, a GROUP BY over metadata, and a scan of every
   text (`ILIKE`), each as a whole command;
4. the same three queries timed inside one process (`warehouse.query.run_query`, as `pressroom
   sql` runs it: a connection, the catalog attached, httpfs and the secret for S3, the query),
   after one untimed run each, median of three: the storage's cost without the interpreter's
   start-up, which dominates a command on a loaded machine.

Writes per 1,000 articles (ingest, rerun, the write stage); queries in seconds on the N-article
warehouse; medians over the rounds, and the ratio S3 / local. Results: a table, and JSON in
bench/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from bench.commands_bench import PRESSROOM, PYTHON, RESULTS, ROOT, measure, runs_of
from bench.ingest_corpus import write_corpus
from bench.local_server import start_listening

MOTO_SERVER = str(ROOT / ".venv" / "bin" / "moto_server")
BUCKET = "pressroom-bench"
AWS = {"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "bench-key", "AWS_SECRET_ACCESS_KEY": "bench-secret"}
QUERIES = {
    "count": "SELECT count(*) FROM articles",
    "group_by": "SELECT site, count(*) AS n, avg(word_count) AS words FROM articles GROUP BY ALL ORDER BY n DESC",
    "text_scan": "SELECT count(*) FROM articles WHERE text ILIKE '%harbour%'",
}

# Times each query as `pressroom sql` runs it, inside one process; prints one JSON line.
QUERY_TIMER = """
import json, statistics, sys, time
from config.settings import Settings
from warehouse.query import run_query
root = Settings().warehouse_root()
timed = {}
for name, sql in json.loads(sys.argv[1]).items():
    run_query(root, sql)
    seconds = []
    for _ in range(3):
        started = time.perf_counter()
        run_query(root, sql)
        seconds.append(time.perf_counter() - started)
    timed[name] = statistics.median(seconds)
print(json.dumps(timed))
"""


def start_moto(log: Path) -> tuple[subprocess.Popen, str]:
    """moto_server on a free 127.0.0.1 port, listening; and its endpoint."""
    return start_listening(lambda port: [MOTO_SERVER, "-H", "127.0.0.1", "-p", str(port)], "moto_server", 60,
                           stdout=log.open("wb"), stderr=subprocess.STDOUT)


def create_bucket(endpoint: str) -> None:
    import boto3

    boto3.client("s3", endpoint_url=endpoint, region_name=AWS["AWS_REGION"], aws_access_key_id=AWS["AWS_ACCESS_KEY_ID"],
                 aws_secret_access_key=AWS["AWS_SECRET_ACCESS_KEY"]).create_bucket(Bucket=BUCKET)


def one_side(name: str, corpus: Path, env: dict[str, str], log) -> dict:
    """Ingest, rerun and the queries against one warehouse (`env` names it)."""
    result: dict = {}
    result["ingest"] = measure([PRESSROOM, "ingest", "-q", str(corpus)], env)
    result["rerun"] = measure([PRESSROOM, "ingest", "-q", str(corpus)], env)
    first = runs_of(env)[0]
    result["write_stage_seconds"] = first["stages"].get("write", 0.0)
    result["flow_seconds"] = first["seconds"]
    result["articles"] = first["inputs"]
    for query, sql in QUERIES.items():
        result[f"sql_{query}"] = measure([PRESSROOM, "sql", "--format", "csv", sql], env)
    result["queries"] = measure([PYTHON, "-c", QUERY_TIMER, json.dumps(QUERIES)], env)
    log(f"  {name}: ingest {result['ingest']['wall_seconds']:.1f} s (write stage {result['write_stage_seconds']:.2f} s), "
        f"rerun {result['rerun']['wall_seconds']:.1f} s, "
        + ", ".join(f"{q} {result[f'sql_{q}']['wall_seconds']:.2f} s ({result['queries']['printed'][q]:.3f} s in-process)" for q in QUERIES))
    return result


COMMANDS = ["ingest", "rerun", *(f"sql_{q}" for q in QUERIES)]
PER_THOUSAND = {"ingest", "rerun", "write_stage_seconds", "flow_seconds"}  # the rest: seconds on N articles


def _value(side: dict, step: str) -> float:
    if step.startswith("query_"):
        return side["queries"]["printed"][step.removeprefix("query_")]
    return side[step]["wall_seconds"] if isinstance(side[step], dict) else side[step]


def summarize(rounds: list[dict], n: int) -> dict:
    out: dict = {}
    for step in [*COMMANDS, "write_stage_seconds", "flow_seconds", *(f"query_{q}" for q in QUERIES)]:
        scale = 1000 / n if step in PER_THOUSAND else 1.0
        row = {side: statistics.median(_value(r[side], step) for r in rounds) * scale for side in ("local", "s3")}
        row["ratio"] = row["s3"] / row["local"] if row["local"] else None
        if step in COMMANDS:
            row["peak_rss_mb"] = {side: max(r[side][step]["peak_rss_mb"] for r in rounds) for side in ("local", "s3")}
        out[step] = row
    return out


def table(results: dict) -> str:
    lines = [
        f"N={results['n']} articles, {results['rounds']} rounds, medians (moto on 127.0.0.1: protocol overhead, no network);",
        "ingest, rerun, write stage and flow: seconds per 1,000 articles; sql_* (commands) and query_* (in one process): seconds",
        f"{'step':22} {'local s':>9} {'S3 s':>9} {'S3/local':>9} {'peak RSS local/S3 MB':>22}",
    ]
    for step, row in results["summary"].items():
        rss = f"{row['peak_rss_mb']['local']}/{row['peak_rss_mb']['s3']}" if "peak_rss_mb" in row else ""
        ratio = f"{row['ratio']:.2f}x" if row["ratio"] is not None else "-"
        lines.append(f"{step:22} {row['local']:9.2f} {row['s3']:9.2f} {ratio:>9} {rss:>22}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1000, help="articles in the corpus")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--quick", action="store_true", help="N=200, 1 round")
    args = parser.parse_args()
    if args.quick:
        args.n, args.rounds = 200, 1
    scratch = Path(tempfile.mkdtemp(prefix="pressroom-s3-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "PRESSROOM_", "AWS_"))}
    env.update({"PREFECT_HOME": str(scratch / "prefect-home"), "PRESSROOM_WORKERS": "2", "PRESSROOM_CACHE": str(scratch / "cache")})

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    moto, endpoint = start_moto(scratch / "moto.log")
    try:
        create_bucket(endpoint)
        s3_env = {**env, **AWS, "AWS_ENDPOINT_URL": endpoint}
        write_corpus(scratch / "corpus", args.n)
        first = measure([PRESSROOM, "dedup", "-q"], {**env, "PRESSROOM_WAREHOUSE": str(scratch / "warmup")})
        log(f"first command (background server start, left out): {first['wall_seconds']:.1f} s")
        rounds = []
        for i in range(args.rounds):
            log(f"round {i + 1}/{args.rounds}")
            sides = {
                "local": {**env, "PRESSROOM_WAREHOUSE": str(scratch / f"local-{i}")},
                "s3": {**s3_env, "PRESSROOM_WAREHOUSE": f"s3://{BUCKET}/round-{i}"},
            }
            order = ["local", "s3"] if i % 2 == 0 else ["s3", "local"]
            rounds.append({side: one_side(side, scratch / "corpus", sides[side], log) for side in order})
        results = {
            "bench": "s3",
            "when": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f} at the end",
            "n": args.n,
            "rounds": args.rounds,
            "summary": summarize(rounds, args.n),
            "raw": rounds,
        }
    finally:
        subprocess.run([PRESSROOM, "server", "stop"], env=env, cwd=ROOT, capture_output=True)
        moto.terminate()
        moto.wait()
        shutil.rmtree(scratch, ignore_errors=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"s3-{results['when'].replace(':', '')}.json").write_text(json.dumps(results, indent=1))
    print(table(results))


if __name__ == "__main__":
    main()
