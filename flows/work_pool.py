"""Runs across machines: the deployments on a Prefect process work pool, and its workers.

`pressroom deploy` registers the same deployments as `pressroom serve` (schedules from the
sources file, the flows' parameter forms) on the work pool named by `PRESSROOM_WORK_POOL`,
creating the pool when absent; `pressroom worker` is `prefect worker start` on that pool. Any
number of workers, on any machines that reach the Prefect API and the warehouse, then take the
runs. Re-deploying updates the deployments in place (they are keyed by flow and name).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import WorkPoolCreate
from prefect.client.schemas.filters import WorkerFilter, WorkerFilterStatus
from prefect.exceptions import ObjectAlreadyExists, ObjectNotFound
from prefect.settings import get_current_settings
from prefect.workers.process import ProcessWorker

from config.settings import Settings
from config.sources import load_sources
from flows.deploy import POLL_SECONDS, NoServer, build_deployments, check_server, describe, remove_stale_schedules

# What every run on the pool gets, whoever deployed it: per-host politeness across the runs
# (tasks/fetch/host_leases.py), since several runs on several workers may fetch one host.
POOL_ENVIRONMENT = {"PRESSROOM_HTTP__HOST_LIMITS": "prefect"}


class WrongPool(NoServer):
    """The work pool named by the settings exists, but runs flows some other way."""


def pool_job_template(working_dir: Path) -> dict:
    """Prefect's process job template, defaulting to `working_dir` (instead of a temporary
    folder per run) and to `POOL_ENVIRONMENT`; a deployment's job variables add to both."""
    template = ProcessWorker.get_default_base_job_template()
    properties = template["variables"]["properties"]
    properties["working_dir"]["default"] = str(working_dir)
    properties["env"]["default"] = dict(POOL_ENVIRONMENT)
    return template


def ensure_work_pool(name: str, working_dir: Path) -> bool:
    """Create the process work pool `name` unless it exists; True when this call created it.
    An existing pool keeps its template (an operator may have changed it); one of another type
    is refused (WrongPool), since its workers would not run pressroom's flows as processes."""
    with get_client(sync_client=True) as client:
        try:
            pool = client.read_work_pool(name)
        except ObjectNotFound:
            create = WorkPoolCreate(
                name=name, type="process", base_job_template=pool_job_template(working_dir),
                description="pressroom's flow runs (pressroom deploy); take them with `pressroom worker`",
            )
            try:
                client.create_work_pool(create)
            except ObjectAlreadyExists:
                return False  # a worker or another deploy created it a moment ago
            return True
    if pool.type != "process":
        raise WrongPool(f"the work pool {name!r} is of type {pool.type!r}, not process: set PRESSROOM_WORK_POOL to another name")
    return False


def online_workers(pool: str) -> int:
    """How many workers of `pool` the server sees polling now."""
    with get_client(sync_client=True) as client:
        return len(client.read_workers_for_work_pool(pool, worker_filter=WorkerFilter(status=WorkerFilterStatus(any_=["ONLINE"]))))


def run_environment(settings: Settings, sources_path: Path) -> dict[str, str]:
    """The variables the deployments' runs get: the sources file and the warehouse as the
    deploying command sees them (absolute paths: a worker's machine must see the same ones,
    on a shared volume or mount), and per-host politeness across runs."""
    return {"PRESSROOM_SOURCES": str(sources_path), "PRESSROOM_WAREHOUSE": str(settings.warehouse_root()), **POOL_ENVIRONMENT}


def deploy_to_pool(sources_file: Path | None = None) -> None:
    """Register every deployment on the work pool (created when absent) and print them."""
    settings = Settings()
    sources_path = (sources_file or settings.sources).expanduser().resolve()
    sources = load_sources(sources_path)
    check_server()
    pool = settings.work_pool
    created = ensure_work_pool(pool, Path.cwd())
    deployments = build_deployments(sources, run_environment=run_environment(settings, sources_path))
    ids = {}
    for d in deployments:
        ids[d.name] = d.apply(work_pool_name=pool)
        for slug in remove_stale_schedules(ids[d.name], d):
            print(f"  removed schedule {slug!r} of {d.flow_name}/{d.name}: it is not in {sources_path.name} any more")
    print(describe(deployments, ids, get_current_settings().ui_url, sources, heading=f"pressroom deploy: work pool {pool!r} ({'created' if created else 'exists'}),"))
    print(f"  sources file {sources_path}\n  warehouse    {settings.warehouse_root()}")
    workers = online_workers(pool)
    print(f"{workers} worker{'s' * (workers != 1)} online; start more with `pressroom worker` (here or on any machine that sees the same paths).", flush=True)


def worker_command(pool: str, name: str | None, limit: int | None) -> list[str]:
    """`prefect worker start` for the pool, as this Python runs it."""
    command = [sys.executable, "-m", "prefect", "worker", "start", "--pool", pool, "--type", "process"]
    if name:
        command += ["--name", name]
    if limit:
        command += ["--limit", str(limit)]
    return command


def run_worker(name: str | None = None, limit: int | None = None) -> None:
    """Replace this process with a Prefect worker on the work pool (created when absent, with
    pressroom's job template), after checking that the server answers."""
    pool = Settings().work_pool
    check_server()
    ensure_work_pool(pool, Path.cwd())
    env = dict(os.environ)
    # Prefect's default of 10 s between polls makes a run started from the UI wait up to ~15 s.
    env.setdefault("PREFECT_WORKER_QUERY_SECONDS", str(POLL_SECONDS))
    print(f"pressroom worker: taking runs of work pool {pool!r} from {get_current_settings().api.url}", flush=True)
    os.execve(sys.executable, worker_command(pool, name, limit), env)
