"""Peak memory and CPU time of a process tree, sampled in a background thread (psutil)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import psutil


class PeakTreeRss:
    """Samples the resident memory and CPU time of some processes and their descendants in a
    thread. `cpu_seconds` counts every process seen, also those its parent never reaps (a
    forkserver and the workers it forks outlive the command by a moment), which
    getrusage(RUSAGE_CHILDREN) leaves out; it misses at most one interval of each process."""

    def __init__(self, pids: Callable[[], list[int]], interval: float = 0.05) -> None:
        self.pids = pids
        self.interval = interval
        self.peak_bytes = 0
        self.peak_root_bytes = 0  # the listed processes alone, without descendants
        self.peak_processes = 0
        self._cpu: dict[tuple[int, float], float] = {}  # (pid, create time): user + system seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _sample(self) -> None:
        total = roots = count = 0
        for pid in self.pids():
            try:
                root = psutil.Process(pid)
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                continue
            for proc in procs:
                try:
                    rss = proc.memory_info().rss
                    times = proc.cpu_times()
                    self._cpu[proc.pid, proc.create_time()] = times.user + times.system
                except psutil.Error:
                    continue  # a worker that exited between listing and reading
                total += rss
                roots += rss if proc is root else 0
                count += 1
        self.peak_bytes = max(self.peak_bytes, total)
        self.peak_root_bytes = max(self.peak_root_bytes, roots)
        self.peak_processes = max(self.peak_processes, count)

    @property
    def cpu_seconds(self) -> float:
        """User and system CPU seconds of every process of the tree seen so far."""
        return sum(self._cpu.values())

    def _run(self) -> None:
        while not self._stop.is_set():
            self._sample()
            self._stop.wait(self.interval)

    def __enter__(self) -> PeakTreeRss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()
