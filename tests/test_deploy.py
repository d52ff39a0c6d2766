"""Deployments and schedules: the sources file's `[schedules.NAME]` tables, the deployments
`pressroom serve` registers (checked against Prefect's test server), the commands' failures, and
a failing stage that fails its task with the reason in the run."""

from __future__ import annotations

import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from config.sources import SourcesError, parse_interval, parse_sources
from prefect_server import PRESSROOM, PROJECT, clean_environment, free_port, wait_for

SCHEDULED = """
[schedules.hourly]
cron = "5 * * * *"
timezone = "Europe/Berlin"

[schedules.quick]
interval = "1h30m"

[schedules.idle]
interval = 600

[[source]]
name = "wire"
kind = "folder"
path = "wire"
schedule = "hourly"

[[source]]
name = "blogs"
kind = "folder"
path = "blogs"
schedule = "hourly"

[[source]]
name = "archive"
kind = "folder"
path = "archive"
schedule = "quick"

[[source]]
name = "paused"
kind = "folder"
path = "paused"
schedule = "idle"
enabled = false

[[source]]
name = "adhoc"
kind = "folder"
path = "adhoc"
"""


def sources(text: str = SCHEDULED):
    return parse_sources(text, Path("/srv/pressroom"))


# --- the sources file's schedules ---------------------------------------------------------------

@pytest.mark.parametrize(
    ("text", "seconds"),
    [(900, 900), (2.5, 2.5), ("90s", 90), ("15m", 900), ("1h30m", 5400), ("1d", 86400), ("2d6h", 194400), (" 5M ", 300)],
)
def test_intervals_read_as_seconds_or_text(text, seconds):
    assert parse_interval(text) == timedelta(seconds=seconds)


@pytest.mark.parametrize("text", ["", "5 minutes", "m", "1w", "30m1h", "-5", 0, 0.5, True])
def test_bad_intervals_are_refused(text):
    with pytest.raises(ValueError):
        parse_interval(text)


def test_schedule_groups_collect_their_enabled_sources():
    parsed = sources()
    assert parsed.sources_by_schedule() == {"hourly": ["wire", "blogs"], "quick": ["archive"], "idle": []}
    assert parsed.schedules["hourly"].cron == "5 * * * *" and parsed.schedules["hourly"].timezone == "Europe/Berlin"
    assert parsed.schedules["quick"].interval == timedelta(hours=1, minutes=30)
    assert parsed.schedules["quick"].timezone == "UTC"
    assert parsed.source[0].path == Path("/srv/pressroom/wire")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("[schedules.idle]\ninterval = 600", "[schedules.idle]\ninterval = 600\nevery = 5"), "unknown key 'every' in schedules.idle (expected one of: cron, interval, timezone)"),
        (('cron = "5 * * * *"', 'cron = "61 * * * *"'), 'schedules.hourly.cron: Invalid cron string: "61 * * * *"'),
        (('cron = "5 * * * *"', 'cron = "5 * * * *"\ninterval = 60'), "schedules.hourly: give exactly one of `cron` or `interval`"),
        (('interval = "1h30m"', 'interval = "90 minutes"'), "schedules.quick.interval: cannot read '90 minutes' as an interval"),
        (('timezone = "Europe/Berlin"', 'timezone = "Europe/Berlinn"'), "schedules.hourly.timezone: unknown time zone 'Europe/Berlinn'"),
        (('schedule = "quick"', 'schedule = "nightly"'), "source[2] (archive).schedule: no schedule named 'nightly' (declared: hourly, idle, quick)"),
        (('schedule = "quick"', 'schedules = "quick"'), "unknown key 'schedules' in source[2] (archive) (did you mean 'schedule'?)"),
    ],
)
def test_bad_schedules_give_one_line_naming_the_key(change, message):
    old, new = change
    assert old in SCHEDULED
    with pytest.raises(SourcesError) as caught:
        sources(SCHEDULED.replace(old, new, 1))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


# --- the deployments ------------------------------------------------------------------------------

def test_one_deployment_per_flow_and_the_schedules_on_the_pipeline():
    from flows.deploy import FLOWS, SCHEDULED_FLOW, build_deployments, load_flow

    deployments = build_deployments(sources())
    assert [d.name for d in deployments] == [load_flow(target).name for target in FLOWS]
    assert {"ingest", "pipeline"} <= {d.name for d in deployments}
    for d in deployments:
        assert d.flow_name == d.name and d.enforce_parameter_schema
        assert d.entrypoint.startswith("flows.") and ":" not in d.entrypoint  # imported by module name
        if d.name != SCHEDULED_FLOW:
            assert d.schedules == []
    pipeline = next(d for d in deployments if d.name == SCHEDULED_FLOW)
    by_slug = {s.slug: s for s in pipeline.schedules}
    assert set(by_slug) == {"hourly", "quick"}  # `idle` has no enabled source
    assert by_slug["hourly"].schedule.cron == "5 * * * *" and by_slug["hourly"].schedule.timezone == "Europe/Berlin"
    assert by_slug["quick"].schedule.interval == timedelta(hours=1, minutes=30)
    assert by_slug["hourly"].parameters == {"params": {"ingest": {"sources": ["wire", "blogs"]}}}
    assert by_slug["quick"].parameters == {"params": {"ingest": {"sources": ["archive"]}}}


