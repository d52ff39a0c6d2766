"""Dask benchmark: the CPU stages on a 2-worker Dask LocalCluster against the 2-process pool on
the same data, as whole commands (issue 19).

    .venv/bin/python -m bench.dask_bench                  # N=1000, 2 rounds
    .venv/bin/python -m bench.dask_bench --n 300 --rounds 1   # a smoke run

A corpus of N generated news pages (bench/ingest_corpus.py) is written once, and a first command
starts pressroom's background Prefect server in a temporary PREFECT_HOME (left out). Then per
round, for each executor (`PRESSROOM_EXECUTOR=processes` with PRESSROOM_WORKERS=2, and
`dask-local:2`; which goes first flips every round), into a fresh warehouse:
`pressroom ingest CORPUS` (the clean unit: decode, extract, normalize), `pressroom languages`
(language tagging), `pressroom dedup` (MinHash signatures, then grouping in the flow run). Each
command is a subprocess (bench/commands_bench.measure: wall seconds, start-up included, and peak
RSS of its process tree, every 50 ms); its flow run's seconds and stage seconds come from its
`runs` row (stages_json), and the CPU seconds of its process tree from getrusage (its workers
are its children, reaped by it; the background server is not in it). Whole-command rate = items / wall; steady-state rate = items / the
flow run's seconds. Medians over the rounds; ratios are Dask's rate over the pool's (medians
of the per-round ratios). Results: a table, and JSON in bench/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from bench.commands_bench import PRESSROOM, RESULTS, ROOT, measure, runs_of
from bench.ingest_corpus import write_corpus

EXECUTORS = {"pool": "processes", "dask": "dask-local:2"}
COMMANDS = ("ingest", "languages", "dedup")


def one_round(i: int, corpus: Path, scratch: Path, env: dict[str, str], log) -> dict:
    """Both executors, each on a fresh warehouse; the pool first in even rounds."""
    r: dict = {}
    for name in list(EXECUTORS)[:: 1 if i % 2 == 0 else -1]:
        warehouse = scratch / f"warehouse-{name}-{i}"
        xenv = {**env, "PRESSROOM_WAREHOUSE": str(warehouse), "PRESSROOM_EXECUTOR": EXECUTORS[name]}
        steps = {}
        for command in COMMANDS:
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            steps[command] = measure([PRESSROOM, command, *([str(corpus)] if command == "ingest" else [])], xenv)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            # the command's tree: its workers are reaped by it, so their CPU is counted in its own
            steps[command]["cpu_seconds"] = round(after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime, 2)
            log(f"  round {i + 1} {name:<5} {command:<10} {steps[command]['wall_seconds']:8.2f} s  cpu {steps[command]['cpu_seconds']} s  peak {steps[command]['peak_rss_mb']} MB")
        for command, run in zip(COMMANDS, runs_of(xenv)):
            steps[command]["run"] = run
        r[name] = steps
        shutil.rmtree(warehouse, ignore_errors=True)
    return r


def _median(values: list[float]) -> float:
    return round(statistics.median(values), 3)


def summarize(rounds: list[dict], n: int) -> dict:
    """Medians per executor and command; Dask-over-pool ratios."""
    out: dict = {}
    for name in EXECUTORS:
        for command in COMMANDS:
            rows = [r[name][command] for r in rounds]
            stages = rows[0]["run"]["stages"]
            out[f"{name} {command}"] = {
                "items": n,
                "wall_seconds": _median([x["wall_seconds"] for x in rows]),
                "run_seconds": _median([x["run"]["seconds"] for x in rows]),
                "whole_rate": _median([n / x["wall_seconds"] for x in rows]),
                "steady_rate": _median([n / x["run"]["seconds"] for x in rows]),
                "cpu_seconds": _median([x["cpu_seconds"] for x in rows]),
                "peak_rss_mb": _median([x["peak_rss_mb"] for x in rows]),
                "peak_processes": max(x["peak_processes"] for x in rows),
                "stages": {k: _median([x["run"]["stages"].get(k, 0.0) for x in rows]) for k in stages},
            }
    out["ratios"] = {
        command: {
            "whole_rate": _median([r["pool"][command]["wall_seconds"] / r["dask"][command]["wall_seconds"] for r in rounds]),
            "steady_rate": _median([r["pool"][command]["run"]["seconds"] / r["dask"][command]["run"]["seconds"] for r in rounds]),
            "cpu_seconds": _median([r["dask"][command]["cpu_seconds"] / r["pool"][command]["cpu_seconds"] for r in rounds]),
            "peak_rss": _median([r["dask"][command]["peak_rss_mb"] / r["pool"][command]["peak_rss_mb"] for r in rounds]),
        }
        for command in COMMANDS
    }
    out["bars"] = {f"{c}: Dask steady-state rate >= 0.9x the pool's": out["ratios"][c]["steady_rate"] >= 0.9 for c in COMMANDS}
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
              f"{'':<12}{'whole':>8}{'steady':>8}{'CPU s':>8}{'peak RSS':>10}"]
    for command, v in s["ratios"].items():
        lines.append(f"{command:<12}{v['whole_rate']:>7.2f}x{v['steady_rate']:>7.2f}x{v['cpu_seconds']:>7.2f}x{v['peak_rss']:>9.2f}x")
    lines += ["", *(f"{bar}: {'met' if met else 'NOT met'}" for bar, met in s["bars"].items())]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="pages in the generated corpus (default 1000)")
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
        for i in range(args.rounds):
            rounds.append(one_round(i, scratch / "corpus", scratch, env, log))
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
