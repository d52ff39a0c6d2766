"""Remote archive benchmark: `pressroom ingest URL` of WARC and WET files of growing size served
over HTTP on 127.0.0.1, beside a bare streaming reference, interleaved in the same run (issue 20,
item 6): is peak memory flat in the file's size, and what does the whole command cost?

    .venv/bin/python -m bench.warc_stream_bench                  # WET 1k/4k/16k, WARC 1k/4k; 2 rounds
    .venv/bin/python -m bench.warc_stream_bench --quick          # WET 500/2000, WARC 500; 1 round
    .venv/bin/python -m bench.warc_stream_bench --wet 1000 8000 --warc 1000 --rounds 3

Archives are written once, gzipped record by record as Common Crawl writes them, from the
ingest benchmark's generated news pages (bench/ingest_corpus.py, 12 languages): a WARC holds
warcinfo, then a request, a 200 response and a metadata record per page; a WET holds warcinfo
and one conversion record per page (the page's text with the markup stripped). A separate
`python -m http.server` process serves them (not measured). A first command starts pressroom's
background Prefect server (left out). Then per round, for each file, into a fresh warehouse, in
an order that flips every round: `pressroom ingest URL` (PRESSROOM_WORKERS=2), `pressroom ingest
FILE` of the same file on disk (what streaming costs over pressroom's own pipeline), and
bench/reference_warc_stream.py (warcio on the HTTP response, trafilatura on a 2-process pool,
1,000 documents at a time, one Parquet file), each a subprocess whose wall time (start-up
included) and peak RSS of its process tree (every 50 ms, bench/memory.py) are measured. The
articles pressroom stored are counted after each ingest. Medians over the rounds; memory growth
is the peak RSS of the largest file of a kind minus that of the smallest. Results: a table, and
JSON in bench/results/.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from bench.commands_bench import PRESSROOM, PYTHON, RESULTS, ROOT, measure
from bench.ingest_corpus import page
from bench.local_server import start_listening

_TAG = re.compile(r"<(script|style)\b.*?</\1>|<[^>]+>", re.DOTALL | re.IGNORECASE)
_BLANK_LINES = re.compile(r"\n\s*\n+")


def write_archive(path: Path, n: int, wet: bool, seed: int) -> dict:
    """A gzipped WARC or WET file of `n` pages; its size and record counts."""
    rng = random.Random(seed)
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "pressroom-bench"}))
        for i in range(n):
            generated = page(i, rng)
            url = f"https://{'wet' if wet else 'warc'}.example/{n}/{generated.name}"
            date = {"WARC-Date": f"2024-05-{1 + i % 28:02d}T12:00:00Z"}
            if wet:
                text = _BLANK_LINES.sub("\n\n", _TAG.sub("\n", generated.html)).strip()
                writer.write_record(writer.create_warc_record(url, "conversion", payload=BytesIO(text.encode()),
                                                              warc_content_type="text/plain", warc_headers_dict=date))
                continue
            request = StatusAndHeaders(f"GET /{generated.name} HTTP/1.1", [("Host", "warc.example")], is_http_request=True)
            writer.write_record(writer.create_warc_record(url, "request", payload=BytesIO(b""), http_headers=request))
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(generated.html.encode()), http_headers=http,
                                                          warc_headers_dict=date))
            writer.write_record(writer.create_warc_record(url, "metadata", payload=BytesIO(b"fetchTimeMs: 120\r\n"),
                                                          warc_content_type="application/warc-fields"))
    return {"pages": n, "records": 1 + n * (1 if wet else 3), "bytes": path.stat().st_size}


def serve(folder: Path) -> tuple[subprocess.Popen, str]:
    """`python -m http.server` on 127.0.0.1 for `folder`, once it answers."""
    return start_listening(lambda port: [PYTHON, "-m", "http.server", "--bind", "127.0.0.1", "--directory", str(folder), str(port)],
                           "the HTTP server", 30, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def stored_articles(env: dict[str, str]) -> int:
    text = subprocess.run([PRESSROOM, "sql", "--format", "json", "SELECT count(*) AS n FROM articles"], env=env, cwd=ROOT,
                          capture_output=True, text=True, check=True).stdout
    return json.loads(text)[0]["n"]


def one_round(i: int, files: list[dict], base: str, scratch: Path, env: dict[str, str], log) -> list[dict]:
    """Every file once through pressroom and once through the reference; the order flips each round."""
    results = []
    for f in files:
        url = f"{base}/{f['name']}"
        penv = {**env, "PRESSROOM_WAREHOUSE": str(scratch / f"warehouse-{i}-{f['name']}")}
        lenv = {**env, "PRESSROOM_WAREHOUSE": str(scratch / f"warehouse-{i}-local-{f['name']}")}
        steps = [("pressroom", [PRESSROOM, "ingest", "-q", url], penv),
                 ("reference", [PYTHON, str(ROOT / "bench" / "reference_warc_stream.py"), url, str(scratch / f"ref-{i}-{f['name']}.parquet")], env),
                 ("local", [PRESSROOM, "ingest", "-q", str(scratch / "files" / f["name"])], lenv)]
        r = {"file": f["name"], "round": i + 1}
        for name, argv, e in steps if i % 2 == 0 else reversed(steps):
            r[name] = measure(argv, e)
            log(f"  round {i + 1} {f['name']:<24} {name:<9} {r[name]['wall_seconds']:8.2f} s  peak {r[name]['peak_rss_mb']} MB")
        r["pressroom"]["articles"] = stored_articles(penv)
        r["local"]["articles"] = stored_articles(lenv)
        for e in (penv, lenv):
            shutil.rmtree(e["PRESSROOM_WAREHOUSE"], ignore_errors=True)
        results.append(r)
    return results


def summarize(files: list[dict], rounds: list[list[dict]]) -> list[dict]:
    """Per file: medians over the rounds of wall seconds and peak RSS, and pages per second."""
    rows = []
    for f in files:
        runs = [r for per_round in rounds for r in per_round if r["file"] == f["name"]]
        row = {**f}
        for who in ("pressroom", "reference", "local"):
            row[f"{who}_seconds"] = statistics.median(r[who]["wall_seconds"] for r in runs)
            row[f"{who}_peak_mb"] = statistics.median(r[who]["peak_rss_mb"] for r in runs)
            row[f"{who}_pages_per_s"] = round(f["pages"] / row[f"{who}_seconds"], 1)
        row["articles"] = [r["pressroom"]["articles"] for r in runs]
        row["local_articles"] = [r["local"]["articles"] for r in runs]
        row["reference_documents"] = [r["reference"].get("printed", {}).get("documents") for r in runs]
        row["ratio"] = round(row["pressroom_pages_per_s"] / row["reference_pages_per_s"], 2)
        rows.append(row)
    return rows


def table(results: dict) -> str:
    lines = ["| file | pages | MB | pressroom URL s | same file on disk s | reference s | ratio (rate) | pressroom URL peak MB | on disk peak MB | reference peak MB | articles |",
             "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for row in results["files"]:
        lines.append(f"| {row['name']} | {row['pages']} | {row['bytes'] / 2**20:.1f} | {row['pressroom_seconds']:.1f} | {row['local_seconds']:.1f} | "
                     f"{row['reference_seconds']:.1f} | {row['ratio']:.2f} | {row['pressroom_peak_mb']:.0f} | {row['local_peak_mb']:.0f} | "
                     f"{row['reference_peak_mb']:.0f} | {row['articles']} |")
    for kind, growth in results["memory_growth"].items():
        lines.append(f"\n{kind}: file {growth['file_mb'][0]:.1f} -> {growth['file_mb'][1]:.1f} MB; peak RSS pressroom "
                     f"{growth['pressroom_mb'][0]:.0f} -> {growth['pressroom_mb'][1]:.0f} MB, reference {growth['reference_mb'][0]:.0f} -> {growth['reference_mb'][1]:.0f} MB")
    return "\n".join(lines)


def memory_growth(rows: list[dict]) -> dict:
    growth = {}
    for kind in ("wet", "warc"):
        mine = sorted((r for r in rows if r["kind"] == kind), key=lambda r: r["bytes"])
        if len(mine) >= 2:
            small, large = mine[0], mine[-1]
            growth[kind] = {"file_mb": [small["bytes"] / 2**20, large["bytes"] / 2**20],
                            "pressroom_mb": [small["pressroom_peak_mb"], large["pressroom_peak_mb"]],
                            "reference_mb": [small["reference_peak_mb"], large["reference_peak_mb"]]}
    return growth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--wet", type=int, nargs="*", default=[1000, 4000, 16000], help="pages of each WET file")
    parser.add_argument("--warc", type=int, nargs="*", default=[1000, 4000], help="pages of each WARC file")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--quick", action="store_true", help="a smoke run: WET 500 and 2000, WARC 500, 1 round")
    args = parser.parse_args()
    if args.quick:
        args.wet, args.warc, args.rounds = [500, 2000], [500], 1

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    scratch = Path(tempfile.mkdtemp(prefix="pressroom-warc-stream-bench-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PREFECT_", "PRESSROOM_"))}
    env.update({"PREFECT_HOME": str(scratch / "prefect-home"), "PRESSROOM_WORKERS": "2",
                "PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"})
    results: dict = {"bench": "warc_stream", "at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "python": platform.python_version(),
                     "cpus": os.cpu_count(), "load_average_start": [round(x, 2) for x in os.getloadavg()], "rounds": args.rounds}
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"warc-stream-{results['at'].replace(':', '').replace('-', '')[:15]}.json"
    server = None
    try:
        (scratch / "files").mkdir()
        files = []
        for kind, sizes in (("wet", args.wet), ("warc", args.warc)):
            for n in sizes:
                name = f"CC-{n}.warc.wet.gz" if kind == "wet" else f"CC-{n}.warc.gz"
                files.append({"name": name, "kind": kind, **write_archive(scratch / "files" / name, n, kind == "wet", args.seed)})
                log(f"wrote {name}: {files[-1]['bytes'] / 2**20:.1f} MB")
        server, base = serve(scratch / "files")
        results["first_command"] = measure([PRESSROOM, "dedup"], {**env, "PRESSROOM_WAREHOUSE": str(scratch / "warehouse-warmup")})
        log(f"first command (background server start): {results['first_command']['wall_seconds']} s")
        rounds = []
        for i in range(args.rounds):
            rounds.append(one_round(i, files, base, scratch, env, log))
            results["per_round"] = rounds
            out.write_text(json.dumps(results, indent=2))
        results["files"] = summarize(files, rounds)
        results["memory_growth"] = memory_growth(results["files"])
    finally:
        if server is not None:
            server.kill()
            server.wait()
        subprocess.run([PRESSROOM, "server", "stop"], env=env, cwd=ROOT, capture_output=True)
        shutil.rmtree(scratch, ignore_errors=True)
    results["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    out.write_text(json.dumps(results, indent=2))
    print(table(results))
    log(f"results: {out}")


if __name__ == "__main__":
    main()
