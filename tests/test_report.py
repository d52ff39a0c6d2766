"""`pressroom report`: the pipeline writes it and publishes its artifacts (read back through the
real Prefect API); headless Chromium renders it offline with data in every chart, each chart's
marks matching DuckDB on the same warehouse; hostile titles and source names stay text; the
command refuses to overwrite, reads the warehouse only, and holds up with 300 sources, 60
languages and ten years."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from uuid import UUID

import pytest
from lxml import html as lxml_html
from prefect_server import PRESSROOM, PROJECT, clean_environment
from test_ui_e2e import ARTIFACTS, browser_page

from bench.report_corpus import build_report_warehouse
from tests.conftest import EXAMPLES
from tests.corpus_factory import article_html
from warehouse.query import run_query

HOSTILE_SOURCE = 'Le <b>Monde</b> & "日本"'
HOSTILE_TITLE = '<script>window.pwned=1</script> Ölpreis & "Börse" <img src=x onerror="window.pwned=2">'


def _hostile_folder(folder: Path) -> Path:
    """Two copies of a page whose title is markup, a binary file and a page with no text."""
    import random

    folder.mkdir()
    page = article_html(1, random.Random(5))
    start, end = page.index("<title>") + len("<title>"), page.index("</title>")
    page = page[:start] + HOSTILE_TITLE.replace("&", "&amp;").replace("<", "&lt;") + page[end:]
    page = page.replace(page[page.index("<h1>"):page.index("</h1>") + 5], "<h1>" + HOSTILE_TITLE.replace("&", "&amp;").replace("<", "&lt;") + "</h1>")
    (folder / "story.html").write_text(page, encoding="utf-8")
    (folder / "story-copy.html").write_text(page, encoding="utf-8")
    (folder / "broken.html").write_bytes(bytes(range(256)) * 8)
    (folder / "empty.html").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>", encoding="utf-8")
    return folder


def _chart_marks(page) -> dict[str, dict]:
    return page.evaluate("""() => Object.fromEntries(Array.from(document.querySelectorAll('figure.chart')).map(f => [f.dataset.chart, {
        empty: f.dataset.empty === 'true', step: f.dataset.step || null,
        marks: Array.from(f.querySelectorAll('rect.mark')).map(r => [r.dataset.key, Number(r.dataset.value)]),
    }]))""")


def _sums(marks: list, part: int) -> dict[str, float]:
    out: dict[str, float] = {}
    for key, value in marks:
        name = key.split("|")[part]
        out[name] = out.get(name, 0) + value
    return out


@pytest.mark.e2e
@pytest.mark.timeout(900)
@pytest.mark.usefixtures("prefect_harness")
def test_pipeline_report_renders_offline_with_data_in_every_chart(tmp_path: Path, warehouse: Path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterFlowRunId

    from flows.parameters import IngestParameters
    from flows.pipeline import PipelineParameters, pipeline

    hostile = _hostile_folder(tmp_path / "hostile")
    sources = tmp_path / "sources.toml"
    sources.write_text(
        f'[[source]]\nname = "examples"\nkind = "folder"\npath = "{EXAMPLES}"\n\n'
        f"[[source]]\nname = '{HOSTILE_SOURCE}'\nkind = \"folder\"\npath = \"{hostile}\"\n"
    )
    report = tmp_path / "out" / "report.html"
    report.parent.mkdir()
    state = pipeline(PipelineParameters(ingest=IngestParameters(sources_file=str(sources)), report_path=str(report)), return_state=True)
    assert state.is_completed(), state.message
    assert report.stat().st_size > 10_000

    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(flow_run_id=ArtifactFilterFlowRunId(any_=[UUID(str(state.state_details.flow_run_id))])))
    by_key = {a.key: a for a in artifacts}
    assert str(report) in by_key["pipeline-report"].data
    table = by_key["pipeline-sources"].data
    table = json.loads(table) if isinstance(table, str) else table
    assert {row["source"] for row in table} == {"examples", HOSTILE_SOURCE}
    hostile_row = next(row for row in table if row["source"] == HOSTILE_SOURCE)
    assert hostile_row["inputs"] == 4 and hostile_row["quarantined"] == 2 and hostile_row["duplicates"] == "50%"

    requests: list[str] = []
    ARTIFACTS.mkdir(exist_ok=True)
    with browser_page() as page:
        page.on("request", lambda request: requests.append(request.url))
        page.goto(report.as_uri(), wait_until="load")
        charts = _chart_marks(page)
        scripts = page.evaluate("() => document.querySelectorAll('script').length")
        pwned = page.evaluate("() => window.pwned === undefined ? null : window.pwned")
        text = page.evaluate("() => document.body.textContent")
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)

    assert requests == [report.as_uri()], "the page asked for something beyond itself"
    assert scripts == 0 and pwned is None
    # the source's name is markup kept as data; the title's tags are gone at ingest, its & and quotes are not
    (title,), = run_query(warehouse, f"SELECT DISTINCT title FROM articles WHERE source = '{HOSTILE_SOURCE}'")[1]
    assert '& "Börse"' in title and title in text and HOSTILE_SOURCE in text
    assert set(charts) == {"articles-over-time", "source-inputs", "quarantine-reasons", "source-quality", "duplicate-groups", "language-by-script"}
    for name, chart in charts.items():
        assert not chart["empty"] and chart["marks"], f"chart {name} has no data"

    def rows(sql: str) -> dict:
        return {row[0]: row[1] for row in run_query(warehouse, sql)[1]}

    step = charts["articles-over-time"]["step"]
    assert _sums(charts["articles-over-time"]["marks"], 0) == rows(
        f"SELECT strftime(date_trunc('{step}', published_at::DATE), '%Y-%m-%d'), count(*) FROM articles WHERE published_at IS NOT NULL GROUP BY 1")
    health = "FROM source_health GROUP BY source"
    inputs = charts["source-inputs"]["marks"]
    assert {k: v for k, v in inputs if k.endswith("|articles")} == {f"{s}|articles": n for s, n in rows(f"SELECT source, sum(articles) {health}").items()}
    assert _sums(charts["quarantine-reasons"]["marks"], 0) == {s: n for s, n in rows(f"SELECT source, sum(quarantined) {health}").items() if n}
    assert _sums(charts["quarantine-reasons"]["marks"], 1) == rows("SELECT stage || '/' || error, count(*) FROM quarantine GROUP BY 1")
    quality = dict(charts["source-quality"]["marks"])
    assert quality[f"{HOSTILE_SOURCE}|empty or short"] == pytest.approx(rows(
        f"SELECT source, sum(empty_bodies + short_bodies) / sum(articles + empty_bodies) {health}")[HOSTILE_SOURCE])
    assert quality[f"{HOSTILE_SOURCE}|duplicates"] == 0.5
    assert _sums(charts["duplicate-groups"]["marks"], 0) == rows("SELECT dup_group, count(*) FROM articles WHERE dup_group IS NOT NULL GROUP BY 1")
    assert _sums(charts["language-by-script"]["marks"], 0) == rows("SELECT coalesce(nullif(script, ''), 'unknown'), count(*) FROM articles GROUP BY 1")


def _files(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.stat().st_size, p.stat().st_mtime_ns) for p in root.rglob("*") if p.is_file()}


def _report(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(PRESSROOM), "report", *args], env=clean_environment(PRESSROOM_WAREHOUSE=str(root)), cwd=PROJECT,
                          capture_output=True, text=True, timeout=300)


def test_report_command_reads_only_refuses_to_overwrite_and_scales(tmp_path: Path):
    root = tmp_path / "warehouse"
    built = build_report_warehouse(root, 3000, sources=300, languages=60, years=10)
    before = _files(root)
    out = tmp_path / "report.html"

    done = _report(root, str(out))
    assert done.returncode == 0, done.stderr
    assert str(out) in done.stdout and "3,000 articles" in done.stdout
    first = out.read_bytes()
    refused = _report(root, str(out))
    assert refused.returncode == 2 and "exists; add --force" in refused.stderr and out.read_bytes() == first
    quiet = _report(root, "-q", "--force", "--warehouse", str(root), str(out))
    assert quiet.returncode == 0 and quiet.stdout == "", quiet.stderr
    inside = _report(root, str(root / "report.html"))
    assert inside.returncode == 2 and "inside the warehouse" in inside.stderr
    assert _files(root) == before, "the report changed the warehouse"
    missing = _report(tmp_path / "nowhere", str(tmp_path / "other.html"))
    assert missing.returncode == 2 and "no warehouse" in missing.stderr and not (tmp_path / "nowhere").exists()

    page = lxml_html.fromstring(out.read_bytes())
    chart = lambda name: page.xpath(f"//figure[@data-chart='{name}']")[0]  # noqa: E731
    bars = {rect.get("data-key").split("|")[0] for rect in chart("source-inputs").xpath(".//rect[@class='mark']")}
    others = built["sources"] - 20
    assert len(bars) == 21 and f"other ({others} sources)" in bars  # the top 20 and the rest as one bar
    assert len(page.xpath("//table[@id='sources-table']/tbody/tr")) == built["sources"]  # every source in the table
    periods = {rect.get("data-key").split("|")[0] for rect in chart("articles-over-time").xpath(".//rect[@class='mark']")}
    assert chart("articles-over-time").get("data-step") == "month" and 100 <= len(periods) <= 130
    legend = chart("articles-over-time").xpath(".//ul[@class='legend']/li")
    assert len(legend) == 10 and legend[-1].text_content() == "other"  # nine languages by name, 51 as "other"
    total = sum(int(rect.get("data-value")) for rect in chart("articles-over-time").xpath(".//rect[@class='mark']"))
    assert total == sum(1 for i in range(3000) if i % 50)  # every dated article (the corpus leaves every 50th undated)
    shutil.rmtree(root)


def test_an_empty_warehouse_reports_what_is_missing(tmp_path: Path):
    from tasks.report import write_report
    from warehouse.catalog import ensure_catalog

    root = tmp_path / "warehouse"
    ensure_catalog(root)
    result = write_report(root, tmp_path / "report.html")
    page = lxml_html.fromstring(result.path.read_bytes())
    figures = page.xpath("//figure[@data-chart]")
    assert len(figures) == 6 and all(f.get("data-empty") == "true" and not f.xpath(".//rect") for f in figures)
    assert result.articles == 0
