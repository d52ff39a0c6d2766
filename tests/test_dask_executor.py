"""The CPU stages on a real dask.distributed cluster (a LocalCluster of two worker processes, or
a scheduler and a worker started as commands): the pipeline gives the same rows as on the
process pool, a worker killed mid-batch costs nothing, and a scheduler that is not there, or goes
away mid-run, is one line and a failed run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import dask
import distributed
import psutil
import pytest
from corpus_factory import write_corpus
from prefect_server import free_port

from conftest import EXAMPLES, PROJECT, SEEDS
from warehouse.query import run_query

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("prefect_harness")]

ROWS = {
    "articles": "SELECT article_id, doc_id, title, authors, published_at, text FROM article_versions ORDER BY article_id",
    "languages": "SELECT article_id, language, confidence, script FROM languages ORDER BY article_id",
    "duplicates": "SELECT article_id, dup_group, dup_kind, is_canonical FROM articles ORDER BY article_id",
}


def _pipeline_rows(root: Path, monkeypatch: pytest.MonkeyPatch, executor: str) -> dict[str, list[tuple]]:
    from flows.parameters import IngestParameters
    from flows.pipeline import PipelineParameters, pipeline

    monkeypatch.setenv("PRESSROOM_WAREHOUSE", str(root))
    monkeypatch.setenv("PRESSROOM_EXECUTOR", executor)
    monkeypatch.setenv("PRESSROOM_WORKERS", "2")
    uris = [str(EXAMPLES)] + ([str(p) for p in sorted(SEEDS.glob("00[0-4]_*.txt"))] if SEEDS.is_dir() else [])
    summaries = pipeline(PipelineParameters(ingest=IngestParameters(uris=uris, batch_size=10)))
    assert [s.status for s in summaries] == ["completed"] * 3
    return {name: run_query(root, sql)[1] for name, sql in ROWS.items()}


def test_the_pipeline_on_dask_gives_the_rows_of_the_process_pool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    on_pool = _pipeline_rows(tmp_path / "pool", monkeypatch, "processes")
    on_dask = _pipeline_rows(tmp_path / "dask", monkeypatch, "dask-local:2")
    assert len(on_pool["articles"]) > 10
    for name in ROWS:
        assert on_dask[name] == on_pool[name], name


ROWS_AFTER_KILL = {
    "articles": "SELECT article_id, doc_id, title, text FROM article_versions ORDER BY article_id",
    "languages": "SELECT article_id, language, confidence, script FROM languages ORDER BY article_id",
    "quarantine": "SELECT uri, stage, error FROM quarantine ORDER BY uri",
    "runs": "SELECT flow, status FROM runs ORDER BY started_at",
}


def _spawned_children() -> set[int]:
    """The worker processes this process started: pool workers are spawned (they run
    spawn_main), a LocalCluster's are forked by a forkserver (its children)."""
    children = psutil.Process().children(recursive=True)
    forkservers = {c.pid for c in children if any("forkserver" in part for part in _cmdline(c))}
    return {c.pid for c in children if any("spawn_main" in part for part in _cmdline(c)) or c.ppid() in forkservers}


def _cmdline(process: psutil.Process) -> list[str]:
    try:
        return process.cmdline()
    except psutil.Error:
        return []


def _ingest_and_tag(root: Path, monkeypatch: pytest.MonkeyPatch, executor: str, corpus: Path, kills: list[int]) -> dict[str, list[tuple]]:
    """Ingest `corpus` then tag languages; with `kills`, `kill -9` one Dask worker once 40
    documents of the ingest are cleaned (mid-batch: batches are of 30) and one once the first
    language batch is written, and note each killed pid in `kills`."""
    from flows.ingest import ingest
    from flows.language import languages
    from flows.parameters import IngestParameters, LanguageParameters
    from flows.progress import set_reporter

    monkeypatch.setenv("PRESSROOM_WAREHOUSE", str(root))
    monkeypatch.setenv("PRESSROOM_EXECUTOR", executor)
    monkeypatch.setenv("PRESSROOM_WORKERS", "2" if executor != "processes" else "1")
    before = _spawned_children()
    done: Counter[str] = Counter()

    def kill_a_worker(phase: str, advance: int, total: int | None) -> None:
        done[phase] += advance
        if executor != "processes" and len(kills) < (1 if phase == "ingest" else 2) and done[phase] >= (40 if phase == "ingest" else 1):
            workers = sorted(_spawned_children() - before)
            assert workers, "no Dask worker process found"
            os.kill(workers[0], signal.SIGKILL)
            kills.append(workers[0])

    set_reporter(kill_a_worker)
    try:
        assert ingest(IngestParameters(uris=[str(corpus), str(EXAMPLES)], batch_size=30)).status == "completed"
        assert languages(LanguageParameters(batch_size=30)).status == "completed"
    finally:
        set_reporter(None)
    return {name: run_query(root, sql)[1] for name, sql in ROWS_AFTER_KILL.items()}


