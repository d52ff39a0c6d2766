"""Dedup as whole commands (issue 16): `pressroom dedup` of N stored articles beside the bare
rensa + DuckDB reference, then +ADD articles into them, each a subprocess as a user runs it.

    .venv/bin/python -m bench.dedup_bench --commands --n 100000 --add 1000 --rounds 2

bench/dedup_corpus.py's corpus (N + ADD articles, planted near and exact copies) is stored once
as the ingest and language flows would store the first N (bench/dedup_bench.py's `_ingest`, not
timed), and that warehouse set aside. A first command starts pressroom's background Prefect
server (bench/commands_bench.py), so each measured command finds it running, with the bytecode
compiled. Then per round, with the order of pressroom and the reference flipped every round:

- the warehouse copied back to the same path (not timed): no signatures, decisions or dedup
  cache, the views and the key index current, as after an ingest and a language run;
- `pressroom dedup` (PRESSROOM_WORKERS=2) and `python bench/reference_dedup.py` over the same N
  texts (rensa signatures on a spawned 2-process pool, bands joined in DuckDB);
- ADD more articles stored the same way (not timed), then `pressroom dedup` again: the
  increment's wall as a share of the full run's.

Per command: wall seconds, CPU seconds and peak RSS of its process tree (bench/memory.py, every
50 ms), the background Prefect server's CPU seconds meanwhile (its task-run records: on the
same cores, outside the tree), and for pressroom its flow run's seconds and stages from the
`runs` table. Precision and
recall of every run against the planted clusters, and a digest of pressroom's decisions (equal
in every round, and to bench/dedup_bench.py's step-by-step run on the same corpus). Medians over
the rounds; ratios are pressroom's rate over the reference's. JSON in bench/results/.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import psutil
import pyarrow.parquet as pq

from bench.commands_bench import PRESSROOM, PYTHON, ROOT, command_environment, measure, rounded_median, runs_of, start_background_server, stop_background_server
from bench.dedup_bench import RESULTS, _ingest, _pressroom_groups, _write_articles, score
from bench.dedup_corpus import generate_corpus


def _planted(clusters: list[list[str]], ids: set[str]) -> list[list[str]]:
    kept = ([m for m in c if m in ids] for c in clusters)
    return [c for c in kept if len(c) > 1]


def _reference_groups(path: Path) -> list[list[str]]:
    groups: dict[int, list[str]] = {}
    for row in pq.read_table(path).to_pylist():
        groups.setdefault(row["group"], []).append(row["article_id"])
    return list(groups.values())


def _server_cpu(env: dict[str, str]) -> float:
    """CPU seconds so far of the background Prefect server's processes (its supervisor names
    itself in PREFECT_HOME/pressroom-server/state.json): a command's task runs cost the server
    CPU on the same cores, outside the command's process tree."""
    state = Path(env["PREFECT_HOME"]) / "pressroom-server" / "state.json"
    try:
        supervisor = psutil.Process(json.loads(state.read_text(encoding="utf-8"))["pid"])
        processes = [supervisor, *supervisor.children(recursive=True)]
    except (OSError, ValueError, KeyError, psutil.Error):
        return 0.0
    return sum(t.user + t.system for t in (p.cpu_times() for p in processes))


def _measured(argv: list[str], env: dict[str, str]) -> dict:
    """commands_bench.measure, with the background server's CPU seconds during the command."""
    before = _server_cpu(env)
    result = measure(argv, env)
    result["server_cpu_seconds"] = round(_server_cpu(env) - before, 2)
    return result


def _command(result: dict, run: dict | None = None) -> dict:
    """What a table needs of one measured command, and its flow run's seconds and stages."""
    out = {k: result[k] for k in ("wall_seconds", "tree_cpu_seconds", "server_cpu_seconds", "peak_rss_mb", "peak_processes")}
    if run is not None:
        out["run_seconds"] = round(run["seconds"], 3)
        out["stages"] = run["stages"]
    if "printed" in result:
        out["work_seconds"] = result["printed"]["work_seconds"]
    return out


