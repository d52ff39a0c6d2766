"""Memory of one `pressroom ingest URL` run as its records arrive: whether anything grows per
record, rather than between runs of different files (which also counts what fills up once, at
the start of every run: caches up to their bounds, allocator arenas).

    .venv/bin/python -m bench.warc_stream_marks URL --marks 1000 2000 4000 6000 8000 [--tracemalloc DIR]

Runs the ingest flow in this process (PRESSROOM_WORKERS as set; give PREFECT_API_URL of a running
server, e.g. `pressroom server start`'s, so no ephemeral server is timed), and each time the
streamed records pass a mark prints: the peak RSS of the process tree and of this process since the
last mark, the RSS of this process and of each worker, the bytes Arrow has allocated, DuckDB's memory by tag in
this process's scratch database, and (with --tracemalloc) dumps a tracemalloc snapshot to diff
with `python -m bench.warc_stream_marks --diff A B`.
"""

from __future__ import annotations

import argparse
import gc
import sys
import threading
import tracemalloc
from pathlib import Path

import psutil
import pyarrow as pa

from bench.memory import PeakTreeRss


def _report(mark: int, inputs: int, memory: PeakTreeRss, snapshots: Path | None) -> None:
    from warehouse import scratch

    gc.collect()
    me = psutil.Process()
    duckdb = {tag: round(used / 1e6, 1) for database in scratch._DATABASES.values()
              for tag, used in database.cursor().execute("SELECT tag, memory_usage_bytes FROM duckdb_memory() WHERE memory_usage_bytes > 0").fetchall()}
    workers = [round(child.memory_info().rss / 1e6, 1) for child in me.children(recursive=True)]
    print(f"records {inputs}: peak since last mark: tree {memory.peak_bytes / 1e6:.1f} MB, this process {memory.peak_root_bytes / 1e6:.1f} MB; "
          f"now: this process {me.memory_info().rss / 1e6:.1f} MB, "
          f"children {workers} MB, arrow {pa.total_allocated_bytes() / 1e6:.1f} MB, duckdb {duckdb}", file=sys.stderr, flush=True)
    memory.peak_bytes = memory.peak_root_bytes = 0
    if snapshots:
        print(f"  python heap {tracemalloc.get_traced_memory()[0] / 1e6:.1f} MB", file=sys.stderr, flush=True)
        tracemalloc.take_snapshot().dump(str(snapshots / f"records-{mark}.tracemalloc"))


def diff(before: Path, after: Path, top: int = 20) -> None:
    """The lines whose allocations grew most between two snapshots."""
    for stat in tracemalloc.Snapshot.load(str(after)).compare_to(tracemalloc.Snapshot.load(str(before)), "lineno")[:top]:
        print(stat)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url", nargs="?")
    parser.add_argument("--marks", type=int, nargs="+", default=[1000, 2000, 4000, 8000])
    parser.add_argument("--tracemalloc", type=Path, help="a folder for a snapshot at each mark")
    parser.add_argument("--diff", type=Path, nargs=2, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args()
    if args.diff:
        diff(*args.diff)
        return 0
    import flows.ingest
    from flows.cli import main as pressroom

    if args.tracemalloc:
        args.tracemalloc.mkdir(parents=True, exist_ok=True)
        tracemalloc.start()
    counted = flows.ingest._counted
    marks = sorted(args.marks)
    memory = PeakTreeRss(lambda: [psutil.Process().pid])

    def marked(streamed, summary, total):  # noqa: ANN001, ANN202 - the flow's own generator, wrapped
        for item in counted(streamed, summary, total):
            yield item
            while marks and summary.inputs >= marks[0]:
                _report(marks.pop(0), summary.inputs, memory, args.tracemalloc)

    flows.ingest._counted = marked
    with memory:
        code = pressroom(["ingest", "-q", args.url])
    print(f"end of run: peak since last mark: tree {memory.peak_bytes / 1e6:.1f} MB, this process {memory.peak_root_bytes / 1e6:.1f} MB; "
          f"threads {threading.active_count()}", file=sys.stderr)
    return code


if __name__ == "__main__":  # the clean pool's workers are spawned: they import this module
    sys.exit(main())
