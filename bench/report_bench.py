"""Report benchmark: `pressroom report` on a warehouse of N articles, as a whole command (start-up
included), beside a bare DuckDB reference, interleaved, median of the rounds, peak RSS.

    .venv/bin/python -m bench.report_bench [--n 100000] [--rounds 3]

The warehouse is bench/report_corpus.py's (300 sources of Zipf-like sizes, 60 languages in 17
scripts, ten years of dates, 12 ingest runs, quarantine, duplicate groups), written through the
warehouse writer. The reference is one Python process that opens `warehouse.duckdb` read-only
and runs the aggregates a person would write by hand for the same page (articles per month and
language, per-source sums of `source_health`, duplicate group sizes, articles per script and
language) and writes them as bare HTML tables: what the command adds (its import, the read-only
query connection, the top-N folding, the SVG and the page) is the difference. The command's own
split between DuckDB and drawing is timed once in this process. Bar: the command in < 30 s.
Results go to bench/results/ as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from bench.export_bench import PRESSROOM, PROJECT, RESULTS, measured
from bench.report_corpus import build_report_warehouse

BAR_SECONDS = 30.0

BARE_REPORT = """
import html, sys, duckdb
root, out = sys.argv[1], sys.argv[2]
con = duckdb.connect(root + "/warehouse.duckdb", read_only=True)
con.execute("SET TimeZone = 'UTC'")
queries = {
    "articles per month and language": "SELECT date_trunc('month', published_at)::DATE, language, count(*) FROM articles GROUP BY ALL ORDER BY ALL",
    "sources": "SELECT source, sum(inputs), sum(articles), sum(quarantined), sum(empty_bodies + short_bodies), sum(missing_title), "
               "sum(missing_published_at), sum(missing_authors), sum(duplicates) FROM source_health GROUP BY ALL ORDER BY 2 DESC",
    "duplicate groups": "SELECT dup_group, count(*) FROM articles WHERE dup_group IS NOT NULL GROUP BY ALL ORDER BY 2 DESC LIMIT 12",
    "scripts": "SELECT script, language, count(*) FROM articles GROUP BY ALL ORDER BY ALL",
}
with open(out, "w", encoding="utf-8") as page:
    for title, sql in queries.items():
        page.write(f"<h2>{html.escape(title)}</h2><table>")
        for row in con.execute(sql).fetchall():
            page.write("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>")
        page.write("</table>")
print("done")
"""


def _in_process(root: Path) -> dict:
    """The command's parts, once: DuckDB's queries, then drawing the page."""
    from tasks.report.page import render_page
    from warehouse.report_data import read_report_data

    started = time.perf_counter()
    data = read_report_data(root)
    queried = time.perf_counter()
    render_page(data, root, datetime.now(timezone.utc))
    return {"queries_seconds": round(queried - started, 2), "render_seconds": round(time.perf_counter() - queried, 2)}


def main(argv: list[str] | None = None) -> dict:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles in the warehouse")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="report-bench-"))
    try:
        root = work / "warehouse"
        t = time.perf_counter()
        held = build_report_warehouse(root, args.n, seed=args.seed)
        print(f"warehouse of {args.n:,} articles ({held['sources']} sources, {held['languages']} languages) built in {time.perf_counter() - t:.0f} s")
        env = {**os.environ, "PRESSROOM_WAREHOUSE": str(root), "PYTHONPATH": str(PROJECT)}
        load = os.getloadavg()
        result: dict = {"n": args.n, "held": held, "cpu_count": os.cpu_count(), "load_average_at_start": [round(x, 2) for x in load],
                        "started_at": datetime.now(timezone.utc).isoformat(), "rounds": []}
        print(f"load average {load[0]:.2f} on {os.cpu_count()} cores")
        for round_number in range(args.rounds):  # interleaved: load changes hit both alike
            out, bare_out = work / "report.html", work / "bare.html"
            pressroom = measured([str(PRESSROOM), "report", "-q", "--force", str(out)], env)
            pressroom["bytes"] = out.stat().st_size
            bare = measured([sys.executable, "-c", BARE_REPORT, str(root), str(bare_out)], env)
            bare["bytes"] = bare_out.stat().st_size
            result["rounds"].append({"pressroom_report": pressroom, "bare_duckdb": bare})
            print(f"round {round_number + 1}: pressroom report {pressroom['seconds']:6.1f} s {pressroom['peak_rss_mb']:5} MB peak RSS "
                  f"{pressroom['bytes'] / 1e3:6.0f} kB | bare DuckDB {bare['seconds']:6.1f} s {bare['peak_rss_mb']:5} MB")
        summary = {}
        for name in ("pressroom_report", "bare_duckdb"):
            runs = [r[name] for r in result["rounds"]]
            summary[name] = {"median_seconds": statistics.median(r["seconds"] for r in runs), "max_peak_rss_mb": max(r["peak_rss_mb"] for r in runs)}
        ratio = {"seconds": round(summary["pressroom_report"]["median_seconds"] / summary["bare_duckdb"]["median_seconds"], 2),
                 "peak_rss": round(summary["pressroom_report"]["max_peak_rss_mb"] / summary["bare_duckdb"]["max_peak_rss_mb"], 2)}
        parts = _in_process(root)
        result.update(summary=summary, ratio=ratio, parts=parts, load_average_at_end=[round(x, 2) for x in os.getloadavg()])
        median = summary["pressroom_report"]["median_seconds"]
        print(f"median of {args.rounds}: pressroom report {median:.1f} s ({summary['pressroom_report']['max_peak_rss_mb']} MB), bare "
              f"{summary['bare_duckdb']['median_seconds']:.1f} s ({summary['bare_duckdb']['max_peak_rss_mb']} MB): ratio {ratio['seconds']:.2f}x time, "
              f"{ratio['peak_rss']:.2f}x memory; in process: queries {parts['queries_seconds']} s, drawing {parts['render_seconds']} s; "
              f"bar < {BAR_SECONDS:.0f} s: {'met' if median < BAR_SECONDS else 'MISSED'}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"report-{args.n}-{datetime.now(timezone.utc):%Y%m%dT%H%M%S}.json"
    path.write_text(json.dumps(result, indent=1, default=str))
    print(f"results: {path}")
    return result


if __name__ == "__main__":
    main()
