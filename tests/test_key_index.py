"""The writer's key index (warehouse/key_index.py): derived data that never claims a key no part
holds and never misses a key a part holds, whatever happened to the parts or to the index."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tasks.store import select_unseen, write_batch
from tests.warehouse_factory import small_warehouse
from warehouse.key_index import index_path, key_index
from warehouse.known import stored_versions
from warehouse.lock import warehouse_lock
from warehouse.schemas import ARTICLES, DOCUMENTS, FEED_STATE, QUARANTINE
from warehouse.tables import read_table, table_files
from warehouse.writer import append_new_rows, initialize

PROJECT = Path(__file__).resolve().parent.parent


def _quarantine(ids: list[str]) -> pa.Table:
    now = datetime(2026, 1, 2, tzinfo=timezone.utc)
    rows = [{"quarantine_id": i, "source": "s", "uri": f"/x/{i}", "stage": "decode", "error": "empty", "detail": "",
             "content_sha256": None, "seen_at": now, "run_id": "r1"} for i in ids]
    return pa.Table.from_pylist(rows, QUARANTINE.schema)


def _stored_ids(root: Path) -> list[str]:
    return sorted(read_table(root, QUARANTINE, ["quarantine_id"]).column(0).to_pylist())


def test_a_part_the_index_does_not_cover_is_read_on_the_next_write(tmp_path: Path):
    """A part renamed into place whose keys never reached the index (a writer killed between the
    two, a file restored by hand) is indexed when the next write lists the table."""
    root = tmp_path / "wh"
    initialize(root)
    assert append_new_rows(root, QUARANTINE, _quarantine(["a"])) == 1
    pq.write_table(_quarantine(["b", "c"]), root / "quarantine" / "part-restored.parquet")
    assert append_new_rows(root, QUARANTINE, _quarantine(["a", "b", "c", "d"])) == 1
    assert _stored_ids(root) == ["a", "b", "c", "d"]


def test_a_part_added_to_a_partition_listed_before_is_seen(tmp_path: Path):
    """A write lists again only the folders whose modification time changed: a file added by
    hand to an older day's folder changes it, so its keys are found."""
    root = tmp_path / "wh"
    initialize(root)
    append_new_rows(root, QUARANTINE, _quarantine(["a"]), "ingest_date=2026-01-02")
    older = root / "quarantine" / "ingest_date=2026-01-02"
    an_hour_ago = time.time() - 3600
    os.utime(older, (an_hour_ago, an_hour_ago))  # long unchanged: its listing is trusted
    assert append_new_rows(root, QUARANTINE, _quarantine(["b"]), "ingest_date=2026-01-03") == 1
    pq.write_table(_quarantine(["c"]), older / "part-restored.parquet")
    assert append_new_rows(root, QUARANTINE, _quarantine(["a", "b", "c", "d"]), "ingest_date=2026-01-03") == 1
    (root / "quarantine" / "ingest_date=2026-01-03").rename(tmp_path / "aside")
    assert append_new_rows(root, QUARANTINE, _quarantine(["b", "d"]), "ingest_date=2026-01-04") == 2
    assert _stored_ids(root) == ["a", "b", "c", "d"]


def test_a_part_moved_away_gives_its_keys_back(tmp_path: Path):
    """A part the index covered and that is gone (`pressroom doctor --repair` moved it aside):
    its rows may be written again, not silently refused."""
    root = tmp_path / "wh"
    initialize(root)
    append_new_rows(root, QUARANTINE, _quarantine(["a", "b"]), "ingest_date=2026-01-02")
    append_new_rows(root, QUARANTINE, _quarantine(["c"]), "ingest_date=2026-01-03")
    (moved,) = [name for name in table_files(root, QUARANTINE) if "2026-01-02" in name]
    (root / moved).rename(tmp_path / "aside.parquet")
    assert append_new_rows(root, QUARANTINE, _quarantine(["a", "b", "c"])) == 2
    assert _stored_ids(root) == ["a", "b", "c"]


