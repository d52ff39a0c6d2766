"""Two ingest runs at once (two `pressroom ingest` processes, as a scheduled and a manual run would
be) on overlapping inputs: the warehouse lock keeps their writes apart, so every article is stored
exactly once and nothing is lost."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from prefect_server import PRESSROOM, PROJECT, clean_environment, prefect_server, wait_for
from tests.corpus_factory import write_corpus
from warehouse.catalog import ensure_catalog
from warehouse.lock import warehouse_lock
from warehouse.query import run_query
from warehouse.storage import WarehouseRoot

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(900)]

SHARED, ONLY_A, ONLY_B = 240, 60, 60


def running_ingests(api_url: str) -> int:
    """How many ingest flow runs the server has in state Running."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterState, FlowRunFilterStateType
    from prefect.client.schemas.objects import StateType
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        running = FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(any_=[StateType.RUNNING])))
        return client.count_flow_runs(flow_run_filter=running)


def ingests_at_once(root: WarehouseRoot, commands: dict[str, list[str]], env: dict[str, str], tmp_path: Path, api_url: str) -> None:
    """Run the ingest `commands` (by name) as processes that write at once, each with its own
    PREFECT_HOME and PRESSROOM_CACHE; fail naming a run that did not complete.

    Holding the warehouse lock parks every run at its first write until all are running, so
    process start-up time (seconds apart under load) cannot serialize them."""
    processes: dict[str, subprocess.Popen] = {}
    try:
        with warehouse_lock(root):
            for name, command in commands.items():
                # each its own home and cache, as on two machines (a warehouse on S3 then has a
                # catalog and a key index per machine)
                own = {"PREFECT_HOME": str(tmp_path / f"home-{name}"), "PRESSROOM_CACHE": str(tmp_path / f"cache-{name}")}
                processes[name] = subprocess.Popen(
                    command, env={**env, **own}, cwd=PROJECT,
                    stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                )
            wait_for(lambda: running_ingests(api_url) == len(commands) or any(p.poll() is not None for p in processes.values()),
                     240, "every ingest run running")
        outputs = {name: p.communicate(timeout=600)[0] for name, p in processes.items()}
    finally:
        for p in processes.values():
            if p.poll() is None:
                p.kill()
                p.wait()
    for name, p in processes.items():
        assert p.returncode == 0, f"run {name} failed:\n{outputs[name]}"


def one(root: Path, sql: str):
    return run_query(root, sql)[1][0]


def test_two_ingest_runs_at_once_store_each_article_once(tmp_path: Path):
    shared = write_corpus(tmp_path / "shared", SHARED, seed=1)
    only_a = write_corpus(tmp_path / "only-a", ONLY_A, seed=2)
    only_b = write_corpus(tmp_path / "only-b", ONLY_B, seed=3)
    root = tmp_path / "warehouse"

    with prefect_server(tmp_path) as server:
        env = clean_environment(
            PREFECT_API_URL=server.api_url,
            PRESSROOM_WAREHOUSE=str(root),
            PRESSROOM_BATCH_SIZE="20",  # many small writes, so the two runs' writes contend
            PRESSROOM_WORKERS="1",
        )
        # both start with the shared folder: they reach the same batches at about the same time
        commands = {
            "a": [str(PRESSROOM), "ingest", str(tmp_path / "shared"), str(tmp_path / "only-a")],
            "b": [str(PRESSROOM), "ingest", str(tmp_path / "shared"), str(tmp_path / "only-b")],
        }
        # The warehouse exists first: creating it takes the lock too.
        ensure_catalog(root)
        ingests_at_once(root, commands, env, tmp_path, server.api_url)

    runs = run_query(root, "SELECT run_id, status, started_at, finished_at, rows_added['articles'] FROM runs ORDER BY started_at")[1]
    assert [status for _, status, *_ in runs] == ["completed", "completed"]
    (_, _, start_1, end_1, added_1), (_, _, start_2, end_2, added_2) = runs
    assert start_2 < end_1, f"the runs did not overlap ({start_1}..{end_1} and {start_2}..{end_2}): nothing was tested"

    expected = {str(p) for p in shared + only_a + only_b}
    assert one(root, "SELECT count(*), count(DISTINCT article_id), count(DISTINCT doc_id) FROM article_versions") == (
        len(expected), len(expected), len(expected))
    assert one(root, "SELECT count(*), count(DISTINCT (doc_id, content_sha256)) FROM documents") == (len(expected), len(expected))
    assert {uri for (uri,) in run_query(root, "SELECT uri FROM articles")[1]} == expected
    assert one(root, "SELECT count(*) FROM quarantine") == (0,)
    # every article was added by exactly one of the runs: the shared ones split between them
    assert added_1 + added_2 == len(expected)
    split = run_query(root, "SELECT run_id, count(*) FROM article_versions WHERE uri LIKE '%/shared/%' GROUP BY ALL")[1]
    print(f"runs overlapped {(min(end_1, end_2) - start_2).total_seconds():.1f} s; shared articles added per run: {sorted(n for _, n in split)}")
