"""Ingest benchmark: the ingest flow end to end beside a bare trafilatura loop, on one corpus.

    .venv/bin/python -m bench.ingest_bench [--n 2000] [--batch-size 200] [--keep]

N generated news pages (bench/ingest_corpus.py: 11 languages, 300-3,000 words, some tables and
lists, real-looking page furniture) are written to a temporary folder. Then, in this order:

- bare: a plain single-process loop over the files: read the bytes, decode UTF-8,
  `trafilatura.extract(html, fast=True, include_comments=False, with_metadata=True)`;
- the Prefect test harness's server is started (timed on its own, left out of throughput);
- pressroom with PRESSROOM_WORKERS=1, then with PRESSROOM_WORKERS=2, each a real `ingest` flow
  run (discover, fetch, skip-unchanged, decode, extract, normalize, write Parquet) into its own
  empty warehouse, talking to the harness's server;
- a rerun of the second ingest with nothing changed (every version is known and skipped);
- bare again, so a change in the machine's load during the run shows.

Each measurement runs in its own spawned child process while this process samples the resident
memory of that child and all its descendants (the extract pool's workers) every 50 ms; the
peak is reported. The server's memory is sampled apart. Imports are timed apart from the work;
a flow run's time includes everything inside it (pool start, Prefect task runs, run record).
Results are printed as a table and written as JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import shutil
import tempfile
import time
import traceback
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import psutil

from bench.ingest_corpus import write_corpus
from bench.memory import PeakTreeRss

RESULTS = Path(__file__).resolve().parent / "results"
# Set before Prefect is imported, here and in every child: offline-safe and quiet.
PREFECT_ENV = {
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "DO_NOT_TRACK": "1",
    "PREFECT_LOGGING_LEVEL": "WARNING",
}
SERVER_STARTUP_TIMEOUT = 90


def _cpu_seconds() -> float:
    """CPU time of this process and of its finished children (the extract pool's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _child_main(target: Callable[..., dict], args: tuple, env: dict[str, str], conn: Any) -> None:
    """Entry point of a measured child: set the environment, run, send the result or the error."""
    os.environ.update(env)
    try:
        conn.send(("ok", target(*args)))
    except BaseException:  # noqa: BLE001 - the parent reports any failure of the child
        conn.send(("error", traceback.format_exc()))
    finally:
        conn.close()


def in_child(target: Callable[..., dict], args: tuple, env: dict[str, str]) -> dict:
    """Run `target(*args)` in a spawned child with `env` added, sampling its process tree's
    memory; returns the target's result with `peak_rss_mb` (tree), `peak_rss_main_mb` (the child
    alone) and `peak_processes` added."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_child_main, args=(target, args, env, sender))
    child.start()
    sender.close()  # so that a child dying without sending ends recv() with EOFError
    with PeakTreeRss(lambda: [child.pid]) as memory:
        try:
            status, value = receiver.recv()
        except EOFError:
            child.join()
            status, value = "error", f"child exited with code {child.exitcode} before answering"
        child.join()
    if status != "ok":
        raise RuntimeError(f"{getattr(target, '__name__', target)} failed in its child process:\n{value}")
    return {
        **value,
        "peak_rss_mb": round(memory.peak_bytes / 2**20),
        "peak_rss_main_mb": round(memory.peak_root_bytes / 2**20),
        "peak_processes": memory.peak_processes,
    }


# ---------------------------------------------------------------- the two pipelines


def bare_loop(folder: str) -> dict:
    """The baseline: one process reads, decodes and extracts every file with trafilatura."""
    started = time.perf_counter()
    import trafilatura

    import_seconds = time.perf_counter() - started
    paths = sorted(Path(folder).glob("*.html"))
    cpu_before, started = _cpu_seconds(), time.perf_counter()
    extracted = chars = 0
    for path in paths:
        html = path.read_bytes().decode("utf-8")
        result = trafilatura.extract(html, fast=True, include_comments=False, with_metadata=True)
        if result:
            extracted += 1
            chars += len(result)
    seconds = time.perf_counter() - started
    return {
        "import_seconds": round(import_seconds, 2),
        "seconds": round(seconds, 3),
        "cpu_seconds": round(_cpu_seconds() - cpu_before, 2),
        "documents": len(paths),
        "extracted": extracted,
        "mean_output_chars": round(chars / max(extracted, 1)),
        "trafilatura": trafilatura.__version__,
    }


def pressroom_run(folder: str, warehouse: str) -> dict:
    """One `ingest` flow run over the folder into the warehouse (settings from the environment)."""
    started = time.perf_counter()
    import duckdb

    from flows.ingest import ingest
    from flows.parameters import IngestParameters

    import_seconds = time.perf_counter() - started
    cpu_before, started = _cpu_seconds(), time.perf_counter()
    summary = ingest(IngestParameters(uris=[folder]))
    seconds = time.perf_counter() - started
    cpu_seconds = _cpu_seconds() - cpu_before
    con = duckdb.connect()
    try:
        stored, mean_chars = con.execute(
            f"SELECT count(*), avg(length(text)) FROM read_parquet('{warehouse}/articles/**/*.parquet')"
        ).fetchone()
    finally:
        con.close()
    return {
        "import_seconds": round(import_seconds, 2),
        "seconds": round(seconds, 3),
        "cpu_seconds": round(cpu_seconds, 2),
        "workers": int(os.environ["PRESSROOM_WORKERS"]),
        "inputs": summary.inputs,
        "rows_added": dict(summary.rows_added),
        "quarantined": dict(summary.quarantine_reasons),
        "stages": {name: stats.as_dict() for name, stats in summary.stages.items()},
        "stage_seconds": round(sum(s.seconds for s in summary.stages.values()), 3),
        "articles_stored": stored,
        "mean_text_chars": round(mean_chars or 0),
    }


# ---------------------------------------------------------------- the run


def _rates(result: dict, documents: int, corpus_bytes: int, bare_seconds: float) -> dict:
    seconds = result["seconds"]
    return {
        **result,
        "docs_per_s": round(documents / seconds, 1),
        "mb_per_s": round(corpus_bytes / 2**20 / seconds, 2),
        "cores_used": round(result["cpu_seconds"] / seconds, 2),
        "vs_bare": round(bare_seconds / seconds, 2),
    }


def run(n: int, batch_size: int | None, seed: int, scratch: Path) -> dict:
    """Write the corpus, run every measurement and return the results."""
    corpus_dir = scratch / "corpus"
    started = time.perf_counter()
    corpus = write_corpus(corpus_dir, n, seed)
    corpus_seconds = time.perf_counter() - started
    base_env = {**PREFECT_ENV, "PREFECT_HOME": str(scratch / "prefect-home")}
    os.environ.update(base_env)

    bare_before = in_child(bare_loop, (str(corpus_dir),), base_env)

    from prefect.settings import PREFECT_API_URL
    from prefect.testing.utilities import prefect_test_harness

    existing = {p.pid for p in psutil.Process().children()}
    started = time.perf_counter()
    with prefect_test_harness(server_startup_timeout=SERVER_STARTUP_TIMEOUT):
        server_seconds = time.perf_counter() - started
        server_pids = [p.pid for p in psutil.Process().children() if p.pid not in existing]
        env = {**base_env, "PREFECT_API_URL": str(PREFECT_API_URL.value())}
        if batch_size:
            env["PRESSROOM_BATCH_SIZE"] = str(batch_size)
        runs = {}
        with PeakTreeRss(lambda: server_pids) as server_memory:
            for workers in (1, 2):
                warehouse = scratch / f"warehouse-{workers}-workers"
                runs[f"pressroom_{workers}_workers"] = in_child(
                    pressroom_run,
                    (str(corpus_dir), str(warehouse)),
                    {**env, "PRESSROOM_WAREHOUSE": str(warehouse), "PRESSROOM_WORKERS": str(workers)},
                )
            warehouse = scratch / "warehouse-2-workers"
            runs["rerun_unchanged_2_workers"] = in_child(
                pressroom_run,
                (str(corpus_dir), str(warehouse)),
                {**env, "PRESSROOM_WAREHOUSE": str(warehouse), "PRESSROOM_WORKERS": "2"},
            )

    bare_after = in_child(bare_loop, (str(corpus_dir),), base_env)
    bare_seconds = (bare_before["seconds"] + bare_after["seconds"]) / 2
    bare = {
        **{k: v for k, v in bare_before.items() if k not in ("seconds", "cpu_seconds")},
        "seconds": round(bare_seconds, 3),
        "seconds_before_after": [bare_before["seconds"], bare_after["seconds"]],
        "cpu_seconds": round((bare_before["cpu_seconds"] + bare_after["cpu_seconds"]) / 2, 2),
        "peak_rss_mb": max(bare_before["peak_rss_mb"], bare_after["peak_rss_mb"]),
    }
    return {
        "corpus": {**corpus.as_dict(), "write_seconds": round(corpus_seconds, 2)},
        "server": {
            "startup_seconds": round(server_seconds, 2),
            "processes": len(server_pids),
            "peak_rss_mb": round(server_memory.peak_bytes / 2**20),
        },
        "bare": _rates(bare, n, corpus.bytes, bare_seconds),
        **{name: _rates(result, n, corpus.bytes, bare_seconds) for name, result in runs.items()},
    }


def checks(results: dict) -> dict[str, bool]:
    """Whether every page landed once, nothing was quarantined, and the rerun added nothing."""
    n = results["corpus"]["pages"]
    out = {"bare extracted every page": results["bare"]["extracted"] == n}
    for workers in (1, 2):
        r = results[f"pressroom_{workers}_workers"]
        out[f"{workers} worker(s): {n} articles stored, none quarantined"] = (
            r["articles_stored"] == n and r["rows_added"].get("articles") == n and not r["quarantined"]
        )
    rerun = results["rerun_unchanged_2_workers"]
    out["rerun added no rows"] = not any(rerun["rows_added"].values()) and rerun["articles_stored"] == n
    return out


def _table(results: dict) -> str:
    c, server = results["corpus"], results["server"]
    lines = [
        f"load average {results['load_average_start']} -> {results['load_average_end']}   "
        f"{results['cpus']} CPUs, Python {results['python']}, trafilatura {results['bare']['trafilatura']}",
        f"corpus: {c['pages']} pages, {c['bytes'] / 2**20:.1f} MB (mean {c['mean_bytes'] / 1024:.1f} KB, "
        f"{c['min_bytes'] / 1024:.1f}-{c['max_bytes'] / 1024:.1f} KB), mean {c['mean_words']} words, "
        f"{len(c['languages'])} languages, {c['with_table']} with a table, {c['with_list']} with a list",
        f"Prefect test server start-up: {server['startup_seconds']} s (not in throughput); "
        f"server peak RSS {server['peak_rss_mb']} MB (not in the runs' peaks)",
        "",
        f"{'run':<28}{'s':>8}{'docs/s':>9}{'MB/s':>7}{'vs bare':>9}{'cores':>7}{'peak MB':>9}{'procs':>6}{'import s':>10}",
    ]
    names = ("bare", "pressroom_1_workers", "pressroom_2_workers", "rerun_unchanged_2_workers")
    for name in names:
        r = results[name]
        lines.append(
            f"{name:<28}{r['seconds']:>8.2f}{r['docs_per_s']:>9.1f}{r['mb_per_s']:>7.2f}{r['vs_bare']:>8.2f}x"
            f"{r['cores_used']:>7.2f}{r['peak_rss_mb']:>9}{r['peak_processes']:>6}{r['import_seconds']:>10.2f}"
        )
    lines.append(f"  bare seconds before / after the pressroom runs: {results['bare']['seconds_before_after']}")
    lines += ["", "per-stage seconds (RunSummary.stages; the rest of a run is Prefect's task runs, pool shutdown, run record):"]
    runs = {"pressroom_1_workers": "1 worker", "pressroom_2_workers": "2 workers", "rerun_unchanged_2_workers": "rerun"}
    lines.append(f"{'stage':<16}" + "".join(f"{label:>12}" for label in runs.values()))
    for stage in results["pressroom_1_workers"]["stages"]:
        lines.append(f"{stage:<16}" + "".join(f"{results[name]['stages'].get(stage, {}).get('seconds', 0):>12.2f}" for name in runs))
    lines.append(f"{'sum of stages':<16}" + "".join(f"{results[name]['stage_seconds']:>12.2f}" for name in runs))
    lines.append(f"{'outside stages':<16}" + "".join(f"{results[name]['seconds'] - results[name]['stage_seconds']:>12.2f}" for name in runs))
    lines += [
        "",
        f"mean text characters: pressroom {results['pressroom_2_workers']['mean_text_chars']}, "
        f"bare {results['bare']['mean_output_chars']} (bare's output includes its metadata header)",
        "",
        "checks: " + "  ".join(f"{k} {'PASS' if ok else 'FAIL'}" for k, ok in results["checks"].items()),
    ]
    return "\n".join(lines)


def main() -> None:
    """Run the benchmark, print the table, write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=2000, help="pages in the generated corpus")
    parser.add_argument("--batch-size", type=int, default=None, help="PRESSROOM_BATCH_SIZE for the flow runs (default: the setting's)")
    parser.add_argument("--seed", type=int, default=2024, help="seed of the corpus generator")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (corpus, warehouses) and print it")
    args = parser.parse_args()

    load_start = os.getloadavg()
    scratch = Path(tempfile.mkdtemp(prefix="pressroom-ingest-bench-"))
    try:
        measured = run(args.n, args.batch_size, args.seed, scratch)
    finally:
        if args.keep:
            print(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    results = {
        "bench": "ingest",
        "at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_start": [round(x, 2) for x in load_start],
        "load_average_end": [round(x, 2) for x in os.getloadavg()],
        "batch_size": args.batch_size,
        **measured,
    }
    results["checks"] = checks(results)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"ingest-{args.n}-{results['at'].replace(':', '').replace('-', '')[:15]}.json"
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(_table(results))
    print(f"\nwritten to {out.relative_to(Path.cwd()) if out.is_relative_to(Path.cwd()) else out}")


if __name__ == "__main__":
    main()
