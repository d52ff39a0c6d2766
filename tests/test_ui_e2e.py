"""pressroom as an operator uses it: a Prefect server, `pressroom serve`, and the UI in a real
browser (Debian's Chromium driven by Playwright). One test starts a custom ingest run from the
UI's run form; the other waits for a schedule from the sources file to run the pipeline alone."""

from __future__ import annotations

import json
import re
import subprocess
from datetime import datetime, timezone
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from uuid import uuid4

import pytest

from prefect_server import PRESSROOM, PROJECT, PrefectServer, clean_environment, prefect_server, pressroom_serve, wait_for

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(600)]

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--headless", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--disable-sync", "--no-first-run",
]
ARTIFACTS = PROJECT / "test-artifacts"
RUN_SECONDS = 240  # a first flow run on a loaded 2-core machine takes 15-40 s; leave room

SAMPLES = {
    "harbour.html": """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Harbour cranes return after a winter of repairs | Coastal Courier</title>
<meta name="author" content="Mira Lindqvist"><meta property="article:published_time" content="2026-03-02T08:30:00+01:00">
</head><body><nav><a href="/">Home</a> <a href="/news">News</a></nav><article><h1>Harbour cranes return after a winter of repairs</h1>
<p>The three container cranes at the north quay went back into service on Monday after four months of repairs
to their rails and drive motors, the port authority said.</p>
<p>Shipping lines had diverted around a third of their calls to neighbouring ports while the work went on,
and dock workers were moved to the bulk terminal on the south side of the bay.</p>
<p>The authority expects traffic to return to last year's level by the summer, when a fourth crane ordered
in 2024 is due to arrive by sea from the manufacturer's yard.</p></article>
<footer>© Coastal Courier. All rights reserved.</footer></body></html>""",
    "library.html": """<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>Village library opens its doors on Sundays | Valley Post</title>
<meta name="author" content="Tomás Herrera"><meta property="article:published_time" content="2026-02-14T10:00:00Z">
</head><body><header>Valley Post</header><main><article><h1>Village library opens its doors on Sundays</h1>
<p>From next month the village library will open every Sunday afternoon, after volunteers offered to staff
the reading room and the children's corner between two and six o'clock.</p>
<p>The council agreed to pay for the extra heating, and the librarian said the change answers a survey in
which most families named the weekend as the only time they could visit together.</p>
<p>A reading club for teenagers will meet on the first Sunday of each month, starting with a novel chosen
by the pupils of the secondary school.</p></article></main></body></html>""",
    "orchard.md": """---
title: "Orchard growers test frost fans on the hillside"
author: Anneke de Vries
date: 2026-01-20
---

Fruit growers on the eastern hillside are testing tall frost fans this spring, hoping to protect the
blossom from the cold snaps that destroyed half of last year's apple harvest.

The fans mix the warmer air a few metres up with the cold layer that settles between the rows on clear
nights. Two farms share the first machines, and the cooperative will compare their yields with those of
neighbouring orchards in the autumn.

If the trial works, the cooperative plans to buy four more fans with help from the regional fund for
farm investments.
""",
}
TITLES = {
    "Harbour cranes return after a winter of repairs",
    "Village library opens its doors on Sundays",
    "Orchard growers test frost fans on the hillside",
}


def write_samples(folder: Path) -> Path:
    """A folder of three small articles (two HTML pages and a front-matter post)."""
    folder.mkdir(parents=True)
    for name, text in SAMPLES.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def query(warehouse: Path, sql: str) -> list[dict]:
    """Rows of `pressroom sql --format json` on the given warehouse."""
    done = subprocess.run(
        [str(PRESSROOM), "sql", sql, "--format", "json"],
        env=clean_environment(PRESSROOM_WAREHOUSE=str(warehouse)), cwd=PROJECT,
        capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PrefectServer]:
    with prefect_server(tmp_path_factory.mktemp("prefect-server")) as running_server:
        yield running_server


