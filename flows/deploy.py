"""Deployments: one per flow, served by `pressroom serve` (or put on a work pool by `pressroom
deploy`, flows/work_pool.py); schedules come from the sources file.

Every flow in `FLOWS` becomes a deployment of the same name (`ingest/ingest`, ...) whose run form
in the Prefect UI is the flow's pydantic parameter model. Each `[schedules.NAME]` group of the
sources file becomes one schedule of the pipeline deployment, whose runs ingest only that group's
sources and then tag languages and deduplicate (docs/operations.md says why the pipeline, not an
event trigger, makes languages and dedup follow ingest).
"""

from __future__ import annotations

import asyncio
import importlib
import ipaddress
import os
import sys
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from uuid import UUID
from zoneinfo import ZoneInfo

import httpx
from prefect import Flow
from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import ConcurrencyLimitConfig, ConcurrencyLimitStrategy
from prefect.deployments.runner import RunnerDeployment
from prefect.exceptions import TerminationSignal
from prefect.runner import Runner
from prefect.schedules import Cron, Interval, Schedule
from prefect.settings import get_current_settings
from prefect.types.entrypoint import EntrypointType

from config.deploy_env import secret_problems
from config.settings import Settings
from config.sources import ScheduleSpec, SourcesFile, load_sources
from flows.parameters import IngestParameters

# The flows `pressroom serve` deploys, as "module:flow". Adding a flow is adding its line.
FLOWS: tuple[str, ...] = (
    "flows.ingest:ingest",
    "flows.language:languages",
    "flows.dedup:dedup",
    "flows.pipeline:pipeline",
)
# Scheduled runs are pipeline runs: ingest a schedule group's sources, then the later flows.
SCHEDULED_FLOW = "pipeline"
TAGS = ["pressroom"]
# One run of each deployment at a time; more wait their turn (state AwaitingConcurrencySlot).
# A schedule that fires while its last run is still busy, or a second click in the UI, then
# queues instead of doubling the load. Runs of different flows may overlap: the warehouse lock
# (warehouse/lock.py) keeps their writes apart.
ONE_RUN_AT_A_TIME = ConcurrencyLimitConfig(limit=1, collision_strategy=ConcurrencyLimitStrategy.ENQUEUE)
# On a work pool, ingest runs may run side by side on several workers (ingesting other sources,
# or URIs given in the run form): the warehouse lock keeps their writes apart and the per-host
# limits (HttpSettings.host_limits) their requests. Languages and dedup work on the whole
# warehouse and the pipeline runs both, so one run of each at a time stays the rule.
PARALLEL_ON_POOL = frozenset({"ingest"})
# Seconds between the runner's checks for runs to start (Prefect's default, 10 s, makes a run
# started from the UI wait up to ~14 s).
POLL_SECONDS = 2


class NoServer(RuntimeError):
    """There is no reachable Prefect API to serve deployments to."""


def load_flow(target: str) -> Flow:
    """The flow object named by `module:attribute`."""
    module, _, attribute = target.partition(":")
    flow = getattr(importlib.import_module(module), attribute)
    if not isinstance(flow, Flow):
        raise TypeError(f"{target} is not a Prefect flow")
    return flow


def scheduled_parameters(sources: list[str]) -> dict:
    """The parameters of a scheduled pipeline run that ingests only `sources`."""
    from flows.pipeline import PipelineParameters

    params = PipelineParameters(ingest=IngestParameters(sources=sources))
    return {"params": params.model_dump(mode="json", exclude_defaults=True)}


def _schedule(name: str, spec: ScheduleSpec, sources: list[str]) -> Schedule:
    parameters = scheduled_parameters(sources)
    if spec.cron is not None:
        return Cron(spec.cron, timezone=spec.timezone, parameters=parameters, slug=name)
    # Anchored at midnight in the schedule's zone, so "6h" means 00:00, 06:00, ... local time
    # however often `pressroom serve` restarts.
    midnight = datetime.now(ZoneInfo(spec.timezone)).replace(hour=0, minute=0, second=0, microsecond=0)
    return Interval(spec.interval, anchor_date=midnight, timezone=spec.timezone, parameters=parameters, slug=name)


def build_schedules(sources: SourcesFile) -> list[Schedule]:
    """One Prefect schedule per schedule group that has enabled sources."""
    groups = sources.sources_by_schedule()
    return [_schedule(name, sources.schedules[name], names) for name, names in groups.items() if names]


