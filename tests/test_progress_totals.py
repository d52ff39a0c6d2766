"""The flows tell the progress bar their total before the first batch (so it can show the time
remaining), and then advance by every item of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from flows.progress import set_reporter
from warehouse.query import run_query

pytestmark = pytest.mark.usefixtures("prefect_harness")


def _reported(run) -> dict[str, list[tuple[int, int | None]]]:
    """Every (advance, total) the flow `run()` reported, by phase."""
    calls: dict[str, list[tuple[int, int | None]]] = {}
    set_reporter(lambda phase, advance, total: calls.setdefault(phase, []).append((advance, total)))
    try:
        run()
    finally:
        set_reporter(None)
    return calls


def _total_then_all(calls: list[tuple[int, int | None]], total: int) -> None:
    assert calls[0] == (0, total)
    assert sum(advance for advance, _ in calls[1:]) == total and all(t is None for _, t in calls[1:])


def test_languages_and_dedup_report_their_totals_first(warehouse: Path, seeds: Path):
    from flows.dedup import dedup
    from flows.ingest import ingest
    from flows.language import languages
    from flows.parameters import IngestParameters, LanguageParameters

    ingest(IngestParameters(uris=[str(p) for p in sorted(seeds.glob("00[0-4]_*.txt"))]))
    versions = run_query(warehouse, "SELECT count(*) FROM article_versions")[1][0][0]
    assert versions == 5

    tagged = _reported(lambda: languages(LanguageParameters(batch_size=2)))["languages"]
    _total_then_all(tagged, versions)
    assert len(tagged) == 1 + 3  # batches of 2, 2 and 1
    assert _reported(lambda: languages())["languages"] == [(0, 0)]  # nothing left to tag

    _total_then_all(_reported(dedup)["dedup"], 5)
    assert _reported(dedup)["dedup"] == [(0, 0)]  # every article signed already
