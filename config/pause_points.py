"""Fault injection for the crash tests: named points where a run can be made to wait.

`PRESSROOM_PAUSE_AT="<point>[@<n>]"` makes the process that reaches `<point>` for the n-th time
(the first when `@n` is left out; counted per process) print one line on stderr,
`pressroom: paused at <point>@<n> (pid <pid>)`, and wait `PRESSROOM_PAUSE_SECONDS` (default 120)
before going on, so a test can kill or interrupt a run at an exact place, or fill its disk
(tests/test_crash_matrix.py). The points:

- `start`: a flow run has prepared the warehouse and done nothing else yet;
- `staged <table>`: a writer has written and synced its staging file, not yet renamed it;
- `stored <table>`: a writer has renamed its file into the table's folder;
- `clean`: a worker is about to clean a document (the CPU work of an ingest).

Unset, as it always is outside tests, a point costs one comparison.
"""

from __future__ import annotations

import os
import sys
import threading
import time

_PAUSE_AT = os.environ.get("PRESSROOM_PAUSE_AT") or None
_PAUSE_SECONDS = float(os.environ.get("PRESSROOM_PAUSE_SECONDS") or 120)
_reached: dict[str, int] = {}
_lock = threading.Lock()


def pause_point(name: str) -> None:
    """Wait here if PRESSROOM_PAUSE_AT names this point and this is its turn (see above)."""
    if _PAUSE_AT is None:
        return
    point, _, nth = _PAUSE_AT.partition("@")
    if name != point:
        return
    with _lock:
        _reached[name] = count = _reached.get(name, 0) + 1
    if count == int(nth or 1):
        # straight to the file descriptor: a flow with log_prints turns print() into log records
        os.write(sys.stderr.fileno(), f"pressroom: paused at {name}@{count} (pid {os.getpid()})\n".encode())
        time.sleep(_PAUSE_SECONDS)
