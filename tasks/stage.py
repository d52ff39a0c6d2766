"""The one shape every stage has: a function over a batch that counts what it did.

`run_stage` applies a per-document function to a batch; documents it rejects become
`QuarantineRecord`s, and a `StageStats` keeps in/out/quarantined-by-reason/bytes/seconds, the
way datatrove's steps keep stats. A run summary is the sum of its stages' stats.
"""

from __future__ import annotations

import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from tasks.records import QuarantineRecord, Rejected

In = TypeVar("In")
Out = TypeVar("Out")
Items = TypeVar("Items")


@dataclass
class StageStats:
    """What one stage did over one or more batches."""

    stage: str
    docs_in: int = 0
    docs_out: int = 0
    quarantined: Counter[str] = field(default_factory=Counter)
    bytes_in: int = 0
    seconds: float = 0.0
    counts: Counter[str] = field(default_factory=Counter)  # other events, e.g. pages not modified
    rows_added: Counter[str] = field(default_factory=Counter)  # rows a write stage added, by table

    def __add__(self, other: StageStats) -> StageStats:
        return StageStats(
            stage=self.stage,
            docs_in=self.docs_in + other.docs_in,
            docs_out=self.docs_out + other.docs_out,
            quarantined=self.quarantined + other.quarantined,
            bytes_in=self.bytes_in + other.bytes_in,
            seconds=self.seconds + other.seconds,
            counts=self.counts + other.counts,
            rows_added=self.rows_added + other.rows_added,
        )

    def as_dict(self) -> dict:
        """The counters as a JSON-ready dict (stored in the `runs` table)."""
        out = {
            "stage": self.stage,
            "docs_in": self.docs_in,
            "docs_out": self.docs_out,
            "quarantined": dict(self.quarantined),
            "bytes_in": self.bytes_in,
            "seconds": round(self.seconds, 3),
        }
        if self.counts:
            out["counts"] = dict(self.counts)
        if self.rows_added:
            out["rows_added"] = dict(self.rows_added)
        return out


@dataclass
class StageOutput(Generic[Items]):
    """A stage's result over one batch: what goes on (a list of records, an Arrow table, or
    None for a write), what was quarantined, and the counts. A stage that runs several steps
    per document in one go (the clean unit) also gives each step's counters in `parts`, which a
    run summary shows in its place."""

    items: Items
    quarantined: list[QuarantineRecord]
    stats: StageStats
    parts: list[StageStats] = field(default_factory=list)


def attempt(fn: Callable[[In], Out], item: In) -> Out | Rejected:
    """Run `fn`, turning any failure into a `Rejected` so one bad document never sinks a batch."""
    try:
        return fn(item)
    except Rejected as rejected:
        return rejected
    except Exception as exc:  # noqa: BLE001 - a bug on one document must not lose the batch
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno}"
        return Rejected("unexpected_error", f"{type(exc).__name__}: {exc} (at {where})")


def run_stage(
    stage: str,
    items: Sequence[In],
    fn: Callable[[In], Out],
    describe: Callable[[In], tuple[str, str, str | None]],
    size: Callable[[In], int] = lambda _: 0,
    executor: Executor | None = None,
    chunksize: int = 8,
) -> StageOutput[list[Out]]:
    """Apply `fn` to every item of a batch and count the outcome.

    `describe(item)` gives `(source, uri, content_sha256)` for quarantine rows; `size(item)`
    the bytes counted in. With an `executor` (a process pool) the items are mapped in parallel;
    `fn` must then be a picklable module-level function.
    """
    started = time.perf_counter()
    stats = StageStats(stage=stage, docs_in=len(items), bytes_in=sum(size(i) for i in items))
    if executor is not None and len(items) > 1:
        results: Iterable[Out | Rejected] = executor.map(attempt, [fn] * len(items), items, chunksize=chunksize)
    else:
        results = (attempt(fn, item) for item in items)
    out: list[Out] = []
    quarantined: list[QuarantineRecord] = []
    for item, result in zip(items, results):
        if isinstance(result, Rejected):
            source, uri, sha = describe(item)
            quarantined.append(QuarantineRecord(source, uri, stage, result.error, result.detail, sha))
            stats.quarantined[result.error] += 1
        else:
            out.append(result)
    stats.docs_out = len(out)
    stats.seconds = time.perf_counter() - started
    return StageOutput(out, quarantined, stats)


def batches(items: Sequence[In], size: int) -> Iterable[list[In]]:
    """Consecutive slices of at most `size` items (itertools.batched is Python 3.12+)."""
    for start in range(0, len(items), size):
        yield list(items[start : start + size])
