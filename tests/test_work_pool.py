"""Runs across machines: `pressroom deploy` on a Prefect process work pool, two `pressroom worker`
processes taking four ingest runs started at once, and per-host politeness across them.

The end-to-end test runs a real Prefect server, the two workers (each running flow runs as
subprocesses, as on two machines) and an HTTP server that counts the requests in flight; the
runs share one warehouse folder, as workers on several machines share a volume.
"""

from __future__ import annotations

import os
import random
import subprocess
from pathlib import Path

import pytest
from web_server import Reply, WebServer

from config.sources import parse_sources
from prefect_server import PRESSROOM, clean_environment, prefect_server, running, stop, wait_for
from tests.corpus_factory import article_html, write_corpus
from warehouse.catalog import ensure_catalog
from warehouse.lock import warehouse_lock
from warehouse.query import run_query

DELAY = 0.6  # PRESSROOM_HTTP__PER_HOST_DELAY of the workers' runs
REPLY_SECONDS = 0.2  # shorter than DELAY: starts DELAY apart show the spacing held across runs
PAGES = 6


# --- the deployments on the pool (Prefect's test server) ------------------------------------------

@pytest.mark.usefixtures("prefect_harness")
def test_deploy_creates_the_pool_once_and_updates_the_deployments_in_place(tmp_path: Path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import WorkPoolFilter, WorkPoolFilterName

    from flows.deploy import build_deployments
    from flows.work_pool import POOL_ENVIRONMENT, ensure_work_pool

    pool = f"pool-{random.randrange(10**6)}"
    sources = parse_sources('[[source]]\nname = "inbox"\nkind = "folder"\npath = "inbox"\n', tmp_path)
    environment = {"PRESSROOM_WAREHOUSE": str(tmp_path / "warehouse"), **POOL_ENVIRONMENT}
    assert ensure_work_pool(pool, tmp_path) is True
    assert ensure_work_pool(pool, tmp_path) is False
    first = {d.name: d.apply(work_pool_name=pool) for d in build_deployments(sources, run_environment=environment)}
    again = {d.name: d.apply(work_pool_name=pool) for d in build_deployments(sources, run_environment=environment)}
    assert first == again  # the same deployments, updated, not new ones

    with get_client(sync_client=True) as client:
        stored = client.read_deployments(work_pool_filter=WorkPoolFilter(name=WorkPoolFilterName(any_=[pool])))
        template = client.read_work_pool(pool).base_job_template
    assert sorted(d.name for d in stored) == sorted(first)
    by_name = {d.name: d for d in stored}
    assert all(d.job_variables == {"env": environment} for d in stored)
    assert by_name["ingest"].global_concurrency_limit is None  # ingest runs may run side by side on the pool
    assert by_name["dedup"].global_concurrency_limit.limit == 1
    properties = template["variables"]["properties"]
    assert properties["working_dir"]["default"] == str(tmp_path)
    assert properties["env"]["default"] == POOL_ENVIRONMENT


@pytest.mark.usefixtures("prefect_harness")
def test_a_pool_of_another_type_is_refused():
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import WorkPoolCreate

    from flows.work_pool import WrongPool, ensure_work_pool

    name = f"elsewhere-{random.randrange(10**6)}"
    with get_client(sync_client=True) as client:
        client.create_work_pool(WorkPoolCreate(name=name, type="kubernetes"))
    with pytest.raises(WrongPool, match=f"the work pool '{name}' is of type 'kubernetes', not process"):
        ensure_work_pool(name, Path.cwd())


def test_a_worker_without_a_server_says_how_to_start_one(tmp_path: Path):
    done = subprocess.run([str(PRESSROOM), "worker"], env=clean_environment(PREFECT_HOME=str(tmp_path / "home")),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert done.stderr.startswith("pressroom: PREFECT_API_URL is not set")


# --- two workers, four runs at once -----------------------------------------------------------------

def _processes() -> dict[int, tuple[int, int, str]]:
    """Every process: pid -> (parent pid, process group, state)."""
    table = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            table[int(entry.name)] = (int(fields[1]), int(fields[3]), fields[0])
    return table


def _family(roots: set[int]) -> set[int]:
    """The processes started by `roots` (each in its own process group): their groups and descendants."""
    table = _processes()
    family = {pid for pid, (_, group, _) in table.items() if group in roots} | set(roots)
    grew = True
    while grew:
        children = {pid for pid, (parent, _, _) in table.items() if parent in family} - family
        family |= children
        grew = bool(children)
    return family


def _alive(pids: set[int]) -> list[int]:
    """Those of `pids` still running (zombies count as gone)."""
    table = _processes()
    return sorted(pid for pid in pids if pid in table and table[pid][2] != "Z")


def _flow_runs(api_url: str, ids: list) -> list:
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
    from prefect.settings import PREFECT_API_URL, temporary_settings

    with temporary_settings({PREFECT_API_URL: api_url}), get_client(sync_client=True) as client:
        return client.read_flow_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=ids)))