def test_scheduled_parameters_are_what_the_pipeline_accepts():
    from flows.deploy import scheduled_parameters
    from flows.pipeline import pipeline

    validated = pipeline.validate_parameters(scheduled_parameters(["wire", "blogs"]))
    assert validated["params"].ingest.sources == ["wire", "blogs"]
    assert validated["params"].ingest.uris == []


def test_interval_schedules_are_anchored_at_local_midnight():
    from flows.deploy import build_schedules

    [quick] = [s for s in build_schedules(sources(SCHEDULED.replace('interval = "1h30m"', 'interval = "6h"\ntimezone = "Asia/Tokyo"')))
               if s.slug == "quick"]
    anchor = quick.anchor_date
    assert (anchor.hour, anchor.minute, anchor.second) == (0, 0, 0) and anchor.utcoffset() == timedelta(hours=9)
    assert datetime.now(timezone.utc) - anchor < timedelta(days=1, hours=1)


def test_the_run_form_is_the_documented_parameter_model():
    from flows.deploy import build_deployments

    ingest = next(d for d in build_deployments(sources()) if d.name == "ingest")
    schema = ingest._parameter_openapi_schema.model_dump()
    assert list(schema["properties"]) == ["params"]
    fields = schema["definitions"]["IngestParameters"]["properties"]
    assert {"uris", "sources", "sources_file", "limit", "batch_size"} <= set(fields)
    assert all(f.get("description") for f in fields.values())
    assert schema["definitions"]["IngestParameters"]["additionalProperties"] is False


def test_describe_says_where_the_ui_is_and_what_runs_when():
    from flows.deploy import build_deployments, describe

    parsed = sources()
    deployments = build_deployments(parsed)
    text = describe(deployments, {"ingest": "1234"}, "http://127.0.0.1:4200", parsed)
    assert text.splitlines()[0] == f"pressroom serve: {len(deployments)} deployments for the Prefect UI at http://127.0.0.1:4200"
    assert "ingest/ingest" in text and "http://127.0.0.1:4200/deployments/deployment/1234" in text
    assert "schedule hourly: cron '5 * * * *' (Europe/Berlin), sources wire, blogs" in text
    assert "schedule quick: every 1:30:00 (UTC), sources archive" in text
    assert "schedule idle: every 0:10:00 (UTC), no enabled sources: not scheduled" in text


@pytest.mark.usefixtures("prefect_harness")
def test_served_deployments_follow_the_sources_file_and_refuse_bad_parameters():
    from prefect.client.orchestration import get_client

    from flows.deploy import build_deployments, remove_stale_schedules

    with get_client(sync_client=True) as client:
        ids = {d.name: d.apply() for d in build_deployments(sources())}
        assert all(remove_stale_schedules(ids[d.name], d) == [] for d in build_deployments(sources()))
        stored = client.read_deployment(ids["pipeline"])
        assert sorted(s.slug for s in stored.schedules) == ["hourly", "quick"]
        assert all(s.active for s in stored.schedules)
        assert stored.enforce_parameter_schema
        assert stored.global_concurrency_limit.limit == 1
        assert stored.concurrency_options.collision_strategy == "ENQUEUE"

        # a schedule removed from the sources file is removed from the server on the next serve
        without_quick = SCHEDULED.replace('schedule = "quick"\n', "")
        removed = {}
        for d in build_deployments(sources(without_quick)):
            d.apply()
            removed[d.name] = remove_stale_schedules(ids[d.name], d)
        assert removed["pipeline"] == ["quick"]
        assert [s.slug for s in client.read_deployment(ids["pipeline"]).schedules] == ["hourly"]

        # the server checks a run's parameters against the form before the run exists
        with pytest.raises(Exception, match="limit"):
            client.create_flow_run_from_deployment(ids["ingest"], parameters={"params": {"limit": 0}})
        with pytest.raises(Exception, match="limt"):
            client.create_flow_run_from_deployment(ids["ingest"], parameters={"params": {"limt": 5}})
        run = client.create_flow_run_from_deployment(ids["ingest"], parameters={"params": {"uris": ["/srv/in"], "limit": 3}})
        assert run.parameters == {"params": {"uris": ["/srv/in"], "limit": 3}}


