"""docker-compose.yml, the Dockerfile and .env.example agree with the code.

Docker cannot run here, so this reads the files and checks what would break a `docker compose up`:
commands the pressroom CLI does not have, environment names no setting reads, ports and URLs
that do not meet, volumes mounted where the code does not look, secrets not taken from .env,
and what `docker compose up` does with a missing, placeholder or real `.env` (the file
interpolated as compose does it, and the `check-env` service's command run on the result).
"""

from __future__ import annotations

import json
import re
import shlex
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from config.deploy_env import PLACEHOLDER, SECRETS
from config.settings import DEFAULT_SOURCES, Settings
from flows.cli import build_parser, cmd_check_env, cmd_deploy, cmd_server, cmd_worker, main

PROJECT = Path(__file__).resolve().parents[1]
COMPOSE = PROJECT / "docker-compose.yml"
DOCKERFILE = PROJECT / "Dockerfile"
ENV_EXAMPLE = PROJECT / ".env.example"
# Variables the official postgres image reads; not Prefect's or pressroom's to check.
POSTGRES_IMAGE_ENV = {"POSTGRES_USER", "POSTGRES_DB", "POSTGRES_PASSWORD"}
# Honoured by Prefect (and many tools) to turn telemetry off; not a Prefect setting.
CONVENTIONS = {"DO_NOT_TRACK"}


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = re.sub(r"\\\n", " ", DOCKERFILE.read_text(encoding="utf-8"))
    pairs = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            instruction, _, args = line.partition(" ")
            pairs.append((instruction.upper(), args.strip()))
    return pairs


def env_example() -> dict[str, str]:
    pairs = {}
    for line in ENV_EXAMPLE.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            pairs[key.strip()] = value.strip()
    return pairs


def prefect_setting_names() -> set[str]:
    from prefect.settings import Settings as PrefectSettings
    from prefect.settings.legacy import _get_valid_setting_names

    return _get_valid_setting_names(PrefectSettings)


def is_known_name(name: str) -> bool:
    from prefect_redis.client import RedisMessagingSettings

    if name.startswith("PRESSROOM_"):
        return name.removeprefix("PRESSROOM_").lower() in Settings.model_fields
    if name.startswith("PREFECT_REDIS_MESSAGING_"):  # prefect-redis's own settings
        return name.removeprefix("PREFECT_REDIS_MESSAGING_").lower() in RedisMessagingSettings.model_fields
    return name in prefect_setting_names() or name in CONVENTIONS


def image_services(compose: dict) -> dict[str, dict]:
    return {name: s for name, s in compose["services"].items() if s.get("build") == "."}


def entrypoint(dockerfile: list[tuple[str, str]]) -> list[str]:
    return json.loads([args for ins, args in dockerfile if ins == "ENTRYPOINT"][-1])


def dockerfile_env(dockerfile: list[tuple[str, str]]) -> dict[str, str]:
    env = {}
    for ins, args in dockerfile:
        if ins == "ENV":
            for item in shlex.split(args):
                key, _, value = item.partition("=")
                env[key] = value
    return env


def published(service: dict) -> list[tuple[str, int, int]]:
    """(host address, host port, container port) of each published port."""
    out = []
    for spec in service.get("ports", []):
        address, host, container = str(spec).split(":")
        out.append((address, int(host), int(container)))
    return out


# The services running pressroom's image, and the command each runs.
COMMANDS = {
    "check-env": (cmd_check_env, None), "migrate": (cmd_server, "migrate"), "prefect-server": (cmd_server, "start"),
    "prefect-services": (cmd_server, "services"), "deploy": (cmd_deploy, None), "worker": (cmd_worker, None),
}
# The containers that run flows (and so hold no database password).
CLIENTS = ("deploy", "worker")


