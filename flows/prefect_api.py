"""Which Prefect API a `pressroom` command runs its flows against.

Starting an ephemeral Prefect server costs every command 10-15 s before any work, and its runs
vanish with it. So a command uses, in order: the server `PREFECT_API_URL` names; else
pressroom's own background server (`PRESSROOM_PREFECT_SERVER=background`, the default), started
by the first command that needs it and reused by the next ones, so command-line runs appear in
its UI; else (`ephemeral`, or when the background server cannot start) Prefect's ephemeral
server, with a line saying so.

The background server is `flows/background_server.py`: it runs `prefect server start` on
127.0.0.1 with its SQLite database in PREFECT_HOME, and stops itself after
`PRESSROOM_SERVER_IDLE_MINUTES` without a command, when its PREFECT_HOME is deleted, or on
`pressroom server stop`. Its state (process id, port) lives in `<PREFECT_HOME>/pressroom-server/`.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from filelock import FileLock

DEFAULT_PORT = 4200
START_TIMEOUT_SECONDS = 120  # a fresh PREFECT_HOME migrates its database first (12-25 s here)


@dataclass(frozen=True)
class Api:
    """The API a command uses: `url` (None for an ephemeral server) and how it was found."""

    url: str | None
    how: str  # "given", "reused", "started", "ephemeral"


def prefect_home() -> Path:
    """PREFECT_HOME as Prefect resolves it when unset (`~/.prefect`)."""
    return Path(os.environ.get("PREFECT_HOME") or Path.home() / ".prefect").expanduser()


def state_folder(home: Path | None = None) -> Path:
    """Where the background server of a PREFECT_HOME keeps its state and log."""
    return (home or prefect_home()) / "pressroom-server"


def _read_state(folder: Path) -> dict | None:
    try:
        return json.loads((folder / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def healthy(api_url: str, timeout: float = 2.0) -> bool:
    """True when the Prefect API at `api_url` answers its health check."""
    try:
        with urllib.request.urlopen(f"{api_url}/health", timeout=timeout) as response:  # noqa: S310 - a local URL
            return response.status == 200
    except OSError:
        return False


def _free_port(preferred: int) -> int:
    for port in (preferred, 0):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return probe.getsockname()[1]
    raise OSError("no free TCP port on 127.0.0.1")


def running_server(folder: Path | None = None) -> dict | None:
    """The state of this PREFECT_HOME's background server if it is running and healthy."""
    folder = folder or state_folder()
    state = _read_state(folder)
    if state and _alive(state["pid"]) and healthy(state["api_url"]):
        return state
    return None


def _start(folder: Path, idle_minutes: float, say) -> dict:
    port = _free_port(DEFAULT_PORT)
    api_url = f"http://127.0.0.1:{port}/api"
    folder.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PREFECT_UI_API_URL=api_url, PREFECT_SERVER_ANALYTICS_ENABLED="false", DO_NOT_TRACK="1")
    env.pop("PREFECT_API_URL", None)
    command = [sys.executable, "-m", "flows.background_server", "--port", str(port), "--state", str(folder), "--idle-minutes", str(idle_minutes)]
    say(f"starting a Prefect server in the background at {api_url.removesuffix('/api')} (first use; `pressroom server stop` stops it)")
    with (folder / "server.log").open("ab") as log:
        # its own session: it outlives this command and a Ctrl-C here does not reach it
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True)
    state = {"pid": process.pid, "port": port, "api_url": api_url}
    (folder / "state.json").write_text(json.dumps(state), encoding="utf-8")
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the background Prefect server exited with {process.returncode} (log: {folder / 'server.log'})")
        if healthy(api_url):
            return state
        time.sleep(0.25)
    stop_server(folder)
    raise RuntimeError(f"the background Prefect server did not answer within {START_TIMEOUT_SECONDS} s (log: {folder / 'server.log'})")


def choose_api(mode: str, idle_minutes: float, say) -> Api:
    """Point this process at a Prefect API (sets PREFECT_API_URL), starting pressroom's background
    server if needed; `say(line)` tells the user what happened when it is worth a line."""
    given = os.environ.get("PREFECT_API_URL")
    if given:
        return Api(given, "given")
    if mode == "background":
        folder = state_folder()
        try:
            folder.mkdir(parents=True, exist_ok=True)
            with FileLock(str(folder / "start.lock"), timeout=START_TIMEOUT_SECONDS + 30):
                state = running_server(folder)
                how = "reused"
                if state is None:
                    state = _start(folder, idle_minutes, say)
                    how = "started"
            (folder / "last-used").touch()
            os.environ["PREFECT_API_URL"] = state["api_url"]
            return Api(state["api_url"], how)
        except (OSError, RuntimeError) as exc:
            say(f"no background Prefect server ({exc}); using an ephemeral one for this command")
    return Api(None, "ephemeral")


def stop_server(folder: Path | None = None, timeout: float = 30) -> bool:
    """Stop this PREFECT_HOME's background server; False when none was running."""
    folder = folder or state_folder()
    state = _read_state(folder)
    (folder / "state.json").unlink(missing_ok=True)
    if not state or not _alive(state["pid"]):
        return False
    os.kill(state["pid"], signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _alive(state["pid"]) and time.monotonic() < deadline:
        _reap(state["pid"])
        time.sleep(0.2)
    if _alive(state["pid"]):
        os.killpg(state["pid"], signal.SIGKILL)
    return True


def _reap(pid: int) -> None:
    """Collect the exit status of a child we started (else it lingers as a zombie that looks alive)."""
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        pass
