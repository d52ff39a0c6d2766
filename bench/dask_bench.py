"""Dask benchmark: the CPU stages on 2 Dask workers against the 2-process pool on the same data,
as whole commands (issue 19).

    .venv/bin/python -m bench.dask_bench                  # N=4000, 2 rounds
    .venv/bin/python -m bench.dask_bench --n 300 --rounds 1   # a smoke run

A corpus of N generated news pages (bench/ingest_corpus.py) is written once, and a first command
starts pressroom's background Prefect server in a temporary PREFECT_HOME (left out). A Dask
scheduler and 2 workers of one thread each are started as an operator starts them
(docs/scaling.md), once, before the rounds. Then per round, for each executor, in an order that
turns every round, into a fresh warehouse: `pressroom ingest CORPUS` (the clean unit: decode,
extract, normalize), `pressroom languages` (language tagging), `pressroom dedup` (MinHash
signatures, then grouping in the flow run). The executors: `pool` (`PRESSROOM_EXECUTOR=processes`,
PRESSROOM_WORKERS=2), `dask-local` (`dask-local:2`: each command starts and stops a LocalCluster
of 2 workers) and `dask` (`dask://` the running cluster: the engine's cost without its start).
Each command is a subprocess (bench/commands_bench.measure: wall seconds, start-up included, and
peak RSS and CPU seconds of its process tree, sampled every 50 ms: a forkserver's workers are
not reaped by the command, so getrusage would miss them); for `dask`, the CPU the running
cluster's processes used meanwhile is added (the background Prefect server is in neither). Its
flow run's seconds and stage seconds come from its `runs` row (stages_json). Whole-command rate
= items / wall; steady-state rate = items / the flow run's seconds. Medians over the rounds;
ratios are each Dask executor's rate over the pool's (medians of the per-round ratios).
Results: a table, and JSON in bench/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import psutil

from bench.commands_bench import PRESSROOM, PYTHON, RESULTS, ROOT, measure, rounded_median, runs_of
from bench.ingest_corpus import write_corpus
from bench.local_server import start_listening

COMMANDS = ("ingest", "languages", "dedup")


@contextmanager
def running_cluster(env: dict[str, str], workers: int = 2) -> Iterator[tuple[str, Callable[[], float]]]:
    """A Dask scheduler and `workers` worker processes (one thread each) started as an operator
    starts them (docs/scaling.md), before the rounds: its address, and a function giving the CPU
    seconds its processes have used so far."""
    from distributed import Client

    scheduler, url = start_listening(
        lambda port: [PYTHON, "-m", "distributed.cli.dask_scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
        "dask scheduler", 120, env=env, cwd=ROOT, stderr=subprocess.DEVNULL,
    )
    address = url.replace("http://", "tcp://")
    worker = subprocess.Popen(
        [PYTHON, "-m", "distributed.cli.dask_worker", address, "--nworkers", str(workers), "--nthreads", "1", "--no-dashboard"],
        env=env, cwd=ROOT, stderr=subprocess.DEVNULL,
    )
    try:
        with Client(address, timeout=120) as client:
            client.wait_for_workers(workers, timeout=300)

        def cpu_seconds() -> float:
            processes = [psutil.Process(p.pid) for p in (scheduler, worker)]
            processes += [c for p in processes[1:] for c in p.children(recursive=True)]
            return sum(sum(p.cpu_times()[:2]) for p in processes)

        yield address, cpu_seconds
    finally:
        for process in (worker, scheduler):
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()


def one_round(i: int, corpus: Path, scratch: Path, env: dict[str, str], executors: dict[str, str], cluster_cpu: Callable[[], float], log) -> dict:
    """Every executor, each on a fresh warehouse; the order turns every round."""
    r: dict = {}
    names = list(executors)
    for name in names[i % len(names) :] + names[: i % len(names)]:
        warehouse = scratch / f"warehouse-{name}-{i}"
        xenv = {**env, "PRESSROOM_WAREHOUSE": str(warehouse), "PRESSROOM_EXECUTOR": executors[name]}
        steps = {}
        for command in COMMANDS:
            cluster_before = cluster_cpu()
            steps[command] = measure([PRESSROOM, command, *([str(corpus)] if command == "ingest" else [])], xenv)
            # the command's process tree, sampled (a forkserver's workers are not reaped by the
            # command); a running cluster's processes are not in it: what they used meanwhile is added
            cluster = cluster_cpu() - cluster_before if name == "dask" else 0.0
            steps[command]["cpu_seconds"] = round(steps[command]["tree_cpu_seconds"] + cluster, 2)
            log(f"  round {i + 1} {name:<5} {command:<10} {steps[command]['wall_seconds']:8.2f} s  cpu {steps[command]['cpu_seconds']} s  peak {steps[command]['peak_rss_mb']} MB")
        for command, run in zip(COMMANDS, runs_of(xenv)):
            steps[command]["run"] = run
        r[name] = steps
        shutil.rmtree(warehouse, ignore_errors=True)
    return r


def summarize(rounds: list[dict], n: int) -> dict:
    """Medians per executor and command; each Dask executor's ratios over the pool."""
    out: dict = {}
    for name in rounds[0]:
        for command in COMMANDS:
            rows = [r[name][command] for r in rounds]
            stages = rows[0]["run"]["stages"]
            out[f"{name} {command}"] = {
                "items": n,
                "wall_seconds": rounded_median([x["wall_seconds"] for x in rows]),
                "run_seconds": rounded_median([x["run"]["seconds"] for x in rows]),
                "whole_rate": rounded_median([n / x["wall_seconds"] for x in rows]),
                "steady_rate": rounded_median([n / x["run"]["seconds"] for x in rows]),
                "cpu_seconds": rounded_median([x["cpu_seconds"] for x in rows]),
                "peak_rss_mb": rounded_median([x["peak_rss_mb"] for x in rows]),
                "peak_processes": max(x["peak_processes"] for x in rows),
                "stages": {k: rounded_median([x["run"]["stages"].get(k, 0.0) for x in rows]) for k in stages},
            }
    out["ratios"] = {
        f"{name} {command}": {
            "whole_rate": rounded_median([r["pool"][command]["wall_seconds"] / r[name][command]["wall_seconds"] for r in rounds]),
            "steady_rate": rounded_median([r["pool"][command]["run"]["seconds"] / r[name][command]["run"]["seconds"] for r in rounds]),
            "cpu_seconds": rounded_median([r[name][command]["cpu_seconds"] / r["pool"][command]["cpu_seconds"] for r in rounds]),
            "peak_rss": rounded_median([r[name][command]["peak_rss_mb"] / r["pool"][command]["peak_rss_mb"] for r in rounds]),
        }
        for name in rounds[0]
        if name != "pool"
        for command in COMMANDS
    }
    # issue 19's bar is on the LocalCluster: its whole commands (start-up and the cluster's start
    # included, as users run them) and their flow runs; a running cluster's are shown beside
    out["bars"] = {
        f"{key}: {label} rate >= 0.9x the pool's ({v[rate]:.2f}x)": v[rate] >= 0.9
        for key, v in out["ratios"].items()
        for label, rate in (("whole-command", "whole_rate"), ("steady-state", "steady_rate"))
    }
    return out


