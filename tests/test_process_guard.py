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


def test_a_child_that_moves_to_a_session_of_its_own_after_it_was_seen_outlives_the_command(tmp_path: Path):
    # pressroom's background server is forked in the command's session and calls setsid an
    # instant later: a guard that looked in that instant must not end it with the command
    pid_file = tmp_path / "moved.pid"
    child = (f"import os, time; time.sleep(2); os.setsid(); open({str(pid_file)!r}, 'w').write(str(os.getpid())); time.sleep(300)")
    command = subprocess.Popen(
        [sys.executable, "-c", f"import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', {child!r}]); time.sleep(300)"],
        start_new_session=True,
    )
    moved = 0
    try:
        guard = subprocess.Popen([sys.executable, "-m", "flows.process_guard", str(command.pid)], cwd=PROJECT, start_new_session=True)
        deadline = time.monotonic() + 30
        seen: dict[int, int] = {}
        while time.monotonic() < deadline and not seen:
            seen = _descendants(command.pid, os.getsid(command.pid))
            time.sleep(0.05)
        assert len(seen) == 1  # in the command's session: the guard sees it there too
        while time.monotonic() < deadline and not (pid_file.exists() and pid_file.read_text().strip()):
            time.sleep(0.05)
        moved = int(pid_file.read_text())
        assert moved in seen and os.getsid(moved) == moved
        time.sleep(1.5)  # the guard has looked again
        os.kill(command.pid, signal.SIGKILL)
        command.wait()
        assert guard.wait(timeout=30) == 0
        assert _still({moved: seen[moved]}) == {moved: seen[moved]}  # still running (a zombie would not count)
    finally:
        for pid in (moved, command.pid):
            if pid:
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
