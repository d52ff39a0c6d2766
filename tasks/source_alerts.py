"""Run alerts: a source's figures in this ingest run set against its recent runs.

Each figure is judged with robust statistics (the median of the source's last runs and the
median absolute deviation around it) and absolute floors (a least rise, a least number of pages
behind the figure), so one odd run in the history, a source that always wanders, a one-run
history or a source of three pages does not cry wolf, while a steady source that breaks does on
its first broken run. Only a change for the worse is reported: a share rising, articles falling to
none, median words falling. A healthy run after a broken one is judged against the median, which
one broken run does not move, so alerts do not go on forever.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime, timezone
from typing import Any

import pyarrow as pa

from config.health import HealthSettings
from tasks.stage import StageOutput, StageStats
from tasks.store import write_table
from warehouse.health import SourceHistory, run_with_history
from warehouse.schemas import SOURCE_ALERTS
from warehouse.storage import WarehouseRoot

MAD_SCALE = 1.4826  # the MAD of normally distributed values times this estimates their standard deviation


@dataclass(frozen=True)
class SourceAlert:
    """One figure of one source far outside its recent runs (a row of `source_alerts`)."""

    run_id: str
    source: str
    figure: str
    value: float
    baseline_median: float
    baseline_low: float
    baseline_high: float
    history_runs: int
    pages: int
    message: str


@dataclass(frozen=True)
class ShareFigure:
    """A share in `source_health` where higher is worse, and what it is a share of."""

    column: str
    label: str
    pages: Callable[[dict[str, Any]], int]
    of: str  # what `pages` counts, for the message


SHARES = (
    ShareFigure("empty_or_short_share", "empty or very short bodies", lambda r: r["articles"] + r["empty_bodies"], "pages"),
    ShareFigure("quarantine_share", "quarantined inputs", lambda r: r["inputs"], "inputs"),
    ShareFigure("missing_title_share", "articles without a title", lambda r: r["articles"], "articles"),
    ShareFigure("missing_published_at_share", "articles without a date", lambda r: r["articles"], "articles"),
    ShareFigure("missing_authors_share", "articles without an author", lambda r: r["articles"], "articles"),
)


def _percent(share: float) -> str:
    return "<1%" if 0 < share < 0.005 else f"{share:.0%}"


def _span(values: list[float], show: Callable[[float], str]) -> str:
    low, high = show(min(values)), show(max(values))
    runs = "last run" if len(values) == 1 else f"last {len(values)} runs"
    return f"{runs}: {low}" if low == high else f"{runs}: {low}-{high}"


def _too_far(value: float, past: list[float], least: float, mad_factor: float) -> bool:
    """`value` above the median of `past` by more than `least` and `mad_factor` scaled MADs."""
    median = statistics.median(past)
    mad = statistics.median(abs(v - median) for v in past)
    return value - median > max(least, mad_factor * MAD_SCALE * mad)


def _alert(run_id: str, source: str, figure: str, value: float, past: list[float], pages: int, message: str) -> SourceAlert:
    return SourceAlert(run_id, source, figure, float(value), float(statistics.median(past)), float(min(past)), float(max(past)), len(past), pages, message)


def judge_source(run_id: str, found: SourceHistory, settings: HealthSettings) -> list[SourceAlert]:
    """The figures of one source in run `run_id` that are far outside its recent runs."""
    now, history, name = found.current, found.history, f"source '{found.source}'"
    alerts: list[SourceAlert] = []
    for figure in SHARES:
        value, pages = now[figure.column], figure.pages(now)
        past = [r[figure.column] for r in history if r[figure.column] is not None]
        if value is None or pages < settings.min_pages or not past or not _too_far(value, past, settings.min_jump, settings.mad_factor):
            continue
        message = f"{name}: {figure.label} {_percent(statistics.median(past))} -> {_percent(value)} of {pages} {figure.of} ({_span(past, _percent)})"
        alerts.append(_alert(run_id, found.source, figure.column, value, past, pages, message))
    past_articles = [r["articles"] for r in history]
    if now["articles"] == 0 and now["inputs"] >= settings.min_pages and past_articles and statistics.median(past_articles) >= settings.min_pages:
        message = f"{name}: articles {statistics.median(past_articles):g} -> 0 of {now['inputs']} inputs ({_span(past_articles, lambda v: f'{v:g}')})"
        alerts.append(_alert(run_id, found.source, "articles", 0, past_articles, now["inputs"], message))
    past_words = [r["median_words"] for r in history if r["median_words"] is not None]
    words = now["median_words"]
    if words is not None and now["articles"] >= settings.min_pages and past_words:
        usual = statistics.median(past_words)
        if words < usual * settings.words_drop and _too_far(-words, [-w for w in past_words], 0, settings.mad_factor):
            message = f"{name}: median words per article {usual:g} -> {words:g} of {now['articles']} articles ({_span(past_words, lambda v: f'{v:g}')})"
            alerts.append(_alert(run_id, found.source, "median_words", words, past_words, now["articles"], message))
    return alerts


def check_sources(root: WarehouseRoot, run_id: str, run_started_at: datetime, settings: HealthSettings) -> StageOutput[list[SourceAlert]]:
    """Judge every source the run (started at `run_started_at`) added rows for against its
    recent completed runs, and store the alerts in `source_alerts` (stage `health`: sources in,
    alerts out)."""
    started = time.perf_counter()
    found = run_with_history(root, run_id, run_started_at, settings.history_runs)
    alerts = [alert for source in found for alert in judge_source(run_id, source, settings)]
    stats = StageStats("health", docs_in=len(found), docs_out=len(alerts))
    if alerts:
        raised_at = datetime.now(timezone.utc)
        rows = pa.Table.from_pylist([{**asdict(a), "raised_at": raised_at} for a in alerts], SOURCE_ALERTS.schema)
        stats.rows_added = write_table(root, SOURCE_ALERTS, rows).stats.rows_added
    stats.seconds = time.perf_counter() - started
    return StageOutput(alerts, [], stats)