def table(results: dict) -> str:
    s = results["summary"]
    lines = [
        f"load average at start {results['load_average_start']}, at end {results['load_average_end']}; {results['cpus']} CPUs; "
        f"{results['rounds']} rounds; {results['total_seconds'] / 60:.1f} min in all; {results['n']} pages",
        "",
        f"{'executor command (medians)':<28}{'wall s':>9}{'run s':>9}{'cpu s':>9}{'whole/s':>9}{'steady/s':>9}{'peak MB':>9}{'procs':>6}  stage seconds",
    ]
    for key, x in s.items():
        if key in ("ratios", "bars"):
            continue
        stages = ", ".join(f"{k} {v:.1f}" for k, v in x["stages"].items())
        lines.append(
            f"{key:<28}{x['wall_seconds']:>9.2f}{x['run_seconds']:>9.2f}{x['cpu_seconds']:>9.1f}{x['whole_rate']:>9.1f}{x['steady_rate']:>9.1f}"
            f"{x['peak_rss_mb']:>9.0f}{x['peak_processes']:>6}  {stages}"
        )
    lines += ["", "Dask over the pool (medians of the per-round ratios; rates: higher is better, CPU and RSS: lower is):",
              f"{'':<22}{'whole':>8}{'steady':>8}{'CPU s':>8}{'peak RSS':>10}"]
    for command, v in s["ratios"].items():
        lines.append(f"{command:<22}{v['whole_rate']:>7.2f}x{v['steady_rate']:>7.2f}x{v['cpu_seconds']:>7.2f}x{v['peak_rss']:>9.2f}x")
    lines += ["", *(f"{bar}: {'met' if met else 'NOT met'}" for bar, met in s["bars"].items())]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=4000, help="pages in the generated corpus (default 4000)")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--table", type=Path, metavar="JSON", help="print the table of an earlier run's JSON and stop")
    args = parser.parse_args()
    if args.table:
        print(table(json.loads(args.table.read_text())))
        return
    t0 = time.perf_counter()
    scratch = Path(tempfile.mkdtemp(prefix="pressroom-dask-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "PRESSROOM_", "DASK_"))}
    env.update({"PREFECT_HOME": str(scratch / "prefect-home"), "PRESSROOM_WORKERS": "2",
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"})

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    results: dict = {"bench": "dask", "at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "python": platform.python_version(),
                     "cpus": os.cpu_count(), "load_average_start": [round(x, 2) for x in os.getloadavg()], "n": args.n, "rounds": args.rounds}
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"dask-{args.n}-{results['at'].replace(':', '').replace('-', '')[:15]}.json"
    rounds: list[dict] = []
    try:
        results["corpus"] = write_corpus(scratch / "corpus", args.n, args.seed).as_dict()
        results["first_command"] = measure([PRESSROOM, "dedup"], {**env, "PRESSROOM_WAREHOUSE": str(scratch / "warehouse-warmup")})
        log(f"first command (background server start): {results['first_command']['wall_seconds']} s")
        with running_cluster(env) as (address, cluster_cpu):
            executors = {"pool": "processes", "dask-local": "dask-local:2", "dask": address}
            for i in range(args.rounds):
                rounds.append(one_round(i, scratch / "corpus", scratch, env, executors, cluster_cpu, log))
                results["per_round"] = rounds
                out.write_text(json.dumps(results, indent=2))
    finally:
        subprocess.run([PRESSROOM, "server", "stop"], env=env, cwd=ROOT, capture_output=True)
        shutil.rmtree(scratch, ignore_errors=True)
    results["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    results["total_seconds"] = round(time.perf_counter() - t0, 1)
    results["summary"] = summarize(rounds, args.n)
    out.write_text(json.dumps(results, indent=2))
    print(table(results))
    print(f"\nwritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
