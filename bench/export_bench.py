"""Export benchmark: `pressroom export` of a warehouse of N articles to JSONL and to Parquet,
beside a bare DuckDB COPY of the same view with the same options, each in its own process.

    .venv/bin/python -m bench.export_bench [--n 100000] [--formats jsonl parquet]

The warehouse holds the dedup benchmark's synthetic corpus (bench/dedup_corpus.py: ~300-word
articles, a tenth in Han characters) stored as the ingest and language flows store articles
(bench/dedup_bench.py `_ingest`). Each export runs as a child process while this one samples
the resident memory of that process tree (peak reported). The baseline is one process that
opens the warehouse read-only and runs `COPY (SELECT * FROM articles) TO ...` with the options
and the memory limit the command uses: what the command adds (its two connections and the
Arrow stream between them that feeds the progress bar) is the difference.

Each export is then read back by DuckDB and compared with the `articles` view row for row
(EXCEPT ALL both ways). Results go to bench/results/ as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from bench.dedup_bench import _ingest
from bench.dedup_corpus import generate_corpus
from bench.memory import PeakTreeRss

RESULTS = Path(__file__).resolve().parent / "results"
PROJECT = Path(__file__).resolve().parents[1]
PRESSROOM = Path(sys.executable).with_name("pressroom")

# The baseline: DuckDB alone, with the command's COPY options and memory limit.
BARE_COPY = """
import sys, duckdb
from pathlib import Path
from config.settings import Settings
from warehouse.export import copy_options, plan_target
root, out, fmt = Path(sys.argv[1]), sys.argv[2], sys.argv[3]
con = duckdb.connect(str(root / "warehouse.duckdb"), read_only=True)
con.execute("SET TimeZone = 'UTC'")
con.execute("SET memory_limit = ?", [Settings().duckdb_memory_limit])
print(con.execute(f"COPY (SELECT * FROM articles) TO '{out}' ({copy_options(plan_target(out, fmt))})").fetchall()[0][0])
"""


def measured(command: list[str], env: dict[str, str]) -> dict:
    """Wall time and peak resident memory of a command's process tree."""
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    with PeakTreeRss(lambda: [process.pid]) as memory:
        out, err = process.communicate()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise RuntimeError(f"{command[:3]} failed: {err.strip()[-500:]}")
    return {"seconds": round(seconds, 2), "peak_rss_mb": round(memory.peak_bytes / 2**20), "stdout": out.strip().splitlines()[-1:]}


def read_back(root: Path, out: Path, fmt: str) -> dict:
    """The export against the `articles` view: rows missing, rows extra, rows read."""
    from warehouse.catalog import connect

    con = connect(root, "1GB")
    try:
        columns = con.execute("DESCRIBE SELECT * FROM articles").fetchall()
        spec = "{" + ", ".join(f"'{c[0]}': '{c[1]}'" for c in columns) + "}"
        reader = f"read_parquet('{out}')" if fmt == "parquet" else f"read_json('{out}', columns = {spec}, format = 'newline_delimited')"
        missing = con.execute(f"SELECT count(*) FROM (SELECT * FROM articles EXCEPT ALL SELECT * FROM {reader})").fetchall()[0][0]
        extra = con.execute(f"SELECT count(*) FROM (SELECT * FROM {reader} EXCEPT ALL SELECT * FROM articles)").fetchall()[0][0]
        rows = con.execute(f"SELECT count(*) FROM {reader}").fetchall()[0][0]
        groups = con.execute(f"SELECT count(DISTINCT row_group_id) FROM parquet_metadata('{out}')").fetchall()[0][0] if fmt == "parquet" else None
    finally:
        con.close()
    return {"missing": missing, "extra": extra, "rows": rows, "row_groups": groups}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles in the warehouse")
    parser.add_argument("--formats", nargs="+", default=["jsonl", "parquet"], choices=["jsonl", "parquet", "csv"])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="export-bench-"))
    try:
        root = work / "warehouse"
        t = time.perf_counter()
        _ingest(generate_corpus(args.n, seed=args.seed), root, slice(0, args.n))
        print(f"warehouse of {args.n:,} articles built in {time.perf_counter() - t:.0f} s ({_size(root / 'articles') / 1e6:,.0f} MB of Parquet)")
        env = {**os.environ, "PRESSROOM_WAREHOUSE": str(root), "PYTHONPATH": str(PROJECT)}
        load = os.getloadavg()
        result: dict = {
            "n": args.n,
            "cpu_count": os.cpu_count(),
            "load_average_at_start": [round(x, 2) for x in load],
            "started_at": datetime.now(timezone.utc).isoformat(),
        }
        print(f"load average {load[0]:.2f} on {os.cpu_count()} cores")
        for fmt in args.formats:
            out = work / f"articles.{fmt}"
            pressroom = measured([str(PRESSROOM), "export", "-q", str(out)], env)
            pressroom.update(bytes=out.stat().st_size, **read_back(root, out, fmt))
            bare_out = work / f"bare.{fmt}"
            bare = measured([sys.executable, "-c", BARE_COPY, str(root), str(bare_out), fmt], env)
            bare["bytes"] = bare_out.stat().st_size
            ratio = {"seconds": round(pressroom["seconds"] / bare["seconds"], 2), "peak_rss": round(pressroom["peak_rss_mb"] / bare["peak_rss_mb"], 2)}
            result[fmt] = {"pressroom": pressroom, "bare_duckdb_copy": bare, "ratio": ratio}
            identical = pressroom["missing"] == pressroom["extra"] == 0 and pressroom["rows"] == args.n
            groups = "" if pressroom["row_groups"] is None else f", {pressroom['row_groups']} row groups"
            print(
                f"{fmt:8} pressroom export {pressroom['seconds']:6.1f} s {pressroom['peak_rss_mb']:5} MB peak RSS "
                f"{pressroom['bytes'] / 1e6:6.0f} MB | bare COPY {bare['seconds']:6.1f} s {bare['peak_rss_mb']:5} MB | "
                f"ratio {ratio['seconds']:.2f}x time, {ratio['peak_rss']:.2f}x memory | read back: "
                f"{'identical' if identical else 'DIFFERENT'} ({pressroom['rows']:,} rows{groups})"
            )
        result["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"export-{args.n}-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps(result, indent=1))
    print(f"results: {path}")
    return result


def _size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())


if __name__ == "__main__":
    main()