@pytest.fixture(scope="module")
def four_runs(tmp_path_factory: pytest.TempPathFactory):
    """Deploy, start two workers, start four overlapping ingest runs at once and wait for them.
    Yields (flow runs, warehouse root, expected URIs, the web server, leftover pids)."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_URL, temporary_settings

    tmp = tmp_path_factory.mktemp("work-pool")
    folders = {name: write_corpus(tmp / name, n, seed=seed) for name, n, seed in (("shared", 4, 1), ("only-a", 2, 2), ("only-b", 2, 3))}
    root = tmp / "warehouse"
    rng = random.Random(5)
    with WebServer() as web:
        urls = []
        for n in range(PAGES):
            web.add(f"/news/{n}", Reply(200, article_html(100 + n, rng).encode(), {"Content-Type": "text/html; charset=utf-8"}, delay=REPLY_SECONDS))
            urls.append(web.url(f"/news/{n}"))
        folder = {name: str(tmp / name) for name in folders}
        inputs = [
            [folder["shared"], folder["only-a"], *urls[0:3]],
            [folder["shared"], folder["only-b"], *urls[1:4]],
            [folder["shared"], *urls[3:6]],
            [folder["only-a"], folder["only-b"], urls[0], urls[5]],
        ]
        expected = {str(p) for paths in folders.values() for p in paths} | set(urls)
        sources = tmp / "sources.toml"
        sources.write_text(f'[[source]]\nname = "shared"\nkind = "folder"\npath = "{folder["shared"]}"\n')
        ensure_catalog(root)

        with prefect_server(tmp) as server:
            env = clean_environment(PREFECT_API_URL=server.api_url, PRESSROOM_WAREHOUSE=str(root), PRESSROOM_SOURCES=str(sources))
            worker_env = dict(env, PRESSROOM_WORKERS="1", PREFECT_WORKER_QUERY_SECONDS="1",
                              PRESSROOM_HTTP__PER_HOST_CONCURRENCY="1", PRESSROOM_HTTP__PER_HOST_DELAY=str(DELAY))
            # the workers start while deploy registers the deployments: whichever comes first creates the pool
            deploy = subprocess.Popen([str(PRESSROOM), "deploy"], env=dict(env, PREFECT_HOME=str(tmp / "deploy-home")),
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            family: set[int] = set()
            with running([str(PRESSROOM), "worker", "--name", "w1", "--limit", "2"], dict(worker_env, PREFECT_HOME=str(tmp / "w1-home")), tmp / "w1.log") as w1, \
                    running([str(PRESSROOM), "worker", "--name", "w2", "--limit", "2"], dict(worker_env, PREFECT_HOME=str(tmp / "w2-home")), tmp / "w2.log") as w2:
                out, err = deploy.communicate(timeout=300)
                assert deploy.returncode == 0, err
                assert "pressroom deploy: work pool 'pressroom' (" in out and "4 deployments for the Prefect UI" in out
                for name, log in (("w1", tmp / "w1.log"), ("w2", tmp / "w2.log")):
                    wait_for(lambda log=log: f"Worker '{name}' started" in log.read_text(errors="replace"), 180, f"worker {name}", log)
                with temporary_settings({PREFECT_API_URL: server.api_url}), get_client(sync_client=True) as client:
                    deployment = client.read_deployment_by_name("ingest/ingest")
                    # the warehouse lock parks every run at its first write (before it fetches), so
                    # all four fetch at once however far apart the workers started them
                    with warehouse_lock(root):
                        ids = [client.create_flow_run_from_deployment(deployment.id, parameters={"params": {"uris": uris}}).id for uris in inputs]
                        wait_for(lambda: sum(r.state.is_running() for r in _flow_runs(server.api_url, ids)) == 4 or
                                 any(r.state.is_final() for r in _flow_runs(server.api_url, ids)), 240, "four runs running", tmp / "w1.log")
                    wait_for(lambda: all(r.state.is_final() for r in _flow_runs(server.api_url, ids)), 300, "four runs finished", tmp / "w2.log", every=1)
                runs = _flow_runs(server.api_url, ids)
                family = _family({w1.pid, w2.pid})
                for worker in (w1, w2):
                    stop(worker, grace=5)
            leftover = _alive(family)
        yield runs, root, expected, web, leftover


@pytest.mark.e2e
@pytest.mark.timeout(900)
def test_four_runs_spread_over_two_workers_and_store_each_article_once(four_runs):
    runs, root, expected, _, leftover = four_runs
    assert [r.state.type.value for r in runs] == ["COMPLETED"] * 4, [r.state.message for r in runs]
    assert {r.labels["prefect.worker.name"] for r in runs} == {"w1", "w2"}
    assert run_query(root, "SELECT count(*), count(DISTINCT article_id), count(DISTINCT doc_id) FROM article_versions")[1][0] == (
        len(expected), len(expected), len(expected))
    assert {uri for (uri,) in run_query(root, "SELECT uri FROM articles")[1]} == expected
    assert run_query(root, "SELECT count(*) FROM quarantine")[1][0] == (0,)
    assert run_query(root, "SELECT count(*) FROM runs WHERE flow = 'ingest' AND status = 'completed'")[1][0] == (4,)
    assert leftover == [], "processes of the workers outlived them"


@pytest.mark.e2e
@pytest.mark.timeout(900)
def test_runs_on_two_workers_keep_to_the_per_host_limits(four_runs):
    """Each run fetches its pages one at a time (per-host concurrency 1), DELAY apart; with four
    runs on two workers at once the host would see up to four in flight without the shared
    limit. It sees one, and starts DELAY apart."""
    _, _, _, web, _ = four_runs
    pages = sorted(r.at for r in web.requests if r.path.startswith("/news/"))
    assert len(pages) >= PAGES  # a page two runs asked for may be fetched by both
    assert web.max_in_flight == 1
    gaps = [b - a for a, b in zip(pages, pages[1:])]
    assert min(gaps) >= DELAY - 0.2 > REPLY_SECONDS, gaps  # slack: the server's clock, a loaded machine