def build_deployments(
    sources: SourcesFile, flows: tuple[str, ...] = FLOWS, run_environment: dict[str, str] | None = None
) -> list[RunnerDeployment]:
    """The deployments: one per flow, the schedules on the pipeline's.

    A flow without schedules gets an explicit empty list, so re-serving after a schedule was
    removed from the sources file removes it from the server too. `run_environment` is for
    deployments on a work pool (`pressroom deploy`): the variables their runs get, and there the
    flows of `PARALLEL_ON_POOL` have no one-run-at-a-time limit.
    """
    schedules = build_schedules(sources)
    deployments = []
    for target in flows:
        flow = load_flow(target)
        parallel = run_environment is not None and flow.name in PARALLEL_ON_POOL
        deployments.append(
            flow.to_deployment(
                name=flow.name,
                schedules=schedules if flow.name == SCHEDULED_FLOW else [],
                tags=TAGS,
                concurrency_limit=None if parallel else ONE_RUN_AT_A_TIME,
                enforce_parameter_schema=True,
                # imported by module name, so runs work whatever folder `serve` started in
                entrypoint_type=EntrypointType.MODULE_PATH,
                job_variables={"env": run_environment} if run_environment is not None else None,
            )
        )
    return deployments


def remove_stale_schedules(deployment_id: UUID, deployment: RunnerDeployment) -> list[str]:
    """Delete the server's schedules of a deployment that `deployment` no longer has; returns
    their slugs. (Applying a deployment updates and adds schedules by slug but keeps the others,
    so without this a group removed from the sources file would go on running.)"""
    keep = {s.slug for s in deployment.schedules or []}
    removed = []
    with get_client(sync_client=True) as client:
        for schedule in client.read_deployment_schedules(deployment_id):
            if schedule.slug not in keep:
                client.delete_deployment_schedule(deployment_id, schedule.id)
                removed.append(schedule.slug or str(schedule.id))
    return removed


def _when(spec: ScheduleSpec) -> str:
    every = f"cron '{spec.cron}'" if spec.cron is not None else f"every {spec.interval}"
    return f"{every} ({spec.timezone})"


def describe(
    deployments: list[RunnerDeployment], ids: dict[str, object], ui_url: str | None, sources: SourcesFile, heading: str = "pressroom serve:"
) -> str:
    """What `pressroom serve` (or `deploy`, with its `heading`) prints: where the UI is, and each
    deployment with its schedules."""
    groups = sources.sources_by_schedule()
    lines = [f"{heading} {len(deployments)} deployments for the Prefect UI at {ui_url or '(no UI URL)'}"]
    for d in deployments:
        link = f"{ui_url}/deployments/deployment/{ids[d.name]}" if ui_url and d.name in ids else ""
        lines.append(f"  {d.flow_name + '/' + d.name:<24} {link}".rstrip())
        if d.name == SCHEDULED_FLOW:
            for name, names in groups.items():
                runs = f"sources {', '.join(names)}" if names else "no enabled sources: not scheduled"
                lines.append(f"      schedule {name}: {_when(sources.schedules[name])}, {runs}")
    return "\n".join(lines)


def check_server() -> str:
    """The API URL, after checking that the server answers (NoServer, saying why, if not)."""
    url = get_current_settings().api.url
    if not url:
        raise NoServer(
            "PREFECT_API_URL is not set: start a server (`pressroom server`, or `docker compose up`) "
            "and export PREFECT_API_URL=http://127.0.0.1:4200/api"
        )
    with get_client(sync_client=True) as client:
        failure = client.api_healthcheck()
        if failure is not None:
            raise NoServer(f"the Prefect server at {url} does not answer ({type(failure).__name__}: {failure})")
        try:
            client.hello()  # unlike /health, this needs the auth string when the server has one
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code != 401:
                raise
            raise NoServer(
                f"the Prefect server at {url} refuses pressroom's credentials: "
                "set PREFECT_API_AUTH_STRING to the server's PREFECT_SERVER_API_AUTH_STRING"
            ) from None
    return url


