"""The Prefect artifacts of a run beyond its summary: the per-source table (figures and alerts)
and where the run wrote its report."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prefect.artifacts import create_markdown_artifact, create_table_artifact

from tasks.run_summary import RunSummary
from warehouse.health import run_sources
from warehouse.storage import WarehouseRoot


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.0%}"


def source_table(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`source_health` rows (with their alerts) as the columns of the per-source artifact."""
    return [
        {
            "source": r["source"],
            "inputs": r["inputs"],
            "articles": r["articles"],
            "quarantined": r["quarantined"],
            "quarantine reasons": ", ".join(f"{reason} {n}" for reason, n in r["quarantined_by_reason"].items()),
            "empty or short": _share(r["empty_or_short_share"]),
            "no title": _share(r["missing_title_share"]),
            "no date": _share(r["missing_published_at_share"]),
            "no author": _share(r["missing_authors_share"]),
            "median words": "" if r["median_words"] is None else f"{r['median_words']:g}",
            "duplicates": _share(r["duplicate_share"]),
            "alerts": "; ".join(r["alerts"]),
        }
        for r in rows
    ]


def publish_sources(flow: str, root: WarehouseRoot, run: RunSummary, with_duplicates: bool) -> list[dict[str, Any]]:
    """Publish the per-source figures of ingest run `run` as the table artifact `<flow>-sources`
    (with its articles' duplicate share if `with_duplicates`: after dedup ran); returns the table."""
    run_id = run.run_id
    table = source_table(run_sources(root, run_id, run.started_at, with_duplicates))
    if table:
        create_table_artifact(table=table, key=f"{flow}-sources", description=f"Per source: what ingest run {run_id} added, and alerts")
    return table


def publish_report(flow: str, path: Path) -> None:
    """Publish where the run wrote its HTML report, as the markdown artifact `<flow>-report`."""
    create_markdown_artifact(
        key=f"{flow}-report",
        markdown=f"# Warehouse report\n\nWritten to [`{path}`]({path.as_uri()}) (one self-contained HTML file: open it in a browser).\n",
        description="Where the run wrote its HTML report",
    )
