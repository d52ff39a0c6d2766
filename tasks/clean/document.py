"""The clean unit: decode, extract and normalize one fetched document in one go, where it runs.

Run as three stages, a batch crossed the process boundary twice: decoded documents (bytes and
text) went to the extraction workers and extracted ones (bytes, text and main text) came back,
while decoding ran in the flow's process. As one unit per document, the raw bytes go to a
worker once and only the article (or the quarantine row) comes back; each step is still
counted as its own stage (`decode`, `extract`, `metadata`), and a failure is quarantined with
the step that failed.

Each document has a time limit (`tasks.time_limit`): a document still being cleaned when it
runs out is quarantined as `timeout` with the step it was in, and the batch goes on. On a process
pool, a worker that the limit cannot interrupt is replaced once no document has finished for the
limit plus `STALL_GRACE_SECONDS` or the limit again, whichever is more (`tasks.stall_guard`);
its document is quarantined as `extract/timeout`, the step whose C code (lxml's parser) can run
that long.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from functools import partial

from config.pause_points import pause_point
from tasks.clean.steps import DECODE, EXTRACT, METADATA
from tasks.records import ArticleRecord, FetchedDocument, QuarantineRecord, Rejected
from tasks.stage import StageOutput, StageStats, attempt
from tasks.stall_guard import map_unstalled
from tasks.time_limit import DocumentTimeout, time_limit

# How long past its limit a document may hold a worker before the pool is replaced: an
# interrupted step returns when its C call does (an lxml parse of a 17 MB page took about 1 s,
# several on a loaded machine).
STALL_GRACE_SECONDS = 30.0
STEPS = (DECODE, EXTRACT, METADATA)
# Progress is told at most this often: the bar moves as documents finish, without a call (and
# the bar's lock and redraw bookkeeping) per document in the flow's process.
PROGRESS_SECONDS = 0.1


@dataclass
class CleanOutcome:
    """What became of one document: its article, or the step that rejected it and why; and the
    seconds each step it reached took."""

    article: ArticleRecord | None
    failed_step: str | None = None
    rejected: Rejected | None = None
    seconds: dict[str, float] = field(default_factory=dict)


def import_steps() -> None:
    """Import the steps' libraries now (a worker's preload), rather than at its first document."""
    import tasks.clean.decode
    import tasks.clean.extract
    import tasks.clean.normalize  # noqa: F401


def clean_document(doc: FetchedDocument, seconds: float | None = None) -> CleanOutcome:
    """Decode, extract and normalize one document; a step's failure ends it there, and so does
    running out of `seconds` (None: no limit)."""
    # The steps' libraries (trafilatura, lxml, dateparser, ftfy, ICU: ~0.26 s of CPU) are
    # imported where documents are cleaned, not in the flow's process that only hands them out.
    from tasks.clean.decode import decode_document
    from tasks.clean.extract import extract_document
    from tasks.clean.normalize import normalize_article

    pause_point("clean")
    outcome = CleanOutcome(article=None)
    value: object = doc
    step, started = DECODE, time.perf_counter()
    try:
        with time_limit(seconds):
            for step, fn in ((DECODE, decode_document), (EXTRACT, extract_document), (METADATA, normalize_article)):
                started = time.perf_counter()
                value = attempt(fn, value)
                outcome.seconds[step] = time.perf_counter() - started
                if isinstance(value, Rejected):
                    outcome.failed_step, outcome.rejected = step, value
                    return outcome
    except DocumentTimeout as timeout:
        outcome.seconds[step] = time.perf_counter() - started
        outcome.failed_step, outcome.rejected = step, Rejected("timeout", f"{step}: {timeout}")
        return outcome
    outcome.article = value  # type: ignore[assignment]
    return outcome


def _stalled(doc: FetchedDocument, seconds: float) -> CleanOutcome:
    """The outcome of a document whose worker did not answer for `seconds` and was replaced."""
    detail = f"its worker did not answer for {seconds:g} s and was replaced"
    return CleanOutcome(article=None, failed_step=EXTRACT, rejected=Rejected("timeout", detail))


def clean_documents(
    docs: list[FetchedDocument],
    executor: Executor | None = None,
    progress: Callable[[int], None] | None = None,
    seconds_per_document: float | None = None,
) -> StageOutput[list[ArticleRecord]]:
    """Clean a batch (on the executor's workers when given one), counting each step as a stage;
    `progress(n)` is told of the documents done as they finish (at most every PROGRESS_SECONDS).
    A document not done in `seconds_per_document` is quarantined as `timeout` (None: no limit)."""
    started = time.perf_counter()
    clean_one = partial(clean_document, seconds=seconds_per_document)
    if executor is not None and len(docs) > 1 and seconds_per_document is not None:
        stall_seconds = seconds_per_document + max(seconds_per_document, STALL_GRACE_SECONDS)
        outcomes = map_unstalled(executor, clean_one, docs, stall_seconds, partial(_stalled, seconds=stall_seconds))
    elif executor is not None and len(docs) > 1:
        outcomes = executor.map(clean_one, docs, chunksize=4)
    else:
        outcomes = map(clean_one, docs)
    articles: list[ArticleRecord] = []
    quarantined: list[QuarantineRecord] = []
    parts = {step: StageStats(step) for step in STEPS}
    untold, tell_at = 0, 0.0
    for doc, outcome in zip(docs, outcomes):
        reached = list(outcome.seconds)
        for step in reached:
            parts[step].docs_in += 1
            parts[step].seconds += outcome.seconds[step]
        parts[DECODE].bytes_in += len(doc.body)
        if outcome.rejected is not None:
            error = outcome.rejected.error
            quarantined.append(QuarantineRecord(doc.source, doc.uri, outcome.failed_step, error, outcome.rejected.detail, doc.content_sha256))
            parts[outcome.failed_step].quarantined[error] += 1
        else:
            articles.append(outcome.article)
        for step in reached:
            if step != outcome.failed_step:
                parts[step].docs_out += 1
        untold += 1
        if progress is not None and time.monotonic() >= tell_at:
            progress(untold)
            untold, tell_at = 0, time.monotonic() + PROGRESS_SECONDS
    if progress is not None and untold:
        progress(untold)
    stats = StageStats(
        "clean",
        docs_in=len(docs),
        docs_out=len(articles),
        quarantined=Counter(q.error for q in quarantined),
        bytes_in=parts[DECODE].bytes_in,
        seconds=time.perf_counter() - started,
    )
    return StageOutput(articles, quarantined, stats, parts=list(parts.values()))
