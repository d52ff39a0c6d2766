"""Per-source health: the `source_health` view and run alerts, on a site served by a real HTTP
server on 127.0.0.1 whose article markup changes between runs so that bodies come out empty."""

from __future__ import annotations

import json
import random
from pathlib import Path
from uuid import UUID

import pytest
from web_server import WebServer, web_server_fixture  # noqa: F401 - provides the `web_server` fixture

from config.health import HealthSettings
from tasks.source_alerts import judge_source
from tests.corpus_factory import article_html
from warehouse.health import SourceHistory
from warehouse.query import run_query

SOURCE = "example-news"
PAGES_PER_RUN = 6


def _broken(html: str) -> str:
    """The same page after a redesign: the story moved into a script the client renders, so the
    server's HTML holds only the page's furniture."""
    start, end = html.index("<article>"), html.index("</article>") + len("</article>")
    story = json.dumps({"story": html[start:end]})
    return html[:start] + f'<div id="app"></div><script type="application/json" id="state">{story}</script>' + html[end:]


def _publish(server: WebServer, run: int, broken: bool) -> None:
    """Serve this run's six new articles and a feed listing them."""
    rng = random.Random(run)
    paths = [f"/news/{run}-{i}.html" for i in range(PAGES_PER_RUN)]
    for i, path in enumerate(paths):
        html = article_html(run * 100 + i, rng)
        server.page(path, (_broken(html) if broken else html).encode("utf-8"))
    items = "".join(f"<item><title>{p}</title><link>{server.url(p)}</link><guid>{p}</guid></item>" for p in paths)
    feed = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Example News</title>{items}</channel></rss>'
    server.page("/feed.xml", feed.encode("utf-8"), "application/rss+xml")


@pytest.fixture
def sources_file(tmp_path: Path, web_server: WebServer, monkeypatch: pytest.MonkeyPatch) -> Path:
    for key, value in {"PER_HOST_DELAY": "0", "RETRIES": "1", "READ_TIMEOUT": "5"}.items():
        monkeypatch.setenv(f"PRESSROOM_HTTP__{key}", value)
    path = tmp_path / "sources.toml"
    path.write_text(f'[[source]]\nname = "{SOURCE}"\nkind = "feed"\nurl = "{web_server.url("/feed.xml")}"\n')
    return path


@pytest.mark.usefixtures("prefect_harness")
def test_a_redesign_that_empties_bodies_is_reported_once(web_server: WebServer, warehouse: Path, sources_file: Path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId, ArtifactFilterKey

    from flows.ingest import ingest
    from flows.parameters import IngestParameters

    summaries = []
    for run, broken in ((1, False), (2, True), (3, False)):
        _publish(web_server, run, broken)
        summaries.append(ingest(IngestParameters(sources_file=str(sources_file))))
    healthy, redesigned, recovered = summaries

    assert healthy.alerts == [] and "ALERT" not in healthy.to_text()
    assert recovered.alerts == [] and "ALERT" not in recovered.to_text()
    text = redesigned.to_text()
    assert f"ALERT source '{SOURCE}': empty or very short bodies 0% -> 100% of {PAGES_PER_RUN} pages (last run: 0%)" in text, text
    assert f"source '{SOURCE}'" in redesigned.to_markdown()

    _, rows = run_query(warehouse, "SELECT run_id, inputs, articles, empty_bodies + short_bodies, empty_or_short_share FROM source_health ORDER BY started_at")
    assert [(r[0], r[1]) for r in rows] == [(s.run_id, PAGES_PER_RUN) for s in summaries]
    assert [r[4] for r in rows] == [0.0, 1.0, 0.0]
    _, alerts = run_query(warehouse, "SELECT run_id, source, figure, value, baseline_median, history_runs, message FROM source_alerts")
    assert {(a[0], a[1]) for a in alerts} == {(redesigned.run_id, SOURCE)}
    assert ("empty_or_short_share", 1.0, 0.0, 1) in {a[2:6] for a in alerts}
    assert sorted(a[6] for a in alerts) == sorted(redesigned.alerts)

    # the run's per-source table artifact, read back through the Prefect API
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(
            artifact_filter=ArtifactFilter(
                key=ArtifactFilterKey(any_=["ingest-sources"]), flow_run_id=ArtifactFilterFlowRunId(any_=[UUID(redesigned.run_id)])
            )
        )
    (artifact,) = artifacts
    table = json.loads(artifact.data) if isinstance(artifact.data, str) else artifact.data
    (row,) = table
    assert row["source"] == SOURCE and row["inputs"] == PAGES_PER_RUN and row["empty or short"] == "100%"
    assert "empty or very short bodies 0% -> 100%" in row["alerts"]


def _figures(**changes: float | int | None) -> dict:
    row = {
        "inputs": 20, "articles": 20, "empty_bodies": 0, "median_words": 400.0, "empty_or_short_share": 0.0, "quarantine_share": 0.0,
        "missing_title_share": 0.0, "missing_published_at_share": 0.1, "missing_authors_share": 0.3,
    }
    return {**row, **changes}


def test_floors_and_spread_keep_quiet_what_says_little():
    settings = HealthSettings()
    judge = lambda now, past: [a.figure for a in judge_source("r", SourceHistory("s", now, past), settings)]  # noqa: E731
    steady = [_figures() for _ in range(5)]
    assert judge(_figures(empty_or_short_share=0.6), steady) == ["empty_or_short_share"]
    # a tiny run: three pages are too few to judge a share
    assert judge(_figures(inputs=3, articles=3, empty_or_short_share=1.0), steady) == []
    # a source whose share always wanders: 60% is within its spread
    wandering = [_figures(missing_authors_share=s) for s in (0.1, 0.5, 0.2, 0.7, 0.3)]
    assert judge(_figures(missing_authors_share=0.6), wandering) == []
    # a small rise is no alert, however steady the history
    assert judge(_figures(missing_title_share=0.2), steady) == []
    # articles fall to none; median words halve
    assert "articles" in judge(_figures(articles=0, median_words=None, quarantine_share=1.0), steady)
    assert judge(_figures(median_words=120.0), steady) == ["median_words"]
    # getting better is not an alert, nor is having no history
    assert judge(_figures(missing_authors_share=0.0), steady) == []
    assert judge(_figures(empty_or_short_share=1.0), []) == []