def serve_deployments(sources_file: Path | None = None) -> None:
    """Register the deployments with the Prefect server and run their flow runs until stopped.

    Runs start in subprocesses of this process and inherit its environment: the sources file and
    warehouse are pinned here as absolute paths so runs see the same ones.
    """
    settings = Settings()
    sources_path = (sources_file or settings.sources).expanduser().resolve()
    sources = load_sources(sources_path)
    os.environ["PRESSROOM_SOURCES"] = str(sources_path)
    os.environ["PRESSROOM_WAREHOUSE"] = str(settings.warehouse_root())
    check_server()
    deployments = build_deployments(sources)
    poll = float(os.environ.get("PREFECT_RUNNER_POLL_FREQUENCY", POLL_SECONDS))
    runner = Runner(name="pressroom", pause_on_shutdown=True, query_seconds=poll)
    ids = {d.name: runner.add_deployment(d) for d in deployments}
    for d in deployments:
        for slug in remove_stale_schedules(ids[d.name], d):
            print(f"  removed schedule {slug!r} of {d.flow_name}/{d.name}: it is not in {sources_path.name} any more")
    print(describe(deployments, ids, get_current_settings().ui_url, sources))
    print(f"  sources file {sources_path}\n  warehouse    {settings.warehouse_root()}")
    print(f"Runs started from the UI begin within ~{poll:g} s. Ctrl-C stops serving and pauses the schedules.", flush=True)
    try:
        asyncio.run(runner.start())
    except (KeyboardInterrupt, TerminationSignal):
        pass


def offline_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """`environ` with Prefect's telemetry off unless it says otherwise."""
    env = dict(environ)
    env.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    env.setdefault("DO_NOT_TRACK", "1")
    return env


def local_server_environment(host: str, port: int, environ: dict[str, str]) -> dict[str, str]:
    """The environment for Prefect's own server on this machine; settings already in `environ` win.

    The UI calls the API at PREFECT_UI_API_URL, which must be the address a browser reaches
    (127.0.0.1 when the server listens on every interface).
    """
    browser_host = "127.0.0.1" if host in {"0.0.0.0", "::", ""} else host
    env = offline_environment(environ)
    env.setdefault("PREFECT_UI_API_URL", f"http://{browser_host}:{port}/api")
    return env


def is_loopback(host: str) -> bool:
    """Whether a server listening on `host` is reachable from this machine only."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # "" (every interface), or a host name, which may resolve to any address


def _server_auth_string() -> str:
    """PREFECT_SERVER_API_AUTH_STRING as the server will read it (environment or Prefect profile)."""
    secret = get_current_settings().server.api.auth_string
    return secret.get_secret_value() if secret is not None else ""


def server_start_problem(host: str, port: int, insecure: bool) -> str | None:
    """Why Prefect's server must not start on `host`, or None: its auth string is a placeholder,
    or it would listen beyond loopback without one (anyone reaching the port could read the runs
    and start flows that fetch and write) and `insecure` does not say that is meant."""
    auth = _server_auth_string()
    if auth and (problems := secret_problems({"PREFECT_SERVER_API_AUTH_STRING": auth})):
        return problems[0]
    if auth or insecure or is_loopback(host):
        return None
    return (
        f"refusing to serve the Prefect API on {host or 'every interface'}:{port} without an auth string: "
        "set PREFECT_SERVER_API_AUTH_STRING=user:password (clients send it as PREFECT_API_AUTH_STRING), "
        "or pass --insecure if the network is yours alone"
    )


def run_local_server(host: str, port: int, services: bool = True) -> None:
    """Replace this process with `prefect server start` (SQLite in PREFECT_HOME unless
    PREFECT_API_DATABASE_CONNECTION_URL names another database), after saying how to use it;
    without `services`, the API and UI alone (`run_prefect_server_command(["services", "start"])`
    runs the background services elsewhere)."""
    env = local_server_environment(host, port, dict(os.environ))
    api = env["PREFECT_UI_API_URL"]
    named = [k for k in ("PREFECT_API_DATABASE_CONNECTION_URL", "PREFECT_SERVER_DATABASE_CONNECTION_URL") if env.get(k)]
    database = named[0] if named else "SQLite in PREFECT_HOME"
    auth = "PREFECT_SERVER_API_AUTH_STRING" if _server_auth_string() else "none"
    print(
        f"pressroom server: Prefect UI at {api.removesuffix('/api')} (database: {database}; auth: {auth}).\n"
        f"Serve the deployments to it from another terminal:\n"
        f"  export PREFECT_API_URL={api}\n"
        f"  pressroom serve",
        flush=True,
    )
    command = [sys.executable, "-m", "prefect", "server", "start", "--host", host, "--port", str(port)]
    os.execve(sys.executable, command + ([] if services else ["--no-services"]), env)


def run_prefect_server_command(arguments: list[str]) -> None:
    """Replace this process with `prefect server ARGUMENTS` (`services start`, `database upgrade
    -y`) with analytics off, as docker-compose runs the server's parts in containers of their own."""
    os.execve(sys.executable, [sys.executable, "-m", "prefect", "server", *arguments], offline_environment(os.environ))
