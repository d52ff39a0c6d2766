"""Before/after comparison of the clean unit: every field of every page's article, as one commit
cleans it, and the differences between two such snapshots.

    .venv/bin/python -m bench.clean_compare snapshot OUT.json FOLDER_OR_FILE ...
    .venv/bin/python -m bench.clean_compare diff BEFORE.json AFTER.json

`snapshot` reads each supported file under the given folders as the ingest reads it (gunzipped,
format by its name), cleans it in this process with a fixed fetch time (the plausibility of a date
depends on it) and writes each page's article fields (or its quarantine step and error), the
text as its SHA-256 and word count, and the CPU seconds of the clean unit over all pages. Take
one snapshot at each commit, on the same files, then `diff` them: every field that changed, page
by page, with the counts of changed fields.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import asdict, replace
from datetime import datetime, timezone
from pathlib import Path

from tasks.clean.document import clean_document
from tasks.fetch.local_files import format_for_path
from tasks.fetch.retrieve import read_file
from tasks.records import InputRef

FETCHED_AT = datetime(2026, 12, 1, tzinfo=timezone.utc)
# Identity, provenance and fixed values: the same in every snapshot of the same files.
_UNCOMPARED = {"article_id", "doc_id", "content_sha256", "source", "uri", "fetched_at", "format", "text"}


def pages(paths: list[Path]) -> list[Path]:
    """The supported files among `paths` and under the folders among them, sorted."""
    found = []
    for path in paths:
        candidates = sorted(path.rglob("*")) if path.is_dir() else [path]
        found += [p for p in candidates if p.is_file() and format_for_path(p) is not None]
    return found


def snapshot(paths: list[Path]) -> dict:
    """Each page's cleaned fields by its path, and the CPU seconds the clean unit took."""
    rows: dict[str, dict] = {}
    cpu = 0.0
    for path in pages(paths):
        doc = replace(read_file(InputRef("compare", str(path), format_hint=format_for_path(path))), fetched_at=FETCHED_AT)
        started = time.process_time()
        outcome = clean_document(doc)
        cpu += time.process_time() - started
        if outcome.article is None:
            rows[str(path)] = {"quarantined": f"{outcome.failed_step}/{outcome.rejected.error}"}
            continue
        fields = {k: v for k, v in asdict(outcome.article).items() if k not in _UNCOMPARED}
        fields["published_at"] = fields["published_at"].isoformat() if fields["published_at"] else None
        fields["text_sha256"] = hashlib.sha256(outcome.article.text.encode()).hexdigest()[:16]
        rows[str(path)] = fields
    return {"pages": len(rows), "clean_cpu_seconds": round(cpu, 2), "rows": rows}


def diff(before: dict, after: dict) -> tuple[dict[str, int], list[str]]:
    """Changed-field counts and one line per changed field of a page."""
    counts: dict[str, int] = {}
    lines = []
    for path in sorted(set(before["rows"]) | set(after["rows"])):
        old, new = before["rows"].get(path, {}), after["rows"].get(path, {})
        for key in sorted(set(old) | set(new)):
            if old.get(key) != new.get(key):
                counts[key] = counts.get(key, 0) + 1
                lines.append(f"{path}\n  {key}: {old.get(key)!r:.200}\n  {' ' * len(key)}  {new.get(key)!r:.200}")
    return counts, lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    take = commands.add_parser("snapshot")
    take.add_argument("out", type=Path)
    take.add_argument("paths", type=Path, nargs="+")
    compare = commands.add_parser("diff")
    compare.add_argument("before", type=Path)
    compare.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "snapshot":
        result = snapshot(args.paths)
        args.out.write_text(json.dumps(result, indent=1, ensure_ascii=False))
        print(f"{result['pages']} pages, clean unit {result['clean_cpu_seconds']} CPU s", file=sys.stderr)
        return
    before, after = json.loads(args.before.read_text()), json.loads(args.after.read_text())
    counts, lines = diff(before, after)
    print("\n".join(lines))
    print(f"\n{len(after['rows'])} pages; clean unit CPU {before['clean_cpu_seconds']} s before, {after['clean_cpu_seconds']} s after")
    print("changed fields: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "none"))


if __name__ == "__main__":
    main()