def one_round(i: int, corpus, n: int, add: int, work: Path, env: dict[str, str], log) -> dict:
    """Full run against the reference (order flipped every round), then the increment."""
    warehouse, pristine, texts = work / "warehouse", work / "pristine", work / "texts.parquet"
    shutil.rmtree(warehouse, ignore_errors=True)
    shutil.copytree(pristine, warehouse)
    os.sync()  # the copy is on disk, as an ingest's files are when a scheduled dedup starts
    penv = {**env, "PRESSROOM_WAREHOUSE": str(warehouse), "PYTHONPATH": str(ROOT)}
    steps = [("reference", [PYTHON, "bench/reference_dedup.py", str(texts), str(work / "reference.parquet")]), ("full", [PRESSROOM, "dedup"])]
    measured: dict[str, dict] = {}
    for name, argv in steps[:: 1 if i % 2 == 0 else -1]:
        measured[name] = _measured(argv, penv)
        log(f"  round {i + 1} {name:<10} {measured[name]['wall_seconds']:8.2f} s wall  {measured[name]['tree_cpu_seconds']:7.2f} CPU-s  peak {measured[name]['peak_rss_mb']} MB")
    all_ids = corpus.articles.column("article_id").to_pylist()
    base_truth = _planted(corpus.clusters, set(all_ids[:n]))
    groups, digest = _pressroom_groups(str(warehouse))
    r: dict = {"full_scores": score(groups, base_truth), "full_digest": digest,
               "reference_scores": score(_reference_groups(work / "reference.parquet"), base_truth)}
    if add:
        _ingest(corpus, warehouse, slice(n, n + add))
        os.sync()
        measured["increment"] = _measured([PRESSROOM, "dedup"], penv)
        log(f"  round {i + 1} {'+' + str(add):<10} {measured['increment']['wall_seconds']:8.2f} s wall  {measured['increment']['tree_cpu_seconds']:7.2f} CPU-s  peak {measured['increment']['peak_rss_mb']} MB")
        groups, r["increment_digest"] = _pressroom_groups(str(warehouse))
        r["increment_scores"] = score(groups, _planted(corpus.clusters, set(all_ids[: n + add])))
    runs = [run for run in runs_of(penv) if run["flow"] == "dedup"]
    r["reference"] = _command(measured["reference"])
    r["full"] = _command(measured["full"], runs[0])
    if add:
        r["increment"] = _command(measured["increment"], runs[1])
    shutil.rmtree(warehouse, ignore_errors=True)
    return r


def summarize(rounds: list[dict], n: int, add: int) -> dict:
    """Medians over the rounds, and the ratios and bars of issue 16."""
    out: dict = {}
    for name in ("reference", "full", "increment"):
        rows = [r[name] for r in rounds if name in r]
        if not rows:
            continue
        s = {key: rounded_median([x[key] for x in rows]) for key in ("wall_seconds", "tree_cpu_seconds", "server_cpu_seconds", "peak_rss_mb")}
        s["wall_seconds_each"] = [x["wall_seconds"] for x in rows]
        s["tree_cpu_seconds_each"] = [x["tree_cpu_seconds"] for x in rows]
        for key in ("run_seconds", "work_seconds"):
            if key in rows[0]:
                s[key] = rounded_median([x[key] for x in rows])
        if "stages" in rows[0]:
            s["stages"] = {k: rounded_median([x["stages"].get(k, 0.0) for x in rows]) for k in rows[0]["stages"]}
        out[name] = s
    speed = rounded_median([r["reference"]["wall_seconds"] / r["full"]["wall_seconds"] for r in rounds])
    out["ratios"] = {
        "whole_rate": speed,
        "cpu": rounded_median([r["reference"]["tree_cpu_seconds"] / r["full"]["tree_cpu_seconds"] for r in rounds]),
        "cpu_with_server": rounded_median([r["reference"]["tree_cpu_seconds"] / (r["full"]["tree_cpu_seconds"] + r["full"]["server_cpu_seconds"]) for r in rounds]),
        "steady_rate": rounded_median([r["reference"]["work_seconds"] / r["full"]["run_seconds"] for r in rounds]),
        "peak_rss": rounded_median([r["full"]["peak_rss_mb"] / r["reference"]["peak_rss_mb"] for r in rounds]),
    }
    out["bars"] = {f"`pressroom dedup` of {n:,} >= 1.5x the reference (whole command, rate)": (speed, speed >= 1.5)}
    if add:
        share = rounded_median([r["increment"]["wall_seconds"] / r["full"]["wall_seconds"] for r in rounds])
        out["increment_share"] = {"wall": share, "cpu": rounded_median([r["increment"]["tree_cpu_seconds"] / r["full"]["tree_cpu_seconds"] for r in rounds])}
        out["bars"][f"+{add:,} into {n:,} <= 10 % of a full run (wall)"] = (share, share <= 0.10)
    return out


