"""pressroom's background Prefect server (see flows/prefect_api.py): `prefect server start` on
127.0.0.1, watched so it never outlives its use.

It stops the server and exits when no command has used it for `--idle-minutes` (commands touch
`<state>/last-used`), when its state folder (inside PREFECT_HOME) is gone or names another
process, or on SIGTERM/SIGINT (`pressroom server stop`).

    python -m flows.background_server --port 4200 --state ~/.prefect/pressroom-server --idle-minutes 60
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

_PR_SET_PDEATHSIG = 1  # linux/prctl.h


def _owned(state: Path) -> bool:
    """True while the state folder still names this process as the server."""
    try:
        return json.loads((state / "state.json").read_text(encoding="utf-8")).get("pid") == os.getpid()
    except (OSError, ValueError):
        return False


def _idle_seconds(state: Path, started: float) -> float:
    try:
        last = (state / "last-used").stat().st_mtime
    except OSError:
        last = started
    return time.time() - max(last, started)


def _die_with_parent() -> None:
    """In the server process: be sent SIGTERM if this supervisor dies, even by SIGKILL (Linux)."""
    try:
        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except AttributeError:  # not Linux: `pressroom server stop` still stops both
        pass


def main(argv: list[str] | None = None) -> int:
    """Run the server until it is idle, orphaned or told to stop."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--state", type=Path, required=True)
    parser.add_argument("--idle-minutes", type=float, default=60.0)
    args = parser.parse_args(argv)
    started = time.time()
    server = subprocess.Popen(
        [sys.executable, "-m", "prefect", "server", "start", "--host", "127.0.0.1", "--port", str(args.port)],
        preexec_fn=_die_with_parent,
    )
    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    check_every = max(0.5, min(15.0, args.idle_minutes * 60 / 4))
    # the state file is written by the command that started us, right after starting us
    grace = time.time() + 30
    while not stopping and server.poll() is None:
        time.sleep(check_every)
        orphaned = time.time() > grace and not _owned(args.state)
        if orphaned or _idle_seconds(args.state, started) > args.idle_minutes * 60:
            break
    if server.poll() is None:
        server.send_signal(signal.SIGINT)  # Prefect's server shuts down cleanly on SIGINT
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
