"""Real processes for end-to-end tests: a Prefect server (`pressroom server`) on a free port with
its own PREFECT_HOME, and `pressroom serve` against it. Every wait has a deadline, and every
process is stopped (its whole process group) when the context exits."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

PROJECT = Path(__file__).resolve().parents[1]
PRESSROOM = Path(sys.executable).with_name("pressroom")
# Environment a test process must not inherit: it would point at another server or home.
LEAKY = ("PREFECT_API_URL", "PREFECT_UI_API_URL", "PREFECT_HOME", "PREFECT_PROFILES_PATH", "PREFECT_LOGGING_LEVEL")


def free_port() -> int:
    """A TCP port on 127.0.0.1 nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def clean_environment(**extra: str) -> dict[str, str]:
    """os.environ without Prefect settings that would leak from the test process, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in LEAKY}
    env.update({"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "DO_NOT_TRACK": "1"})
    env.update(extra)
    return env


def tail(path: Path, lines: int = 40) -> str:
    """The last lines of a log file, for failure messages."""
    if not path.exists():
        return "(no log)"
    return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


def wait_for(condition: Callable[[], bool], timeout: float, what: str, log: Path | None = None, every: float = 0.5) -> None:
    """Poll `condition` until it is true; fail with `what` (and the log's tail) at the deadline."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(every)
    raise TimeoutError(f"{what} not within {timeout:.0f} s" + (f"; log tail:\n{tail(log)}" if log else ""))


@contextmanager
def running(command: list[str], env: dict[str, str], log: Path, cwd: Path = PROJECT) -> Iterator[subprocess.Popen]:
    """Run `command` in its own process group with output to `log`; stop the group on exit."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        process = subprocess.Popen(command, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield process
        finally:
            stop(process)


def stop(process: subprocess.Popen, grace: float = 15) -> None:
    """SIGINT the process group (a clean shutdown), then SIGKILL it after `grace` seconds."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGINT, grace), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@dataclass
class PrefectServer:
    """A running Prefect server: where its UI and API are, and its home and log."""

    url: str
    home: Path
    log: Path

    @property
    def api_url(self) -> str:
        return f"{self.url}/api"

    def healthy(self) -> bool:
        try:
            return httpx.get(f"{self.api_url}/health", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False


@contextmanager
def prefect_server(workdir: Path, timeout: float = 180, **settings: str) -> Iterator[PrefectServer]:
    """`pressroom server` (Prefect's server on SQLite) on a free 127.0.0.1 port, healthy;
    `settings` are extra environment variables for it."""
    port = free_port()
    home = workdir / "prefect-home"
    server = PrefectServer(url=f"http://127.0.0.1:{port}", home=home, log=workdir / "prefect-server.log")
    env = clean_environment(PREFECT_HOME=str(home), **settings)
    with running([str(PRESSROOM), "server", "--port", str(port)], env, server.log) as process:
        wait_for(lambda: server.healthy() or process.poll() is not None, timeout, "Prefect server healthy", server.log)
        if process.poll() is not None:
            raise RuntimeError(f"Prefect server exited with {process.returncode}:\n{tail(server.log)}")
        yield server


@contextmanager
def pressroom_serve(
    server: PrefectServer, workdir: Path, sources: Path, warehouse: Path, timeout: float = 120, **settings: str
) -> Iterator[Path]:
    """`pressroom serve` against `server`; yields its log once it says what it serves.
    `settings` are extra environment variables for it."""
    log = workdir / "pressroom-serve.log"
    env = clean_environment(
        **settings,
        PREFECT_API_URL=server.api_url,
        PREFECT_HOME=str(workdir / "serve-home"),
        PRESSROOM_WAREHOUSE=str(warehouse),
        PRESSROOM_SOURCES=str(sources),
        PRESSROOM_WORKERS="1",
    )
    with running([str(PRESSROOM), "serve"], env, log) as process:
        wait_for(
            lambda: "pressroom serve:" in log.read_text(errors="replace") or process.poll() is not None,
            timeout, "pressroom serve ready", log,
        )
        if process.poll() is not None:
            raise RuntimeError(f"pressroom serve exited with {process.returncode}:\n{tail(log)}")
        yield log