@contextmanager
def browser_page():
    """A page of headless Chromium (the system's, never a downloaded one)."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium), as .ci/run does")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": 1400, "height": 1000})
        finally:
            browser.close()


def test_custom_run_from_the_ui_ingests_a_folder(server: PrefectServer, tmp_path: Path):
    samples = write_samples(tmp_path / "samples")
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nname = "samples"\nkind = "folder"\npath = "{samples}"\n')
    warehouse = tmp_path / "warehouse"
    run_name = f"ui-e2e-{uuid4().hex[:8]}"
    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "ui-custom-ingest-run.png"

    with pressroom_serve(server, tmp_path, sources, warehouse), browser_page() as page:
        from playwright.sync_api import expect

        page.goto(f"{server.url}/deployments", wait_until="networkidle")
        page.locator("a[href*='/deployments/deployment/']", has_text=re.compile(r"^\s*ingest\s*$")).first.click()
        page.get_by_role("button", name="Run", exact=True).click()
        page.get_by_text("Custom run").click()
        expect(page.get_by_text("Files, folders, URLs, feeds, sitemaps or WARC files to ingest")).to_be_visible()
        page.locator("input[type=text]").first.fill(run_name)
        page.get_by_role("button", name="Add item").first.click()  # the first list of the form: uris
        page.locator("textarea").first.fill(str(samples))
        page.get_by_role("button", name="Submit").click()

        page.get_by_role("link", name=run_name).first.click(timeout=60_000)
        page.wait_for_url("**/runs/flow-run/**")
        badge = page.locator(".state-badge").first
        try:
            expect(badge).to_have_text(re.compile("Completed|Failed|Crashed|Cancelled"), timeout=RUN_SECONDS * 1000)
        finally:
            page.screenshot(path=str(screenshot), full_page=True)
        expect(badge).to_have_text("Completed")
        # the run's log, as the UI shows it, has the ingest flow's line per batch
        expect(page.get_by_text(re.compile(r"batch 1: 3 inputs, 3 new versions, 3 articles"))).to_be_visible(timeout=30_000)
        page.screenshot(path=str(screenshot), full_page=True)
        # and its summary artifact renders as a table of stages
        page.get_by_text("Artifacts", exact=True).click()
        page.get_by_text("ingest-summary").first.click()
        expect(page.get_by_role("cell", name="extract", exact=True)).to_be_visible(timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "ui-ingest-summary-artifact.png"), full_page=True)

    rows = query(warehouse, "SELECT title, uri, source, run_id FROM articles ORDER BY title")
    assert {r["title"] for r in rows} == TITLES
    assert all(r["uri"].startswith(str(samples)) for r in rows)
    assert len({r["run_id"] for r in rows}) == 1
    assert screenshot.stat().st_size > 10_000


def test_interval_schedule_runs_without_a_trigger(server: PrefectServer, tmp_path: Path):
    samples = write_samples(tmp_path / "samples")
    sources = tmp_path / "sources.toml"
    sources.write_text(
        '[schedules.every-few-seconds]\ninterval = "5s"\ntimezone = "Europe/Berlin"\n\n'
        f'[[source]]\nname = "samples"\nkind = "folder"\npath = "{samples}"\nschedule = "every-few-seconds"\n\n'
        f'[[source]]\nname = "unscheduled"\nkind = "folder"\npath = "{tmp_path / "elsewhere"}"\n'
    )
    warehouse = tmp_path / "warehouse"
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        DeploymentFilter, DeploymentFilterId, FlowRunFilter, FlowRunFilterState, FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType
    from prefect.settings import PREFECT_API_URL, temporary_settings

    # this test process's client reads the same server that `pressroom serve` registered with
    with pressroom_serve(server, tmp_path, sources, warehouse) as log, temporary_settings({PREFECT_API_URL: server.api_url}):
        with get_client(sync_client=True) as client:
            deployment = client.read_deployment_by_name("pipeline/pipeline")
            assert [s.slug for s in deployment.schedules] == ["every-few-seconds"]
            finished: list = []
            FINAL = [StateType.COMPLETED, StateType.FAILED, StateType.CRASHED, StateType.CANCELLED]

            def a_scheduled_run_finished() -> bool:
                finished[:] = client.read_flow_runs(
                    deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])),
                    flow_run_filter=FlowRunFilter(state=FlowRunFilterState(type=FlowRunFilterStateType(any_=FINAL))),
                )
                return bool(finished)

            wait_for(a_scheduled_run_finished, RUN_SECONDS, "a scheduled pipeline run", log, every=2)
            # one pipeline run at a time: the runs the schedule keeps firing wait for the slot
            started = sorted(
                (r.start_time, r.end_time or datetime.now(timezone.utc))
                for r in client.read_flow_runs(deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])))
                if r.start_time is not None
            )
            assert all(end <= next_start for (_, end), (next_start, _) in zip(started, started[1:])), started
    run = finished[0]
    assert run.state_name == "Completed", run.state.message
    assert run.created_by is not None and run.created_by.type == "SCHEDULE"
    assert run.created_by.display_value == "every-few-seconds"
    assert run.parameters == {"params": {"ingest": {"sources": ["samples"]}}}

    rows = query(warehouse, "SELECT title, source FROM articles")
    assert {r["title"] for r in rows} == TITLES
    assert {r["source"] for r in rows} == {"samples"}