def test_services_wait_for_healthy_dependencies(compose: dict):
    services = compose["services"]
    assert set(services) == set(COMMANDS) | {"postgres", "redis"}
    # the database is initialised with the password it first starts with: not before the check
    assert services["postgres"]["depends_on"] == {"check-env": {"condition": "service_completed_successfully"}}
    for one_shot in ("check-env", "migrate", "deploy"):
        assert services[one_shot]["restart"] == "no"
    assert services["migrate"]["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    for part in ("prefect-server", "prefect-services"):  # the schema is upgraded before either starts
        assert services[part]["depends_on"] == {"migrate": {"condition": "service_completed_successfully"}, "redis": {"condition": "service_healthy"}}
    assert services["deploy"]["depends_on"] == {"prefect-server": {"condition": "service_healthy"}}
    assert services["worker"]["depends_on"] == {"deploy": {"condition": "service_completed_successfully"}}
    for name in ("postgres", "redis", "prefect-server"):
        assert services[name]["healthcheck"]["test"], f"{name} needs a health check for depends_on to wait on"
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])


def test_commands_are_pressroom_subcommands(compose: dict, dockerfile: list[tuple[str, str]]):
    scripts = tomllib.loads((PROJECT / "pyproject.toml").read_text())["project"]["scripts"]
    assert entrypoint(dockerfile) == ["pressroom"] and scripts["pressroom"] == "flows.cli:main"
    services = image_services(compose)
    assert set(services) == set(COMMANDS)
    for name, service in services.items():
        try:
            args = build_parser().parse_args(service["command"])
        except SystemExit:
            pytest.fail(f"{name}: `pressroom {' '.join(service['command'])}` is not a valid pressroom command")
        function, action = COMMANDS[name]
        assert args.func is function and getattr(args, "action", None) == action


def test_the_server_runs_as_api_and_services_on_postgres_and_redis(compose: dict):
    """As Prefect's self-hosting guide lays it out: API processes started --no-services, one
    process of background services, the same database and Redis for both, and the schema
    upgraded once beforehand instead of by each process as it starts."""
    services = compose["services"]
    api = build_parser().parse_args(services["prefect-server"]["command"])
    assert api.no_services
    parts = {name: services[name]["environment"] for name in ("prefect-server", "prefect-services")}
    redis_settings = {"PREFECT_MESSAGING_BROKER": "prefect_redis.messaging", "PREFECT_MESSAGING_CACHE": "prefect_redis.messaging",
                      "PREFECT_SERVER_EVENTS_CAUSAL_ORDERING": "prefect_redis.ordering",
                      "PREFECT_SERVER_CONCURRENCY_LEASE_STORAGE": "prefect_redis.lease_storage"}
    for name, env in parts.items():
        assert redis_settings.items() <= env.items(), name
        assert env["PREFECT_REDIS_MESSAGING_HOST"] == "redis" and urlsplit(env["PREFECT_SERVER_DOCKET_URL"]).hostname == "redis"
        assert env["PREFECT_API_DATABASE_MIGRATE_ON_START"] == "false"
        assert env["PREFECT_API_DATABASE_CONNECTION_URL"] == services["migrate"]["environment"]["PREFECT_API_DATABASE_CONNECTION_URL"]
    assert "PREFECT_SERVER_API_AUTH_STRING" not in parts["prefect-services"]  # it serves no API
    assert not published(services["redis"]) and not published(services["prefect-services"])
    import prefect_redis.lease_storage  # noqa: F401 - the image has what these settings name
    import prefect_redis.messaging  # noqa: F401
    import prefect_redis.ordering  # noqa: F401


def test_workers_scale(compose: dict):
    """`docker compose up --scale worker=3`: nothing in the worker service may exist once only."""
    worker = compose["services"]["worker"]
    assert "container_name" not in worker and not published(worker) and "hostname" not in worker
    assert worker["volumes"] == compose["services"]["deploy"]["volumes"]  # the paths deploy pins for the runs
    assert worker["environment"] == compose["services"]["deploy"]["environment"]


