"""A server process a bench starts on a free 127.0.0.1 port, returned once it listens."""

from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Callable


def start_listening(argv_for: Callable[[int], list[str]], name: str, wait_seconds: float, **popen) -> tuple[subprocess.Popen, str]:
    """Start `argv_for(port)` on a free port of 127.0.0.1 (`popen`: Popen's keyword arguments);
    the process and its `http://127.0.0.1:PORT` once it accepts connections."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(argv_for(port), **popen)
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process, f"http://127.0.0.1:{port}"
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{name} did not start listening within {wait_seconds:.0f} s")
