"""A `kill -9` in the middle of an ingest, then a rerun, gives the warehouse a clean run gives."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.corpus_factory import write_corpus
from warehouse.query import run_query

pytestmark = pytest.mark.e2e

PROJECT = Path(__file__).resolve().parents[1]
SNAPSHOTS = {
    "documents": "select doc_id, content_sha256, uri, size_bytes from documents",
    "article_versions": "select article_id, doc_id, content_sha256, title, text, published_at, url from article_versions",
    "quarantine": "select quarantine_id, uri, stage, error from quarantine",
}


def _env(root: Path, home: Path) -> dict[str, str]:
    return dict(
        os.environ,
        PRESSROOM_WAREHOUSE=str(root),
        PRESSROOM_BATCH_SIZE="25",
        PRESSROOM_WORKERS="2",
        PREFECT_HOME=str(home),
        PREFECT_LOGGING_LEVEL="WARNING",
    )


def _ingest(folder: Path, root: Path, home: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "ingest", str(folder)],
        cwd=PROJECT, env=_env(root, home), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,  # its own process group: the kill takes the run's Prefect server too
    )


def _snapshot(root: Path) -> dict[str, list[tuple]]:
    return {name: sorted(run_query(root, sql)[1]) for name, sql in SNAPSHOTS.items()}


def test_kill_during_writes_then_rerun_equals_a_clean_run(tmp_path: Path):
    folder = tmp_path / "corpus"
    write_corpus(folder, 300)
    (folder / "empty.txt").write_bytes(b"")
    killed_root, clean_root = tmp_path / "killed", tmp_path / "clean"

    victim = _ingest(folder, killed_root, tmp_path / "prefect-a")
    deadline = time.monotonic() + 240
    parts = []
    while time.monotonic() < deadline and victim.poll() is None:
        parts = list((killed_root / "articles").rglob("part-*.parquet"))
        if len(parts) >= 3:
            break
        time.sleep(0.05)
    assert victim.poll() is None, f"the ingest finished before it could be killed:\n{victim.stdout.read()}"
    assert len(parts) >= 3, "no batch was written within the deadline"
    os.killpg(victim.pid, signal.SIGKILL)  # the whole run dies, as in a crash of its machine
    victim.wait(timeout=30)
    partial = _snapshot(killed_root)
    assert 0 < len(partial["article_versions"]) < 300

    rerun = _ingest(folder, killed_root, tmp_path / "prefect-a")
    out, _ = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, out
    clean = _ingest(folder, clean_root, tmp_path / "prefect-b")
    out, _ = clean.communicate(timeout=600)
    assert clean.returncode == 0, out

    recovered, expected = _snapshot(killed_root), _snapshot(clean_root)
    assert len(expected["article_versions"]) == 300 and len(expected["quarantine"]) == 1
    assert recovered == expected
    assert not list((killed_root / "_staging").iterdir())