def test_environment_names_are_real_settings(compose: dict, dockerfile: list[tuple[str, str]]):
    names = set(env_example()) - POSTGRES_IMAGE_ENV
    names |= set(dockerfile_env(dockerfile)) - {"PATH", "PYTHONUNBUFFERED"} - {n for n in dockerfile_env(dockerfile) if n.startswith("UV_")}
    for name, service in image_services(compose).items():
        if name == "check-env":  # the secrets it checks, some of them PostgreSQL's
            assert set(service["environment"]) == set(SECRETS)
        else:
            names |= set(service.get("environment", {}))
    unknown = sorted(n for n in names if not is_known_name(n))
    assert not unknown, f"not Prefect settings nor PRESSROOM_ settings fields: {unknown}"
    assert set(compose["services"]["postgres"]["environment"]) <= POSTGRES_IMAGE_ENV


def test_a_wrong_name_would_be_caught():
    assert is_known_name("PREFECT_API_URL") and is_known_name("PRESSROOM_WAREHOUSE")
    assert not is_known_name("PREFECT_API_URLS") and not is_known_name("PRESSROOM_WAREHOUSE_DIR")


def test_ports_and_urls_meet(compose: dict, dockerfile: list[tuple[str, str]]):
    server = compose["services"]["prefect-server"]
    args = build_parser().parse_args(server["command"])
    [(address, host_port, container_port)] = published(server)
    assert address == "127.0.0.1", "the UI must not be published on every interface"
    assert container_port == args.port
    assert args.host == "0.0.0.0", "inside the container the server must listen beyond loopback"

    ui_api = urlsplit(server["environment"]["PREFECT_UI_API_URL"])
    assert (ui_api.hostname, ui_api.port, ui_api.path) == ("127.0.0.1", host_port, "/api")

    for name in CLIENTS:
        api = urlsplit(compose["services"][name]["environment"]["PREFECT_API_URL"])
        assert (api.hostname, api.port, api.path) == ("prefect-server", args.port, "/api")
        assert not published(compose["services"][name])

    health = " ".join(server["healthcheck"]["test"])
    assert f"127.0.0.1:{args.port}/api/health" in health
    assert "python" in health  # the image has Python, not curl


def test_server_uses_postgres(compose: dict):
    postgres = compose["services"]["postgres"]["environment"]
    url = urlsplit(compose["services"]["prefect-server"]["environment"]["PREFECT_API_DATABASE_CONNECTION_URL"])
    assert url.scheme == "postgresql+asyncpg"
    assert url.hostname == "postgres" and (url.port or 5432) == 5432
    assert url.username == postgres["POSTGRES_USER"] and url.path == f"/{postgres['POSTGRES_DB']}"
    assert url.password == "${POSTGRES_PASSWORD}" and postgres["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD")


def test_volumes_are_where_the_code_looks(compose: dict, dockerfile: list[tuple[str, str]]):
    declared = set(compose["volumes"])
    used = set()
    for service in compose["services"].values():
        for spec in service.get("volumes", []):
            source, target, *_ = spec.split(":")
            if source.startswith((".", "/")):
                assert (PROJECT / source).resolve().exists(), f"bind mount source {source} is missing"
            else:
                used.add(source)
    assert used == declared == {"postgres", "warehouse"}

    client = compose["services"]["worker"]
    mounts = dict(spec.split(":")[:2][::-1] for spec in client["volumes"])
    warehouse = client["environment"]["PRESSROOM_WAREHOUSE"]
    assert mounts[warehouse] == "warehouse"
    assert dockerfile_env(dockerfile)["PRESSROOM_WAREHOUSE"] == warehouse

    workdir = [args for ins, args in dockerfile if ins == "WORKDIR"][-1]
    default_sources_in_image = f"{workdir}/{DEFAULT_SOURCES.relative_to(PROJECT).as_posix()}"
    assert mounts[default_sources_in_image] == "./config/sources.toml"
    assert "/var/lib/postgresql/data" in {s.split(":")[1] for s in compose["services"]["postgres"]["volumes"]}


