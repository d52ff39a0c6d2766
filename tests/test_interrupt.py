"""Ctrl-C during an ingest: one line saying how far it got, exit 130, a `runs` row with status
`interrupted`, no process of the run left behind, and a rerun completes the warehouse."""

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


def _env(root: Path, home: Path) -> dict[str, str]:
    # the background server, as a user's commands have it: an ephemeral one takes 20-60 s to stop
    return dict(
        os.environ, PRESSROOM_WAREHOUSE=str(root), PRESSROOM_BATCH_SIZE="25", PRESSROOM_WORKERS="2",
        PREFECT_HOME=str(home), PRESSROOM_PREFECT_SERVER="background",
    )


def _ingest(folder: Path, root: Path, home: Path) -> subprocess.Popen:
    env = _env(root, home)
    return subprocess.Popen(
        [sys.executable, "-m", "flows.cli", "ingest", str(folder)],
        cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
    )


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_ctrl_c_stops_the_run_with_one_line_and_a_runs_row(tmp_path: Path):
    folder = tmp_path / "corpus"
    write_corpus(folder, 2000)
    root = tmp_path / "warehouse"
    try:
        _interrupt_then_rerun(folder, root, tmp_path / "prefect")
    finally:
        subprocess.run([sys.executable, "-m", "flows.cli", "server", "stop"], env=_env(root, tmp_path / "prefect"), cwd=PROJECT, timeout=60)


def _interrupt_then_rerun(folder: Path, root: Path, home: Path) -> None:
    run = _ingest(folder, root, home)
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and run.poll() is None and not list((root / "articles").rglob("part-*.parquet")):
        time.sleep(0.05)
    assert run.poll() is None, f"the ingest ended before it could be interrupted:\n{run.stderr.read()}"
    os.killpg(run.pid, signal.SIGINT)  # what Ctrl-C in a terminal sends: the whole foreground group
    interrupted_at = time.monotonic()
    _, err = run.communicate(timeout=60)
    took = time.monotonic() - interrupted_at
    lines = [line for line in err.splitlines() if line.strip()]
    assert run.returncode == 130, err
    assert lines[-1].startswith("pressroom: interrupted after ") and "of 2000" in lines[-1], err
    assert "Traceback" not in err, err
    print(f"Ctrl-C to exit: {took:.1f} s")
    for _ in range(50):
        if not _group_alive(run.pid):
            break
        time.sleep(0.2)
    assert not _group_alive(run.pid), "a process of the interrupted run is still alive"
    _, rows = run_query(root, "SELECT status, inputs FROM runs WHERE flow = 'ingest'")
    assert rows == [("interrupted", 2000)]

    rerun = _ingest(folder, root, home)
    out, err = rerun.communicate(timeout=600)
    assert rerun.returncode == 0, err
    _, [(articles,)] = run_query(root, "SELECT count(*) FROM article_versions")
    assert articles == 2000
