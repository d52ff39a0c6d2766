"""A watcher that ends the processes a `pressroom` command started when the command dies without
ending them: a `kill -9` of its main process alone, or the kernel's OOM killer choosing it.

Pool workers exit by themselves when their parent is gone (tasks/executors.py), but Prefect's
ephemeral server is a uvicorn process Prefect starts and stops, with no parent-death signal: it
stayed, ~340 MB, for good. The command starts this guard in a session of its own; the guard
notes the command's descendants in the command's session every half second and, once the
command is gone, sends the ones still running SIGTERM, then SIGKILL after a grace period. Other
sessions are left alone: pressroom's background Prefect server (meant to outlive commands) and
multiprocessing's resource tracker (which unlinks the semaphores of a dead pool, then exits)
run in their own. Linux only (/proc); elsewhere nothing is started.

    python -m flows.process_guard PID
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from contextlib import suppress
from functools import cache
from pathlib import Path

PROC = Path("/proc")
POLL_SECONDS = 0.5
GRACE_SECONDS = 5.0


@cache  # once per process (tests call the command's main many times in one)
def start_guard() -> None:
    """Start the guard of this process (a flow command), if /proc exists."""
    if not (PROC / "self" / "task").is_dir():
        return
    subprocess.Popen(
        [sys.executable, "-m", "flows.process_guard", str(os.getpid())],
        stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,  # a group kill or a terminal's Ctrl-C does not reach it
    )


def _stat(pid: int) -> tuple[int, int, int] | None:
    """(parent pid, session id, start time) of a process, or None when it is gone or a zombie."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return None
    fields = text[text.rindex(")") + 2 :].split()  # after "pid (name) "; the name may hold spaces
    if fields[0] in "ZX":
        return None
    return int(fields[1]), int(fields[3]), int(fields[19])


def _children(pid: int) -> list[int]:
    """The children of a process, from the kernel's list per thread (cheaper than reading every
    process's stat)."""
    found = []
    try:
        for task in (PROC / str(pid) / "task").iterdir():
            with suppress(OSError):
                found += [int(child) for child in (task / "children").read_text().split()]
    except OSError:
        pass
    return found


def _descendants(root: int, session: int) -> dict[int, int]:
    """The descendants of `root` in `session`, with their start times."""
    found, todo = {}, _children(root)
    while todo:
        pid = todo.pop()
        if (stat := _stat(pid)) is not None and stat[1] == session:
            found[pid] = stat[2]
        todo += _children(pid)
    return found


def _still(processes: dict[int, int], session: int | None = None) -> dict[int, int]:
    """Those of `processes` (pid: start time) still running, and still in `session` when given:
    the same start time rules out a new process that was given a pid of the past, and one that
    has moved to a session of its own since it was seen (a background server is in the command's
    session from its fork until its `setsid`) is meant to outlive the command."""
    return {pid: start for pid, start in processes.items()
            if (stat := _stat(pid)) is not None and stat[2] == start and (session is None or stat[1] == session)}


def guard(parent: int) -> None:
    """Watch `parent`; when it is gone, end the descendants it left."""
    first = _stat(parent)
    if first is None:
        return
    session, started = first[1], first[2]
    seen: dict[int, int] = {}
    while (stat := _stat(parent)) is not None and stat[2] == started:
        seen.update(_descendants(parent, session))
        seen = _still(seen, session)
        time.sleep(POLL_SECONDS)
    for sig, wait in ((signal.SIGTERM, GRACE_SECONDS), (signal.SIGKILL, 0.0)):
        left = _still(seen, session)
        for pid in left:
            try:
                os.kill(pid, sig)
            except OSError:
                pass
        deadline = time.monotonic() + wait
        while _still(left) and time.monotonic() < deadline:
            time.sleep(0.1)


if __name__ == "__main__":
    guard(int(sys.argv[1]))