@pytest.mark.timeout(600)
def test_a_worker_killed_mid_batch_leaves_the_rows_of_a_clean_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    corpus = tmp_path / "corpus"
    write_corpus(corpus, 60)
    clean = _ingest_and_tag(tmp_path / "clean", monkeypatch, "processes", corpus, [])
    kills: list[int] = []
    killed = _ingest_and_tag(tmp_path / "killed", monkeypatch, "dask-local:2", corpus, kills)
    assert len(kills) == 2  # one worker killed in each run
    assert len(clean["articles"]) > 60
    assert {row[1] for row in clean["languages"]} > {"en"}  # the examples are in several languages
    for name in ROWS_AFTER_KILL:
        assert killed[name] == clean[name], name


@pytest.mark.timeout(600)
def test_an_ingest_command_on_a_local_cluster_stores_the_rows_of_the_pool(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """As a user runs it: the command starts the LocalCluster's forkserver with the clean stage's
    packages as it starts (flows/cli.py), and its workers clean what the pool's would."""
    from flows.cli import main

    rows = {}
    for executor in ("processes", "dask-local:2"):
        root = tmp_path / executor.replace(":", "-")
        monkeypatch.setenv("PRESSROOM_WAREHOUSE", str(root))
        monkeypatch.setenv("PRESSROOM_EXECUTOR", executor)
        monkeypatch.setenv("PRESSROOM_WORKERS", "2")
        assert main(["-q", "ingest", "--batch-size", "10", str(EXAMPLES)]) == 0
        rows[executor] = run_query(root, ROWS["articles"])[1]
    assert len(rows["processes"]) > 10
    assert rows["dask-local:2"] == rows["processes"]


@pytest.mark.timeout(300)
def test_an_unreachable_scheduler_is_one_line_and_a_failed_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    from flows.cli import main

    root = tmp_path / "warehouse"
    monkeypatch.setenv("PRESSROOM_WAREHOUSE", str(root))
    monkeypatch.setenv("PRESSROOM_EXECUTOR", f"dask://127.0.0.1:{free_port()}")  # nobody listens there
    with dask.config.set({"distributed.comm.timeouts.connect": "3s"}):
        assert main(["ingest", str(EXAMPLES)]) == 2
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1].startswith("pressroom: no Dask scheduler answered at tcp://127.0.0.1:")
    assert "Traceback" not in err
    assert run_query(root, "SELECT flow, status FROM runs")[1] == [("ingest", "failed")]


@pytest.mark.timeout(300)
def test_a_scheduler_gone_mid_run_is_one_line_and_a_failed_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    from flows.cli import main

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    dask_cli = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    scheduler = subprocess.Popen([*dask_cli, "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"], stderr=subprocess.DEVNULL)
    worker = subprocess.Popen(
        [sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads", "1", "--no-dashboard", "--death-timeout", "20"],
        stderr=subprocess.DEVNULL,
        cwd=PROJECT,  # the worker imports pressroom's modules from the project
    )
    root = tmp_path / "warehouse"
    monkeypatch.setenv("PRESSROOM_WAREHOUSE", str(root))
    monkeypatch.setenv("PRESSROOM_EXECUTOR", f"dask://127.0.0.1:{port}")

    def stop_the_scheduler_once_a_batch_is_written() -> None:
        deadline = time.monotonic() + 240
        while not list(root.glob("articles/*/*.parquet")) and time.monotonic() < deadline:
            time.sleep(0.05)
        scheduler.kill()

    try:
        with distributed.Client(address, timeout=120) as ready:  # both up first: a loaded machine takes its time
            ready.wait_for_workers(1, timeout=120)
        corpus = tmp_path / "corpus"
        write_corpus(corpus, 200)
        threading.Thread(target=stop_the_scheduler_once_a_batch_is_written, daemon=True).start()
        with dask.config.set({"distributed.comm.timeouts.connect": "3s"}):
            assert main(["ingest", "--batch-size", "20", str(corpus)]) == 2
    finally:
        scheduler.kill()
        worker.kill()
        scheduler.wait()
        worker.wait()
    err = capsys.readouterr().err
    assert err.strip().splitlines()[-1] == f"pressroom: the Dask scheduler at {address} went away mid-run; rerun to continue"
    assert "Traceback" not in err, err
    assert run_query(root, "SELECT flow, status FROM runs")[1] == [("ingest", "failed")]


def _words(text: str) -> int:
    return len(text.split())


@pytest.mark.timeout(300)
def test_short_items_go_in_tasks_of_many_once_their_cost_is_known():
    from tasks.dask_executor import MIN_TASK_SECONDS, _kind
    from tasks.executors import worker_pool

    texts = [f"item {i} " * (i % 7) for i in range(400)]
    with worker_pool(2, executor="dask-local:2") as dask:
        kind = _kind(_words, [(texts[0],)])
        assert dask._chunk_size(kind, len(texts), 4) == 50  # 4 tasks a worker: the cost is not known yet
        assert list(dask.map(_words, texts, chunksize=4)) == [_words(t) for t in texts]
        seconds, calls = dask._work[kind]
        assert calls == len(texts) and seconds < MIN_TASK_SECONDS  # the whole map is less work than one task should carry
        assert dask._chunk_size(kind, len(texts), 4) == 200  # so the next one is one task a worker
        assert list(dask.map(_words, texts, chunksize=4)) == [_words(t) for t in texts]
