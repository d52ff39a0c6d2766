"""A flow command says what it is about to do before the seconds of importing Prefect and the
stages, and a command with nothing to do (languages with every article tagged, dedup with
nothing new, an ingest of unchanged or empty folders) does not import Prefect at all (issue 16). Structural,
not timed: each command runs in its own process with an import hook that reports the moment
`prefect` is first imported and stops the command there."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import duckdb
import httpx
import pytest
from prefect_server import clean_environment
from warehouse_factory import small_warehouse

from config.dedup import DedupSettings
from flows.cli import DEDUP_THRESHOLD, main
from tasks.dedup import nothing_new
from warehouse.catalog import connect, ensure_catalog

PROJECT = Path(__file__).resolve().parents[1]
PREFECT_IMPORTED = "<prefect imported>"
# Runs `flows.cli.main(argv)`, stopping with exit status 99 when anything first imports prefect.
PROBE = f"""
import sys

class StopAtPrefect:
    def find_spec(self, name, path=None, target=None):
        if name == "prefect":
            print({PREFECT_IMPORTED!r}, file=sys.stderr, flush=True)
            raise SystemExit(99)

sys.meta_path.insert(0, StopAtPrefect())
from flows.cli import main
sys.exit(main(sys.argv[1:]))
"""


def _probe(argv: list[str], root: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    # a given PREFECT_API_URL that nothing answers: no server is started, none is reached
    env = clean_environment(
        PRESSROOM_WAREHOUSE=str(root), PRESSROOM_WORKERS="1", PREFECT_HOME=str(tmp_path / "home"), PREFECT_API_URL="http://127.0.0.1:9/api"
    )
    return subprocess.run([sys.executable, "-c", PROBE, *argv], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    folder = tmp_path / "pages"
    folder.mkdir()
    (folder / "a.txt").write_text("A short article about the harbour and its new ferry.\n", encoding="utf-8")
    path = tmp_path / "sources.toml"
    path.write_text(f'[[source]]\nname = "pages"\nkind = "folder"\npath = "{folder}"\n', encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("argv", "first"),
    [
        (["languages"], "languages: tagging the articles without a language tag in {root}"),
        (["languages", "--retag"], "languages: retagging every article in {root}"),
        (["dedup"], "dedup: grouping the new articles in {root} with the stored ones"),
        (["ingest", "{page}"], "{page}: file"),
        (["ingest", "--sources", "{sources}"], "ingest: the sources of {sources} into {root}"),
        (["run", "--sources", "{sources}", "--source", "pages"], "run: ingest, languages and dedup of sources pages of {sources} into {root}"),
    ],
)
def test_a_flow_command_prints_its_first_line_before_prefect_is_imported(argv: list[str], first: str, sources: Path, tmp_path: Path):
    root = tmp_path / "warehouse"
    small_warehouse(root)  # articles without a language tag: every command has work, so it imports Prefect
    values = {"root": str(root), "sources": str(sources), "page": str(sources.parent / "pages" / "a.txt")}
    result = _probe([a.format(**values) for a in argv], root, tmp_path)
    lines = result.stderr.splitlines()
    assert result.returncode == 99, result.stderr[-2000:]  # it went on to import Prefect...
    assert lines[0] == first.format(**values)  # ...after its first line
    assert lines.index(PREFECT_IMPORTED) > 0


def test_quiet_commands_print_no_first_line(tmp_path: Path):
    root = tmp_path / "warehouse"
    small_warehouse(root)
    result = _probe(["-q", "languages"], root, tmp_path)
    assert (result.returncode, result.stderr.splitlines()) == (99, [PREFECT_IMPORTED])


def test_languages_with_nothing_to_tag_records_its_run_without_importing_prefect(tmp_path: Path):
    root = tmp_path / "warehouse"
    ensure_catalog(root)  # no articles: nothing to tag
    result = _probe(["languages"], root, tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert PREFECT_IMPORTED not in result.stderr
    assert result.stdout.startswith("languages: completed in ")  # the summary a flow run prints
    # the unreachable server is named in one line; the run is in the warehouse all the same
    assert "did not record this run" in result.stderr.splitlines()[-1]
    with connect(root) as con:
        assert con.execute("SELECT flow, status, inputs FROM runs").fetchall() == [("languages", "completed", 0)]


def test_an_idle_languages_run_shows_in_the_prefect_api_as_a_completed_flow_run(prefect_harness, warehouse: Path, monkeypatch, capsys):
    from prefect.settings import PREFECT_API_URL

    api_url = PREFECT_API_URL.value()
    monkeypatch.setenv("PREFECT_API_URL", api_url)  # what a command does once it has chosen its server
    ensure_catalog(warehouse)
    assert main(["languages"]) == 0
    assert capsys.readouterr().out.startswith("languages: completed in ")
    with connect(warehouse) as con:
        (run_id,) = con.execute("SELECT run_id FROM runs").fetchone()
    run = httpx.get(f"{api_url}/flow_runs/{run_id}", timeout=30).json()
    assert run["state_type"] == "COMPLETED"
    assert run["parameters"]["params"]["retag"] is False
    flow = httpx.get(f"{api_url}/flows/{run['flow_id']}", timeout=30).json()
    assert flow["name"] == "languages"
    artifacts = httpx.post(f"{api_url}/artifacts/filter", json={"artifacts": {"flow_run_id": {"any_": [run_id]}}}, timeout=30).json()
    assert [a["key"] for a in artifacts] == ["languages-summary"]


@pytest.mark.usefixtures("prefect_harness")
def test_dedup_with_nothing_new_since_its_last_run_records_its_run_without_importing_prefect(warehouse: Path, tmp_path: Path):
    from flows.dedup import dedup
    from flows.parameters import DedupParameters

    small_warehouse(warehouse)
    assert not nothing_new(warehouse, DedupSettings())  # never run
    assert _probe(["dedup"], warehouse, tmp_path).returncode == 99  # every article may be new: the flow runs
    dedup(DedupParameters())
    assert nothing_new(warehouse, DedupSettings())
    assert not nothing_new(warehouse, DedupSettings(threshold=0.7))  # other settings: regrouped

    result = _probe(["dedup"], warehouse, tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert PREFECT_IMPORTED not in result.stderr
    assert result.stdout.startswith("dedup: completed in ")
    with connect(warehouse) as con:
        assert con.execute("SELECT flow, status FROM runs ORDER BY started_at").fetchall() == [("dedup", "completed")] * 2

    small_warehouse(warehouse, n=1, start=100)  # a new article: there is work again
    assert not nothing_new(warehouse, DedupSettings())
    assert _probe(["dedup", "--threshold", "0.7"], warehouse, tmp_path).returncode == 99  # other settings: all regrouped by the flow


def test_a_small_dedup_backlog_is_a_flow_run_in_the_prefect_api_without_importing_prefect(prefect_harness, warehouse: Path, tmp_path: Path):
    from prefect.settings import PREFECT_API_URL

    from flows.dedup import dedup
    from flows.parameters import DedupParameters

    small_warehouse(warehouse)
    dedup(DedupParameters())
    small_warehouse(warehouse, n=2, start=100)  # two new articles: fewer than one round of worker batches
    api_url = PREFECT_API_URL.value()
    env = clean_environment(PRESSROOM_WAREHOUSE=str(warehouse), PRESSROOM_WORKERS="2", PREFECT_HOME=str(tmp_path / "home"), PREFECT_API_URL=api_url)
    result = subprocess.run([sys.executable, "-c", PROBE, "dedup"], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert PREFECT_IMPORTED not in result.stderr
    assert result.stdout.startswith("dedup: completed in ")
    with connect(warehouse) as con:
        run_id, inputs, stages = con.execute("SELECT run_id, inputs, stages_json FROM runs ORDER BY started_at DESC LIMIT 1").fetchone()
        decided = con.execute("SELECT count(DISTINCT article_id) FROM duplicates").fetchone()[0]
        total = con.execute("SELECT count(*) FROM articles").fetchone()[0]
    assert inputs == 2 and {s["stage"] for s in json.loads(stages)["stages"]} == {"signatures", "group", "write"}
    assert decided == total == 7  # the new articles were grouped with the stored ones
    run = httpx.get(f"{api_url}/flow_runs/{run_id}", timeout=30).json()
    assert run["state_type"] == "COMPLETED"
    assert httpx.get(f"{api_url}/flows/{run['flow_id']}", timeout=30).json()["name"] == "dedup"
    artifacts = httpx.post(f"{api_url}/artifacts/filter", json={"artifacts": {"flow_run_id": {"any_": [run_id]}}}, timeout=30).json()
    assert [a["key"] for a in artifacts] == ["dedup-summary"]
    assert "signatures" in artifacts[0]["data"]


@pytest.mark.usefixtures("prefect_harness")
def test_an_ingest_of_unchanged_or_empty_folders_records_its_run_without_importing_prefect(sources: Path, warehouse: Path, tmp_path: Path):
    from flows.ingest import ingest
    from flows.parameters import IngestParameters

    pages, empty = sources.parent / "pages", tmp_path / "empty"
    empty.mkdir()
    ingest(IngestParameters(uris=[str(pages)]))

    rerun = _probe(["ingest", str(pages)], warehouse, tmp_path)
    assert rerun.returncode == 0, rerun.stderr[-2000:]
    assert PREFECT_IMPORTED not in rerun.stderr
    assert rerun.stdout.splitlines()[-1] == "nothing new: 1 input unchanged since last read"

    nothing = _probe(["ingest", str(empty)], warehouse, tmp_path)
    assert nothing.returncode == 1 and PREFECT_IMPORTED not in nothing.stderr
    assert nothing.stderr.splitlines()[-1] == f"pressroom: nothing ingested: found nothing to read in {empty}"
    with connect(warehouse) as con:
        assert con.execute("SELECT flow, inputs FROM runs ORDER BY started_at").fetchall() == [("ingest", 1), ("ingest", 1), ("ingest", 0)]

    (pages / "b.txt").write_text("Another article, about the new bridge over the river.\n", encoding="utf-8")
    assert _probe(["ingest", str(pages)], warehouse, tmp_path).returncode == 99  # a new file: the flow runs


def test_the_dedup_threshold_default_is_the_settings_default():
    assert DedupSettings.model_fields["threshold"].default == DEDUP_THRESHOLD


@pytest.mark.parametrize(
    ("error", "raised", "status", "state"),
    [(ValueError("a bad row"), ValueError, "failed", "FAILED"), (duckdb.InterruptException("INTERRUPT Error"), KeyboardInterrupt, "interrupted", "CANCELLED")],
)
def test_a_run_recorded_without_prefect_that_fails_or_is_interrupted_is_recorded_so(
    prefect_harness, warehouse: Path, error: BaseException, raised: type, status: str, state: str
):
    from prefect.settings import PREFECT_API_URL

    from flows.idle_run import recorded_without_prefect

    api_url = PREFECT_API_URL.value()
    ensure_catalog(warehouse)
    with pytest.raises(raised), recorded_without_prefect(warehouse, "dedup", {}, api_url, print) as summary:
        summary.inputs = 3
        raise error
    with connect(warehouse) as con:
        assert con.execute("SELECT run_id, flow, status, inputs FROM runs").fetchall() == [(summary.run_id, "dedup", status, 3)]
    assert httpx.get(f"{api_url}/flow_runs/{summary.run_id}", timeout=30).json()["state_type"] == state
