"""Per-document time limits in the clean unit: a page that would hold a worker for minutes is
quarantined as `extract/timeout` and the rest of the batch comes out as without the limit, in
process, on a real process pool and on a real Dask LocalCluster."""

from __future__ import annotations

import hashlib
import threading
import time
from datetime import datetime, timezone

import pytest

from conftest import EXAMPLES
from tasks.clean import clean_documents
from tasks.executors import worker_pool
from tasks.fetch.local_files import format_for_path
from tasks.fetch.retrieve import read_file
from tasks.records import FetchedDocument, InputRef
from tasks.time_limit import DocumentTimeout, time_limit

LIMIT = 2.0  # seconds per document: every example takes well under a second


def _pathological_page() -> FetchedDocument:
    """A 17 MB page of 350,000 paragraphs: trafilatura spent over 4 minutes of CPU on it."""
    paragraphs = "".join(f"<p>Paragraph {i} with some words in it here.</p>" for i in range(350_000))
    body = f"<html><body><article>{paragraphs}</article></body></html>".encode()
    return FetchedDocument(
        source="test",
        uri="mem://endless-page",
        doc_id="endless-page",
        body=body,
        content_sha256=hashlib.sha256(body).hexdigest(),
        fetched_at=datetime(2024, 5, 1, tzinfo=timezone.utc),
        format="html",
    )


def _examples() -> list[FetchedDocument]:
    files = sorted(p for p in EXAMPLES.rglob("*") if p.is_file() and format_for_path(p))
    return [read_file(InputRef("test", str(p), "file", format_for_path(p))) for p in files]


@pytest.mark.timeout(20)
def test_time_limit_interrupts_a_python_loop() -> None:
    started = time.monotonic()
    with pytest.raises(DocumentTimeout):
        with time_limit(0.2):
            while True:
                pass
    assert time.monotonic() - started < 10  # a generous bound: the loop would run forever


def test_a_block_within_its_limit_leaves_no_alarm_behind() -> None:
    with time_limit(0.2):
        pass
    time.sleep(0.5)  # a timer left armed would raise here


@pytest.mark.timeout(20)
def test_time_limit_interrupts_a_python_loop_off_the_main_thread() -> None:
    """As on a Dask worker, whose tasks run in a thread pool: no signal reaches them."""
    raised: list[BaseException] = []
    leaked: list[BaseException] = []

    def loop() -> None:
        try:
            with time_limit(0.2):
                while True:
                    pass
        except DocumentTimeout as timeout:
            raised.append(timeout)
        try:
            for _ in range(500):  # blocks that end as their timer fires
                try:
                    with time_limit(0.0001):
                        sum(range(100))
                except DocumentTimeout:
                    pass  # raised inside the block: what the limit is for
                sum(range(100))  # after the block: a timer that fired late must not raise here
        except DocumentTimeout as leak:
            leaked.append(leak)

    thread = threading.Thread(target=loop)
    thread.start()
    thread.join(timeout=15)
    assert not thread.is_alive()
    assert [str(t) for t in raised] == ["over the limit of 0.2 s"]
    assert leaked == []


@pytest.mark.timeout(30)
def test_threads_at_once_each_get_their_own_limit() -> None:
    """One watching thread serves every thread of a process (a Dask worker of several threads):
    a block over its limit is interrupted, one beside it within a longer limit is not, and a
    later block after a long one is still watched."""
    outcomes: dict[str, str] = {}

    def run(name: str, limit: float, work_seconds: float) -> None:
        try:
            with time_limit(limit):
                ends = time.monotonic() + work_seconds
                while time.monotonic() < ends:
                    pass
            outcomes[name] = "done"
        except DocumentTimeout:
            outcomes[name] = "timeout"

    threads = [
        threading.Thread(target=run, args=("endless", 0.3, 60)),
        threading.Thread(target=run, args=("within", 20, 1.0)),
        threading.Thread(target=lambda: (run("long first", 20, 0.5), run("then endless", 0.3, 60))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=25)
    assert outcomes == {"endless": "timeout", "within": "done", "long first": "done", "then endless": "timeout"}


@pytest.mark.timeout(300)
@pytest.mark.parametrize(
    ("workers", "executor"), [(1, "processes"), (2, "processes"), (2, "dask-local:2")], ids=["in process", "process pool", "dask"]
)
def test_a_page_over_the_limit_is_quarantined_and_the_batch_completes(workers: int, executor: str) -> None:
    examples = _examples()
    expected = clean_documents(examples)
    docs = examples[:3] + [_pathological_page()] + examples[3:]
    with worker_pool(workers, executor=executor) as pool:
        # the workers' first pages load models and locales (seconds of wall on a loaded machine):
        # paid here, outside the limit, so only the endless page can go over it
        clean_documents(examples, pool)
        got = clean_documents(docs, pool, seconds_per_document=LIMIT)
    timeouts = [(q.uri, q.stage, q.error) for q in got.quarantined if q.error == "timeout"]
    assert timeouts == [("mem://endless-page", "extract", "timeout")]
    assert [a.text for a in got.items] == [a.text for a in expected.items]
    assert [(q.uri, q.error) for q in got.quarantined if q.error != "timeout"] == [(q.uri, q.error) for q in expected.quarantined]
    assert got.stats.quarantined["timeout"] == 1
    assert {part.stage: part.quarantined["timeout"] for part in got.parts} == {"decode": 0, "extract": 1, "metadata": 0}