def test_secrets_come_from_the_env_file(compose: dict):
    assert not any("env_file" in service for service in compose["services"].values()), "each service gets only what it uses"
    interpolated = set(re.findall(r"\$\{(\w+)", COMPOSE.read_text(encoding="utf-8")))
    assert interpolated == set(env_example()) == set(SECRETS), "every secret .env.example sets is used and checked"
    # no secret written into the compose file itself
    for service in compose["services"].values():
        for key, value in service.get("environment", {}).items():
            if "AUTH" in key or "PASSWORD" in key:
                assert str(value).startswith("${"), f"{key} must come from .env"


# --- what compose does with the .env file ----------------------------------------------------------

class MissingVariable(Exception):
    """What compose stops with: `${VAR:?message}` on an unset or empty VAR."""


_VARIABLE = re.compile(r"\$(?:(?P<escaped>\$)|\{(?P<name>\w+)(?:(?P<op>:?[?\-])(?P<arg>[^}]*))?\}|(?P<bare>\w+))")


def interpolate(text: str, env: dict[str, str]) -> str:
    """Compose's interpolation of one value: `$$`, `$VAR`, `${VAR}`, `${VAR:-default}`,
    `${VAR-default}`, `${VAR:?message}`, `${VAR?message}` (the colon forms treat empty as unset)."""
    def one(match: re.Match) -> str:
        if match["escaped"]:
            return "$"
        name = match["name"] or match["bare"]
        value, op = env.get(name), match["op"]
        unset = value is None or (op is not None and op.startswith(":") and value == "")
        if op and op.endswith("?") and unset:
            raise MissingVariable(f"required variable {name} is missing a value: {match['arg']}")
        if op and op.endswith("-") and unset:
            return match["arg"]
        return value or ""

    return _VARIABLE.sub(one, text)


def resolved(env: dict[str, str]) -> dict:
    """docker-compose.yml as `docker compose config` gives it for the variables in `env`."""
    def walk(node):
        if isinstance(node, dict):
            return {key: walk(value) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(value) for value in node]
        return interpolate(node, env) if isinstance(node, str) else node

    return walk(yaml.safe_load(COMPOSE.read_text(encoding="utf-8")))


def test_interpolation_follows_compose():
    assert interpolate("a${X}b$${Y}$X", {"X": "1"}) == "a1b${Y}1"
    assert interpolate("${X:-d}|${X-d}", {"X": ""}) == "d|"
    with pytest.raises(MissingVariable, match="set X"):
        interpolate("${X:?set X}", {"X": ""})
    assert interpolate("${X?set X}", {"X": ""}) == ""


REAL = {"POSTGRES_PASSWORD": "Vq7bXk2Lp9", "PREFECT_SERVER_API_AUTH_STRING": "admin:Wm4-tRz8sJ"}


@pytest.mark.parametrize("missing", sorted(SECRETS))
@pytest.mark.parametrize("how", ["unset", "empty"])
def test_compose_refuses_to_start_without_a_secret(missing: str, how: str):
    env = {k: v for k, v in REAL.items() if k != missing} | ({missing: ""} if how == "empty" else {})
    with pytest.raises(MissingVariable, match=f"{missing} is missing a value: copy .env.example to .env and set {missing}"):
        resolved(env)


