"""What the last completed dedup run saw, so a command can tell there is nothing new for dedup
without attaching the cache, importing Prefect or starting a flow.

A dedup run's result depends only on the article and language files it compared, the signature
and decision files stored, and its settings. Table files are immutable and only ever added (or
moved away by `pressroom doctor --repair`), so their names say what a table holds. A run lists
the article and language files before it takes its compared set (a file added after that is not
compared, and makes the next listing differ), and when it completes, stores that list with the
signature and decision files as they are then and its settings keys, in
`<root>/_dedup/last-run.json`. When all of it is still the same, a new run would find nothing
to sign or group. No file (a first run, a deleted `_dedup/`) means there may be work.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from config.dedup import DedupSettings
from tasks.dedup.cache import cache_path
from tasks.dedup.keys import grouping_key, signature_key
from warehouse.schemas import ARTICLES, DUPLICATES, LANGUAGES, SIGNATURES
from warehouse.storage import WarehouseRoot
from warehouse.tables import file_rows, table_files

_FILE = "last-run.json"


def _path(root: WarehouseRoot) -> Path:
    return cache_path(root).with_name(_FILE)


def compared_files(root: WarehouseRoot) -> dict[str, list[str]]:
    """The article and language files a run compares (list them before taking the compared set)."""
    return {table.name: table_files(root, table) for table in (ARTICLES, LANGUAGES)}


def _stored_files(root: WarehouseRoot) -> dict[str, list[str]]:
    return {table.name: table_files(root, table) for table in (SIGNATURES, DUPLICATES)}


def _keys(settings: DedupSettings) -> dict[str, str]:
    return {"signature_key": signature_key(settings), "grouping_key": grouping_key(settings)}


def _state(root: WarehouseRoot, settings: DedupSettings, compared: dict[str, list[str]]) -> dict:
    return {**_keys(settings), "compared": compared, "stored": _stored_files(root)}


def remember_run(root: WarehouseRoot, settings: DedupSettings, compared: dict[str, list[str]]) -> None:
    """After a completed run that compared the files `compared`: store what it saw."""
    path = _path(root)
    partial = path.with_name(f".{_FILE}.{os.getpid()}")
    partial.write_text(json.dumps(_state(root, settings, compared)), encoding="utf-8")
    os.replace(partial, path)  # whole or not at all


def _last_run(root: WarehouseRoot) -> dict | None:
    try:
        return json.loads(_path(root).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def new_rows_at_most(root: WarehouseRoot, settings: DedupSettings) -> int | None:
    """At most how many articles a run with these settings would sign: the rows of the article
    and language files the last completed run with the same settings keys did not compare (an
    article is new to the compared set by a new version or by its first language tag). None when
    there is no such run: then every article may be new."""
    last = _last_run(root)
    if last is None or any(last.get(k) != v for k, v in _keys(settings).items()):
        return None
    seen = {table: set(files) for table, files in last["compared"].items()}
    return sum(file_rows(root, f) for table, files in compared_files(root).items() for f in files if f not in seen.get(table, ()))


def nothing_new(root: WarehouseRoot, settings: DedupSettings) -> bool:
    """True when the last completed dedup run with these settings saw the files stored now."""
    last = _last_run(root)
    return last is not None and last == _state(root, settings, compared_files(root))