def table(results: dict) -> str:
    s = results["summary"]
    lines = [
        f"{results['n']:,} articles (+{results['add']:,}), {results['rounds']} rounds; load average {results['load_average_start']} at start, "
        f"{results['load_average_end']} at end; {results['cpus']} CPUs; {results['total_seconds'] / 60:.1f} min in all",
        "",
        f"{'command (medians)':<34}{'wall s':>9}{'CPU s':>9}{'server':>9}{'run s':>9}{'peak MB':>9}   walls",
    ]
    labels = {"reference": "reference (rensa Pool(2) + DuckDB)", "full": "`pressroom dedup`", "increment": f"`pressroom dedup`, +{results['add']:,}"}
    for name, label in labels.items():
        if name in s:
            x = s[name]
            run = x.get("run_seconds", x.get("work_seconds", 0))
            lines.append(f"{label:<34}{x['wall_seconds']:>9.2f}{x['tree_cpu_seconds']:>9.2f}{x['server_cpu_seconds']:>9.2f}{run:>9.2f}{x['peak_rss_mb']:>9.0f}   {x['wall_seconds_each']}")
    ratios = s["ratios"]
    lines += ["", f"pressroom over the reference: whole-command rate {ratios['whole_rate']:.2f}x, steady-state {ratios['steady_rate']:.2f}x, "
                  f"CPU seconds {ratios['cpu']:.2f}x fewer ({ratios['cpu_with_server']:.2f}x with the server's), peak RSS {ratios['peak_rss']:.2f}x"]
    if "increment_share" in s:
        lines.append(f"increment over the full run: wall {s['increment_share']['wall']:.1%}, CPU {s['increment_share']['cpu']:.1%}")
    for name in ("full", "increment"):
        if name in s:
            x = s[name]
            stages = ", ".join(f"{k} {v:.2f}" for k, v in x["stages"].items())
            lines.append(f"  {labels[name]}: wall {x['wall_seconds']:.2f} = flow run {x['run_seconds']:.2f} + outside it {x['wall_seconds'] - x['run_seconds']:.2f}; stages: {stages}")
    per_round = results["per_round"]
    lines += ["", "precision / recall per round: " + "; ".join(
        f"pressroom {r['full_scores']['precision']:.4f} / {r['full_scores']['recall']:.4f}, reference {r['reference_scores']['precision']:.4f} / {r['reference_scores']['recall']:.4f}"
        + (f", +{results['add']:,} {r['increment_scores']['precision']:.4f} / {r['increment_scores']['recall']:.4f}" if "increment_scores" in r else "")
        for r in per_round),
        "decisions digests: " + ", ".join(sorted({r["full_digest"] for r in per_round}) + sorted({r.get("increment_digest", "") for r in per_round} - {""}))]
    lines += ["", "bars:"] + [f"  {'PASS' if ok else 'FAIL'}  {k}: {v:.3g}" for k, (v, ok) in s["bars"].items()]
    return "\n".join(lines)


def run(n: int, add: int, rounds: int, seed: int, near: float, exact: float) -> dict:
    """The whole bench: corpus, warehouse, background server, rounds; prints the table."""
    t0 = time.perf_counter()

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    results: dict = {"bench": "dedup-commands", "at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "n": n, "add": add, "rounds": rounds,
                     "cpus": os.cpu_count(), "load_average_start": [round(x, 2) for x in os.getloadavg()]}
    work = Path(tempfile.mkdtemp(prefix="pressroom-dedup-commands-"))
    env = command_environment(work)
    try:
        corpus = generate_corpus(n + add, near_fraction=near, exact_fraction=exact, seed=seed)
        _write_articles(corpus, work / "texts.parquet", slice(0, n))
        # stored at the path every round uses, so the views built now stay current in the copies
        _ingest(corpus, work / "warehouse", slice(0, n))
        (work / "warehouse").rename(work / "pristine")
        log(f"corpus: {n:,} articles (+{add:,}) stored in {time.perf_counter() - t0:.0f} s; load average {results['load_average_start']}")
        results["first_command"] = start_background_server(env, work / "warehouse-warmup")
        log(f"first command (background server start): {results['first_command']['wall_seconds']} s")
        results["per_round"] = []
        for i in range(rounds):
            results["per_round"].append(one_round(i, corpus, n, add, work, env, log))
    finally:
        stop_background_server(env)
        shutil.rmtree(work, ignore_errors=True)
    results["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    results["total_seconds"] = round(time.perf_counter() - t0, 1)
    results["summary"] = summarize(results["per_round"], n, add)
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"dedup-commands-{n}-{results['at'].replace(':', '').replace('-', '')[:15]}.json"
    out.write_text(json.dumps(results, indent=2))
    print(table(results))
    print(f"\nwritten to {out.relative_to(ROOT)}")
    return results