def _in_new_thread(work):
    """`work()` in a thread of its own (so with a connection to the index of its own, as a new
    process has), returning its result."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(work).result()


def test_a_deleted_or_damaged_index_is_rebuilt_from_the_parts(tmp_path: Path):
    root = tmp_path / "wh"
    initialize(root)
    append_new_rows(root, QUARANTINE, _quarantine(["a", "b"]))
    path = index_path(root)
    for new, damage in (("c", lambda: path.unlink()), ("d", lambda: path.write_bytes(b"not a database " * 500))):
        for leftover in path.parent.glob(path.name + "-*"):
            leftover.unlink()
        damage()
        assert _in_new_thread(lambda: append_new_rows(root, QUARANTINE, _quarantine(["a", "b", "c", new]))) == 1
        assert append_new_rows(root, QUARANTINE, _quarantine([new])) == 0
    assert _stored_ids(root) == ["a", "b", "c", "d"]


def test_null_and_text_key_values_stay_apart(tmp_path: Path):
    """Key columns may be NULL (a feed without an ETag): NULL, the empty string and the text
    'null' are three keys, and a repeated NULL key is one."""
    root = tmp_path / "wh"
    initialize(root)
    at = datetime(2026, 1, 2, tzinfo=timezone.utc)
    rows = [{"source": "s", "url": "https://x.test/feed", "final_url": "https://x.test/feed", "content_sha256": "h", "etag": etag,
             "last_modified": None, "content_type": None, "body": b"", "fetched_at": at, "run_id": "r"}
            for etag in (None, "", "null", None)]
    assert append_new_rows(root, FEED_STATE, pa.Table.from_pylist(rows, FEED_STATE.schema)) == 3
    assert append_new_rows(root, FEED_STATE, pa.Table.from_pylist(rows, FEED_STATE.schema)) == 0


def test_stored_versions_sees_the_parts_of_documents(tmp_path: Path):
    root = (tmp_path / "wh").resolve()
    small_warehouse(root, n=3)
    docs = read_table(root, DOCUMENTS, ["doc_id", "content_sha256"])
    keys = list(zip(docs.column("doc_id").to_pylist(), docs.column("content_sha256").to_pylist()))
    assert stored_versions(root, [*keys, ("new-doc", "new-sha")]) == set(keys)
    assert select_unseen(root, []).items == []


def test_a_batch_takes_the_lock_once_and_nested_takes_go_on_holding_it(tmp_path: Path):
    """write_batch holds the warehouse lock around all its tables; each append inside takes it
    again without waiting for itself (a one-second timeout would raise otherwise)."""
    root = tmp_path / "wh"
    initialize(root)
    with warehouse_lock(root, timeout=1), warehouse_lock(root, timeout=1):
        assert append_new_rows(root, QUARANTINE, _quarantine(["a"])) == 1
    out = write_batch(root, "r1", [], [], [])
    assert out.stats.rows_added["articles"] == 0


_KILLED_WRITER = """
import sys
from pathlib import Path
from tests.test_key_index import _quarantine
from warehouse.schemas import QUARANTINE
from warehouse.writer import append_new_rows
append_new_rows(Path(sys.argv[1]), QUARANTINE, _quarantine(["k1", "k2"]))
"""


@pytest.mark.timeout(300)
def test_a_writer_killed_after_storing_its_part_adds_nothing_twice(tmp_path: Path):
    """kill -9 of a writer paused after its part's rename, inside the index transaction: the
    index rolls back, the next write indexes the part, and nothing is stored twice."""
    root = tmp_path / "wh"
    initialize(root)
    append_new_rows(root, QUARANTINE, _quarantine(["k0"]))
    env = {**os.environ, "PRESSROOM_PAUSE_AT": "stored quarantine", "PRESSROOM_PAUSE_SECONDS": "600"}
    writer = subprocess.Popen([sys.executable, "-c", _KILLED_WRITER, str(root)], cwd=PROJECT, env=env, stderr=subprocess.PIPE, text=True)
    try:
        line = writer.stderr.readline()
        assert "paused at stored quarantine" in line, line
        writer.send_signal(signal.SIGKILL)
        writer.wait(timeout=60)
    finally:
        if writer.poll() is None:
            writer.kill()
            writer.wait()
    assert len(table_files(root, QUARANTINE)) == 2
    with key_index(root, QUARANTINE) as index:  # opens after the killed transaction
        assert index.stored(_quarantine(["k0", "k1", "k2", "k3"])).column("quarantine_id").to_pylist() == ["k0", "k1", "k2"]
    assert append_new_rows(root, QUARANTINE, _quarantine(["k1", "k2", "k3"])) == 1
    assert _stored_ids(root) == ["k0", "k1", "k2", "k3"]


def test_articles_written_by_the_flow_path_are_found_by_the_index(tmp_path: Path):
    root = (tmp_path / "wh").resolve()
    small_warehouse(root, n=2)
    stored = read_table(root, ARTICLES)
    assert append_new_rows(root, ARTICLES, stored) == 0
