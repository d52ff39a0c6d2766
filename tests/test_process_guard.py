"""The process guard ends what a killed command left in its session, and nothing else."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from flows.process_guard import _descendants, _still

PROJECT = Path(__file__).resolve().parents[1]


def test_the_guard_ends_the_children_a_killed_process_left_in_its_session(tmp_path: Path):
    # a "command" with two children in its session and one (a background server's way) in its own
    pid_file = tmp_path / "own-session.pid"
    command = subprocess.Popen(
        ["sh", "-c", f"sleep 300 & sleep 300 & setsid sh -c 'echo $$ > {pid_file}; exec sleep 300' & wait"],
        start_new_session=True,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not (pid_file.exists() and pid_file.read_text().strip()):
        time.sleep(0.05)
    own_session = int(pid_file.read_text())
    children: dict[int, int] = {}
    try:
        children = _descendants(command.pid, os.getsid(command.pid))
        assert len(children) == 2 and own_session not in children
        guard = subprocess.Popen([sys.executable, "-m", "flows.process_guard", str(command.pid)], cwd=PROJECT, start_new_session=True)
        time.sleep(1.5)  # it has looked at least once
        os.kill(command.pid, signal.SIGKILL)
        command.wait()
        assert guard.wait(timeout=30) == 0
        assert _still(children) == {}
        os.kill(own_session, 0)  # still running: not the guard's to end
    finally:
        for pid in [own_session, *children]:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