# --- failures are visible -------------------------------------------------------------------------

@pytest.mark.usefixtures("prefect_harness")
def test_a_failing_write_fails_its_task_with_the_reason(warehouse: Path, tmp_path: Path):
    """The warehouse cannot take the batch (a file sits where today's partition folder goes, as a
    full or read-only disk would refuse it): the write task fails and says why, and so does the run."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId

    from flows.ingest import ingest
    from flows.parameters import IngestParameters
    from warehouse.catalog import ensure_catalog

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "story.md").write_text("# A story\n\n" + "The council met on Tuesday to discuss the harbour budget. " * 20)
    ensure_catalog(warehouse)
    now = datetime.now(timezone.utc)
    for day in {now.date(), (now + timedelta(hours=1)).date()}:  # a run crossing midnight UTC
        (warehouse / "articles" / f"ingest_date={day:%Y-%m-%d}").write_text("not a folder")

    state = ingest(IngestParameters(uris=[str(inbox)]), return_state=True)

    assert state.is_failed()
    failed = []

    def the_failed_task_is_recorded() -> bool:
        # the server records task-run states from the events the run sends, a moment after the
        # flow run's own state: read until the failure is there
        with get_client(sync_client=True) as client:
            tasks = client.read_task_runs(flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[state.state_details.flow_run_id])))
        failed[:] = [t for t in tasks if t.state is not None and t.state.is_failed()]
        return bool(failed)

    wait_for(the_failed_task_is_recorded, 30, "the failed task run on the server")
    assert [t.name.rsplit("-", 1)[0] for t in failed] == ["write"]
    assert "File exists" in failed[0].state.message and "ingest_date=" in failed[0].state.message
    assert "File exists" in state.message


# --- the commands ---------------------------------------------------------------------------------

def _pressroom(*args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(PRESSROOM), *args], env=clean_environment(**env), cwd=PROJECT, capture_output=True, text=True, timeout=timeout
    )


def test_serve_without_a_server_says_how_to_start_one(tmp_path: Path):
    done = _pressroom("serve", PREFECT_HOME=str(tmp_path / "home"))
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "pressroom: PREFECT_API_URL is not set: start a server (`pressroom server`, or `docker compose up`) "
        "and export PREFECT_API_URL=http://127.0.0.1:4200/api"
    )


def test_serve_with_an_unreachable_server_fails_in_one_line(tmp_path: Path):
    url = f"http://127.0.0.1:{free_port()}/api"
    done = _pressroom("serve", PREFECT_HOME=str(tmp_path / "home"), PREFECT_API_URL=url)
    assert done.returncode == 2
    assert done.stderr.startswith(f"pressroom: the Prefect server at {url} does not answer (ConnectError")
    assert len(done.stderr.strip().splitlines()) == 1


def test_serve_with_a_bad_sources_file_names_the_key(tmp_path: Path):
    bad = tmp_path / "sources.toml"
    bad.write_text(SCHEDULED.replace('schedule = "quick"', 'schedule = "weekly"'))
    done = _pressroom("serve", "--sources", str(bad), PREFECT_HOME=str(tmp_path / "home"), PREFECT_API_URL="http://127.0.0.1:9/api")
    assert done.returncode == 2
    assert done.stderr.strip() == f"pressroom: {bad}: source[2] (archive).schedule: no schedule named 'weekly' (declared: hourly, idle, quick)"


def test_local_server_environment_points_the_ui_at_the_api():
    from flows.deploy import local_server_environment

    env = local_server_environment("127.0.0.1", 4321, {"PATH": "/bin"})
    assert env["PREFECT_UI_API_URL"] == "http://127.0.0.1:4321/api"
    assert env["PREFECT_SERVER_ANALYTICS_ENABLED"] == "false" and env["PATH"] == "/bin"
    # listening on every interface (a container): the browser still reaches it on 127.0.0.1
    assert local_server_environment("0.0.0.0", 4200, {})["PREFECT_UI_API_URL"] == "http://127.0.0.1:4200/api"
    # what the user set wins
    mine = {"PREFECT_UI_API_URL": "https://prefect.example/api", "PREFECT_SERVER_ANALYTICS_ENABLED": "true"}
    assert local_server_environment("0.0.0.0", 4200, mine) == {**mine, "DO_NOT_TRACK": "1"}


def test_server_beyond_loopback_without_an_auth_string_refuses_to_start(tmp_path: Path):
    done = _pressroom("server", "--host", "0.0.0.0", "--port", str(free_port()), PREFECT_HOME=str(tmp_path / "home"), timeout=60)
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("pressroom: refusing to serve the Prefect API on 0.0.0.0:") and "without an auth string" in line
    assert "--insecure" in line


def test_server_with_the_placeholder_auth_string_refuses_to_start(tmp_path: Path):
    done = _pressroom("server", "--port", str(free_port()), PREFECT_HOME=str(tmp_path / "home"),
                      PREFECT_SERVER_API_AUTH_STRING="admin:change-me", timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip() == (
        "pressroom: PREFECT_SERVER_API_AUTH_STRING still holds the placeholder 'change-me' of .env.example "
        "(set a user:password for the Prefect API and UI in .env)"
    )


def _start_problems(cases: list[tuple[str, bool]], **env: str) -> list[str]:
    """server_start_problem(host, 4200, insecure) of each case, in one fresh process (Prefect
    reads its settings once per process)."""
    code = f"from flows.deploy import server_start_problem as p\nfor h, i in {cases!r}: print(p(h, 4200, i))"
    done = subprocess.run([sys.executable, "-c", code], env=clean_environment(**env), cwd=PROJECT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_server_starts_on_loopback_with_an_auth_string_or_when_told_insecure(tmp_path: Path):
    home = str(tmp_path / "home")
    loopback = [("127.0.0.1", False), ("localhost", False), ("::1", False), ("127.0.1.1", False), ("0.0.0.0", True)]
    beyond = [("::", False), ("192.168.1.5", False), ("pressroom.example", False)]
    found = _start_problems(loopback + beyond, PREFECT_HOME=home)
    assert found[: len(loopback)] == ["None"] * len(loopback)
    for (host, _), problem in zip(beyond, found[len(loopback):]):
        assert problem.startswith(f"refusing to serve the Prefect API on {host}:4200 without an auth string")
    with_auth = _start_problems(beyond, PREFECT_HOME=home, PREFECT_SERVER_API_AUTH_STRING="admin:Wm4tRz8sJ")
    assert with_auth == ["None"] * len(beyond)


def test_server_command_defaults_to_loopback_4200():
    from flows.cli import build_parser, cmd_server

    args = build_parser().parse_args(["server"])
    assert (args.host, args.port, args.func) == ("127.0.0.1", 4200, cmd_server)


@pytest.mark.e2e
@pytest.mark.timeout(600)
def test_serve_on_a_server_that_demands_an_auth_string(tmp_path: Path):
    """As docker-compose runs it: the server demands PREFECT_SERVER_API_AUTH_STRING, serve and
    the runs it starts send PREFECT_API_AUTH_STRING."""
    from prefect.client.orchestration import get_client
    from prefect.settings import PREFECT_API_AUTH_STRING, PREFECT_API_URL, temporary_settings

    from prefect_server import prefect_server, pressroom_serve, wait_for

    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "ferry.md").write_text("# Ferry adds evening crossings\n\n" + "The ferry will add two evening crossings from April. " * 15)
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nname = "inbox"\nkind = "folder"\npath = "{inbox}"\n')
    warehouse = tmp_path / "warehouse"
    with prefect_server(tmp_path, PREFECT_SERVER_API_AUTH_STRING="admin:s3cret") as server:
        wrong = _pressroom("serve", PREFECT_HOME=str(tmp_path / "home"), PREFECT_API_URL=server.api_url,
                           PREFECT_API_AUTH_STRING="admin:guess")
        assert wrong.returncode == 2
        assert wrong.stderr.strip() == (
            f"pressroom: the Prefect server at {server.api_url} refuses pressroom's credentials: "
            "set PREFECT_API_AUTH_STRING to the server's PREFECT_SERVER_API_AUTH_STRING"
        )
        with pressroom_serve(server, tmp_path, sources, warehouse, PREFECT_API_AUTH_STRING="admin:s3cret") as log:
            assert "ingest/ingest" in log.read_text()
            with temporary_settings({PREFECT_API_URL: server.api_url, PREFECT_API_AUTH_STRING: "admin:s3cret"}):
                with get_client(sync_client=True) as client:
                    deployment = client.read_deployment_by_name("ingest/ingest")
                    run = client.create_flow_run_from_deployment(deployment.id, parameters={})
                    wait_for(lambda: client.read_flow_run(run.id).state.is_final(), 240, "the ingest run", log, every=2)
                    state = client.read_flow_run(run.id).state
    assert state.is_completed(), state.message
    rows = subprocess.run([str(PRESSROOM), "sql", "SELECT title, source FROM articles", "--format", "csv"],
                          env=clean_environment(PRESSROOM_WAREHOUSE=str(warehouse)), capture_output=True, text=True, timeout=120)
    assert rows.stdout.splitlines() == ["title,source", "Ferry adds evening crossings,inbox"]