def _check_env(service_env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> int:
    """`pressroom check-env` with exactly the check-env container's environment."""
    for name in SECRETS:
        monkeypatch.delenv(name, raising=False)
    for name, value in service_env.items():
        monkeypatch.setenv(name, value)
    return main(["check-env"])


def test_the_example_env_file_is_refused_before_the_database_starts(monkeypatch: pytest.MonkeyPatch, capsys):
    example = env_example()
    assert all(PLACEHOLDER in value for value in example.values()), ".env.example's values must be placeholders the check knows"
    check = resolved(example)["services"]["check-env"]
    assert _check_env(check["environment"], monkeypatch) == 2
    [line] = capsys.readouterr().err.splitlines()
    assert line.startswith("pressroom: POSTGRES_PASSWORD still holds the placeholder 'change-me' of .env.example")
    assert "; PREFECT_SERVER_API_AUTH_STRING still holds the placeholder" in line
    # one placeholder left is enough to refuse
    assert _check_env(resolved(example | {"POSTGRES_PASSWORD": "Vq7bXk2Lp9"})["services"]["check-env"]["environment"], monkeypatch) == 2
    assert capsys.readouterr().err.startswith("pressroom: PREFECT_SERVER_API_AUTH_STRING still holds")


def test_a_password_that_would_break_the_database_url_is_refused(monkeypatch: pytest.MonkeyPatch, capsys):
    check = resolved(REAL | {"POSTGRES_PASSWORD": "p@ss:word"})["services"]["check-env"]
    assert _check_env(check["environment"], monkeypatch) == 2
    assert "POSTGRES_PASSWORD may hold only letters, digits" in capsys.readouterr().err


def test_real_secrets_start_and_each_container_gets_only_what_it_uses(monkeypatch: pytest.MonkeyPatch, capsys):
    services = resolved(REAL)["services"]
    assert _check_env(services["check-env"]["environment"], monkeypatch) == 0
    assert capsys.readouterr().out.strip() == "pressroom check-env: POSTGRES_PASSWORD, PREFECT_SERVER_API_AUTH_STRING set"

    def holding(secret: str) -> set[str]:
        return {name for name, s in services.items() if any(secret in str(v) for v in s.get("environment", {}).values())}

    # not the containers that run flows
    assert holding(REAL["POSTGRES_PASSWORD"]) == {"check-env", "postgres", "migrate", "prefect-server", "prefect-services"}
    assert holding(REAL["PREFECT_SERVER_API_AUTH_STRING"]) == {"check-env", "prefect-server", *CLIENTS}
    server = services["prefect-server"]["environment"]
    assert urlsplit(server["PREFECT_API_DATABASE_CONNECTION_URL"]).password == REAL["POSTGRES_PASSWORD"]
    for name in CLIENTS:
        assert server["PREFECT_SERVER_API_AUTH_STRING"] == services[name]["environment"]["PREFECT_API_AUTH_STRING"] == REAL["PREFECT_SERVER_API_AUTH_STRING"]


def test_dockerfile_builds_from_the_lock(dockerfile: list[tuple[str, str]]):
    runs = " ".join(args for ins, args in dockerfile if ins == "RUN")
    assert "uv sync --frozen" in runs
    copied = set()
    for ins, args in dockerfile:
        if ins == "COPY" and not args.startswith("--from"):
            *sources, _target = args.split()
            for source in sources:
                assert (PROJECT / source).exists(), f"COPY {source}: no such file in the project"
                copied.add(source.rstrip("/"))
    project = tomllib.loads((PROJECT / "pyproject.toml").read_text())
    needed = set(project["tool"]["hatch"]["build"]["targets"]["wheel"]["packages"]) | {"pyproject.toml", "uv.lock", project["project"]["readme"]}
    assert needed <= copied, f"the image lacks {needed - copied}"
    python = re.search(r"python:(\d+\.\d+)", [args for ins, args in dockerfile if ins == "FROM"][0]).group(1)
    assert python in {"3.11", "3.12"}, f"requires-python is {project['project']['requires-python']}"


def test_dockerignore_keeps_state_and_secrets_out():
    ignored = {line.strip() for line in (PROJECT / ".dockerignore").read_text().splitlines() if line.strip() and not line.startswith("#")}
    assert {".venv", "data", ".env", ".git"} <= ignored
    assert not ignored & {"config", "flows", "tasks", "warehouse", "examples", "uv.lock", "pyproject.toml", "README.md"}
