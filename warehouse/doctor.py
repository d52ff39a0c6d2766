"""Damaged, copied and stray files in the warehouse: finding them (`pressroom doctor`), naming
one when a read fails on it, and setting them aside (`pressroom doctor --repair`).

A table is a folder of Parquet files that every view and flow reads whole, so one truncated
file stops every query and every flow. Files are checked cheaply at each flow start (the magic
bytes at both ends, which a cut-off copy or an interrupted sync lacks) and in full by the doctor
(each footer parsed, its schema compared with the table's). A file is never deleted: repair
moves it under `<root>/_damaged/<time>/`, beside a report of what was moved and why.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timezone
from fnmatch import fnmatch
from pathlib import Path


from config.object_storage import S3Root
from warehouse.lock import warehouse_lock
from warehouse.storage import (
    StoredFile,
    WarehouseRoot,
    check_reachable,
    is_remote,
    list_files,
    location,
    move,
    open_input,
    parquet_file,
    write_text,
)
from warehouse.schemas import TABLES
from warehouse.tables import SCHEMA_FILE
from warehouse.writer import STAGING, initialize

DAMAGED = "_damaged"
PART_FILES = "part-*.parquet"
_WRITER_NAME = re.compile(r"part-\d{8}T\d{6}-[0-9a-f]{12}\.parquet")  # what writer.append_new_rows names a part
_MAGIC = b"PAR1"
_QUOTED_PATH = re.compile(r"""['"]([^'"]+\.parquet)['"]""")


@dataclass(frozen=True)
class Finding:
    """A file that should not be where it is: its path relative to the root, what is wrong
    (`damaged`, `copy`, `stray`, `staging`) and why."""

    path: str
    problem: str
    detail: str


class WarehouseDamaged(RuntimeError):
    """A warehouse file cannot be read; the message names it and what to do."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        super().__init__(
            f"damaged warehouse file {path} ({reason}): run `pressroom doctor` to list such files, "
            "`pressroom doctor --repair` to move them aside"
        )


def _table_files(root: WarehouseRoot) -> list[StoredFile]:
    """Every file under the table folders, sorted by name."""
    return sorted((f for table in TABLES for f in list_files(root, table)), key=lambda f: f.name)


def _truncation(root: WarehouseRoot, file: StoredFile) -> str | None:
    """Why `file` is not a whole Parquet file, from its first and last bytes alone; None if it
    looks whole. (A Parquet file starts with PAR1 and ends with its footer's length and PAR1.)"""
    if file.size < 12:
        return f"{file.size} bytes, too short to be Parquet"
    with open_input(root, file.name) as handle:
        head = handle.read(4)
        handle.seek(file.size - 8)
        tail = handle.read(8)
    if head != _MAGIC or tail[4:] != _MAGIC:
        return "no Parquet magic bytes: cut off or not Parquet"
    if int.from_bytes(tail[:4], "little") > file.size - 12:
        return "its footer is longer than the file: cut off"
    return None


def check_readable(root: WarehouseRoot) -> None:
    """Raise WarehouseDamaged naming the first table file that is not a whole Parquet file
    (the cheap check every flow makes at its start: two small reads per file). On S3, where a
    PUT stores a whole object or none, a killed writer cannot leave a cut-off part: the check is
    that the bucket answers (StorageUnreachable otherwise), not two requests per file."""
    if isinstance(root, S3Root):
        check_reachable(root)
        return
    for file in _table_files(root):
        if file.name.endswith(".parquet") and (reason := _truncation(root, file)):
            raise WarehouseDamaged(file.name, reason)


def damage_named_in(root: WarehouseRoot, error: BaseException) -> WarehouseDamaged | None:
    """A WarehouseDamaged for the warehouse file a failed read names in its message, if it
    names one (DuckDB does: "No magic bytes found at end of file '<path>'"); else None."""
    message = str(error)
    inside = location(root).rstrip("/") + "/" if is_remote(root) else str(root).rstrip(os.sep) + os.sep
    for match in _QUOTED_PATH.finditer(message):
        if match.group(1).startswith(inside):
            return WarehouseDamaged(match.group(1)[len(inside):].replace(os.sep, "/"), message.splitlines()[0])
    return None


