"""What a successful `pressroom` command leaves on stderr (only what pressroom means to say: no
notes from libraries at interpreter exit), and the README's DuckDB client opening the catalog.
Each command runs as its own process, as a user runs it."""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings import Settings
from warehouse.catalog import CATALOG_FILE, ensure_catalog

PROJECT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent  # the project environment's scripts: pressroom, duckdb
# The README's line that opens the catalog in the DuckDB command-line client.
README_DUCKDB = re.compile(r"^uv run --with duckdb-cli==(?P<version>\S+) duckdb -readonly (?P<path>\S+)", re.MULTILINE)


def _run(argv: list[str], root: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PRESSROOM_WAREHOUSE=str(root), PRESSROOM_WORKERS="1", PREFECT_HOME=str(tmp_path / "prefect"))
    result = subprocess.run(argv, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return result


def test_sql_leaves_stderr_empty(tmp_path: Path) -> None:
    ensure_catalog(tmp_path / "warehouse")  # `sql` on no warehouse is an error line
    result = _run([str(BIN / "pressroom"), "sql", "select 1"], tmp_path / "warehouse", tmp_path)
    assert result.stdout.splitlines()[-1] == "(1 row)"
    assert result.stderr == ""


@pytest.mark.e2e
def test_ingest_says_only_what_it_took_and_the_duckdb_client_reads_the_catalog(tmp_path: Path, seeds: Path) -> None:
    root = tmp_path / "warehouse"
    seed = sorted(seeds.glob("*.txt"))[0]

    ingest = _run([str(BIN / "pressroom"), "ingest", str(seed)], root, tmp_path)
    assert "articles +1" in ingest.stdout
    assert ingest.stderr.splitlines() == [f"{seed}: file"]  # the kind it took the input for, nothing after

    sql = _run([str(BIN / "pressroom"), "sql", "SELECT count(*) AS n FROM articles", "--format", "csv"], root, tmp_path)
    assert (sql.stdout.split(), sql.stderr) == (["n", "1"], "")

    # the DuckDB command-line client the README names opens the file pressroom wrote
    query = "SELECT count(*) AS n FROM articles"
    client = _run([str(BIN / "duckdb"), "-readonly", "-csv", str(root / CATALOG_FILE), "-c", query], root, tmp_path)
    assert (client.stdout.split(), client.stderr) == (["n", "1"], "")


def test_the_readme_opens_the_default_catalog_with_the_tested_client() -> None:
    line = README_DUCKDB.search((PROJECT / "README.md").read_text(encoding="utf-8"))
    assert line, "the README shows how to open the catalog in the DuckDB client"
    assert line["version"] == importlib.metadata.version("duckdb-cli")  # the client the test above runs
    assert Path(line["path"]) == Path(Settings.model_fields["warehouse"].default) / CATALOG_FILE


def test_prefects_note_that_it_still_sends_the_last_events_is_not_shown(caplog: pytest.LogCaptureFixture) -> None:
    """At exit Prefect sends the run's queued events and logs, and warns "Still processing items"
    when any are left: a race with the run's end, not news for the user (a crash-matrix run showed
    it under the one line of a full disk). Other warnings of those services still show."""
    import logging

    from flows.cli import PREFECT_SENDERS, _leave_to_one_line

    _leave_to_one_line(verbose=False)
    with caplog.at_level(logging.WARNING):
        for name in PREFECT_SENDERS:
            logging.getLogger(name).warning("Still processing items: 1 items remaining...")
            logging.getLogger(name).warning("Service %r failed with %s pending items.", name, 3)
    assert [record.getMessage() for record in caplog.records] == [
        f"Service {name!r} failed with 3 pending items." for name in PREFECT_SENDERS
    ]
