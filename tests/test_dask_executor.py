"""The CPU stages on a real dask.distributed LocalCluster of two worker processes: the pipeline
gives the same rows as on the process pool, and a worker killed mid-batch costs nothing."""

from __future__ import annotations

import os
import signal
import threading
from pathlib import Path

import pytest

from conftest import EXAMPLES, SEEDS
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


def test_a_worker_killed_mid_batch_is_replaced_and_the_batch_completes():
    from tasks.clean import clean_documents
    from tasks.executors import worker_pool
    from tasks.fetch.local_files import format_for_path
    from tasks.fetch.retrieve import read_file
    from tasks.records import InputRef

    files = sorted(p for p in EXAMPLES.rglob("*") if p.is_file() and format_for_path(p))
    docs = [read_file(InputRef("test", str(p), "file", format_for_path(p))) for p in files] * 4
    expected = clean_documents(docs)
    with worker_pool(2, executor="dask-local:2") as executor:
        pids = list(executor.client.run(os.getpid).values())
        done = threading.Event()

        def progress(_: int) -> None:
            if not done.is_set():  # after the first document is back, kill a worker
                done.set()
                os.kill(pids[0], signal.SIGKILL)

        got = clean_documents(docs, executor, progress)
    assert done.is_set()
    assert [a.article_id for a in got.items] == [a.article_id for a in expected.items]
    assert [a.text for a in got.items] == [a.text for a in expected.items]
    assert [(q.uri, q.error) for q in got.quarantined] == [(q.uri, q.error) for q in expected.quarantined]