def _damage(root: WarehouseRoot, file: StoredFile) -> str | None:
    """Why a table's Parquet file cannot be read as part of it; None if it can."""
    if reason := _truncation(root, file):
        return reason
    table = TABLES[file.name.split("/")[0]]
    try:
        schema = parquet_file(root, file.name).schema_arrow
    except Exception as exc:  # pyarrow raises several types for a bad footer; any of them means unreadable
        return f"unreadable footer: {str(exc).splitlines()[0]}"
    if schema != table.schema:
        return f"its columns are not those of `{table.name}`"
    return None


def _sha256(root: WarehouseRoot, name: str) -> str:
    digest = hashlib.sha256()
    with open_input(root, name) as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _copies(root: WarehouseRoot, parts: list[StoredFile]) -> list[Finding]:
    """Part files byte-identical to another part of the same table: each but one (a name the
    writer gives first, then the first by name) is a copy. Hashed only when sizes match."""
    by_size: dict[tuple[str, int], list[str]] = defaultdict(list)
    for file in parts:
        by_size[(file.name.split("/")[0], file.size)].append(file.name)
    findings = []
    for same_size in by_size.values():
        if len(same_size) < 2:
            continue
        by_hash: dict[str, list[str]] = defaultdict(list)
        for name in same_size:
            by_hash[_sha256(root, name)].append(name)
        for same in by_hash.values():
            kept, *copies = sorted(same, key=lambda n: (not _WRITER_NAME.fullmatch(n.rsplit("/", 1)[-1]), n))
            findings += [Finding(name, "copy", f"same bytes as {kept}") for name in copies]
    return findings


def examine(root: WarehouseRoot) -> list[Finding]:
    """Every file of the warehouse that should not be read as it is: damaged Parquet files,
    byte-identical copies of a part, stray files in a table folder (anything but the writer's
    `part-*.parquet` and `_schema.parquet`) and leftovers in `_staging/`."""
    findings: list[Finding] = []
    readable_parts = []
    for file in _table_files(root):
        table, *_, base = file.name.split("/")
        is_part = fnmatch(base, PART_FILES)
        is_schema = file.name == f"{table}/{SCHEMA_FILE}"
        if not (is_part or is_schema):
            findings.append(Finding(file.name, "stray", f"not a part file{'; the views read it' if base.endswith('.parquet') else ''}"))
        elif reason := _damage(root, file):
            findings.append(Finding(file.name, "damaged", reason))
        elif is_part:
            readable_parts.append(file)
    findings += _copies(root, readable_parts)
    staging = root / STAGING if isinstance(root, Path) else None  # S3 has no staging
    if staging is not None and staging.is_dir():
        findings += [
            Finding(p.relative_to(root).as_posix(), "staging", "left by a killed writer (or being written now)")
            for p in sorted(staging.iterdir())
        ]
    return sorted(findings, key=lambda f: f.path)


def repair(root: WarehouseRoot) -> tuple[list[Finding], str | None]:
    """Move every file `examine` finds to `<root>/_damaged/<UTC time>/` (same relative paths),
    with `report.txt` listing each and why; returns the findings and where the report is (None
    when nothing was found). Under the warehouse lock, so no writer is mid-write."""
    with warehouse_lock(root):
        findings = examine(root)  # again, under the lock: a staging file found before may have been a live writer's
        if not findings:
            return [], None
        folder = f"{DAMAGED}/{datetime.now(timezone.utc).strftime('%Y%m%dT%H%M%S%fZ')}"
        for finding in findings:
            move(root, finding.path, f"{folder}/{finding.path}")
        report = f"{folder}/report.txt"
        write_text(
            root,
            report,
            "Moved here by `pressroom doctor --repair`; the views no longer read these files.\n"
            "A copy's rows are still in the file it copies; a staging file's never were in a table.\n"
            "A damaged file's rows are gone from the views: `languages`, `signatures` and `duplicates`\n"
            "rows are computed again by the next `pressroom languages` / `pressroom dedup`, `documents`\n"
            "rows come back when their inputs are ingested again; `articles`, `quarantine` and `runs`\n"
            "rows do not (ingest skips versions that `documents` holds).\n\n"
            + "".join(f"{f.problem}\t{f.path}\t{f.detail}\n" for f in findings),
        )
    initialize(root)  # a moved `_schema.parquet` is written again
    return findings, location(root, report)
