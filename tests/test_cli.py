"""The command line's bad-input paths: one clear line on stderr and exit status 2, before any flow runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from prefect_server import free_port
from web_server import WebServer, web_server_fixture  # noqa: F401 - provides the `web_server` fixture

from flows.cli import main
from warehouse.catalog import ensure_catalog


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "--sources", "{bad}"], "unknown key 'includ' in source[0] (a) (did you mean 'include'?)"),
        (["ingest", "--sources", "{bad}"], "unknown key 'includ' in source[0] (a) (did you mean 'include'?)"),
        (["run", "--source", "nope"], "no source named 'nope'"),
        (["ingest", "/no/such/folder"], "no such file or folder: /no/such/folder"),
        (["sql", "drop view articles"], "read-only: DROP statements are refused"),
        (["sql", "select nonsense from articles"], 'query failed: Binder Error: Referenced column "nonsense"'),
    ],
)
def test_bad_input_is_one_line_and_exit_2(argv, message, tmp_path: Path, warehouse: Path, capsys):
    bad = tmp_path / "sources.toml"
    bad.write_text('[[source]]\nname = "a"\nkind = "folder"\npath = "x"\ninclud = ["*"]\n')
    ensure_catalog(warehouse)  # `sql` needs a warehouse to query (on a missing one it says so: test_sql_guard)
    assert main([a.replace("{bad}", str(bad)) for a in argv]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("pressroom: ") and message in err[0]


# --- ingest's exit status: nothing read is an error, nothing new is not ---------------------------

STORY = "# Ferry adds evening crossings\n\n" + "The ferry will add two evening crossings from April. " * 15


@pytest.fixture
def quick_http(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in {"PER_HOST_DELAY": "0", "RETRIES": "0", "BACKOFF_BASE": "0.05"}.items():
        monkeypatch.setenv(f"PRESSROOM_HTTP__{key}", value)


def _last_err_line(capsys) -> str:
    return capsys.readouterr().err.strip().splitlines()[-1]


@pytest.mark.usefixtures("prefect_harness", "quick_http")
def test_an_unreachable_only_input_exits_1_naming_why_and_its_quarantine_row_keeps_the_url(warehouse: Path, capsys):
    url = f"http://127.0.0.1:{free_port()}/News/a?b=2&a=1"  # nobody listens there
    assert main(["ingest", url]) == 1
    assert _last_err_line(capsys) == (
        "pressroom: nothing ingested: 1 input, 1 quarantined (fetch/connection_refused); "
        """see `pressroom sql "SELECT uri, stage, error, detail FROM quarantine WHERE source IN ('cli')"`"""
    )
    assert main(["sql", "SELECT uri, error FROM quarantine", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["uri,error", f"{url},connection_refused"]


@pytest.mark.usefixtures("prefect_harness")
def test_a_named_folder_with_nothing_to_read_exits_1(warehouse: Path, tmp_path: Path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["ingest", str(empty)]) == 1
    assert _last_err_line(capsys) == f"pressroom: nothing ingested: found nothing to read in {empty}"
    # files it cannot read are quarantined: every input failed
    (empty / "photo.jpg").write_bytes(b"\xff\xd8")
    assert main(["ingest", str(empty)]) == 1
    assert _last_err_line(capsys).startswith("pressroom: nothing ingested: 1 input, 1 quarantined (discover/unsupported_format); see ")


@pytest.mark.usefixtures("prefect_harness")
def test_a_rerun_with_nothing_new_exits_0_and_says_so(warehouse: Path, tmp_path: Path, capsys):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / "ferry.md").write_text(STORY)
    assert main(["ingest", str(inbox)]) == 0
    assert "articles +1" in capsys.readouterr().out
    assert main(["ingest", str(inbox)]) == 0
    out = capsys.readouterr()
    assert out.out.splitlines()[-1] == "nothing new: 1 input unchanged since last read"
    assert "nothing ingested" not in out.err


@pytest.mark.usefixtures("prefect_harness", "quick_http")
def test_a_feed_with_no_new_entries_is_nothing_new(web_server: WebServer, warehouse: Path, capsys):
    web_server.page("/a.html", f"<html><head><title>Ferry</title></head><body><article><p>{STORY}</p></article></body></html>".encode())
    item = f"<item><title>a</title><link>{web_server.url('/a.html')}</link><guid>a</guid></item>"
    web_server.page("/feed.xml", f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{item}</channel></rss>'.encode(), "application/rss+xml")
    assert main(["ingest", web_server.url("/feed.xml")]) == 0
    assert "articles +1" in capsys.readouterr().out
    assert main(["ingest", web_server.url("/feed.xml")]) == 0  # was "found nothing to read": the entry's fetch is skipped
    assert capsys.readouterr().out.splitlines()[-1] == "nothing new: 1 input unchanged since last read"


@pytest.mark.usefixtures("prefect_harness")
def test_a_sources_file_run_that_finds_nothing_exits_0_but_one_whose_inputs_all_fail_exits_1(warehouse: Path, tmp_path: Path, capsys):
    (tmp_path / "empty").mkdir()
    sources = tmp_path / "sources.toml"
    sources.write_text('[[source]]\nname = "inbox"\nkind = "folder"\npath = "empty"\n')
    assert main(["ingest", "--sources", str(sources)]) == 0  # a schedule's run with nothing to do
    assert "nothing ingested" not in capsys.readouterr().err
    sources.write_text('[[source]]\nname = "inbox"\nkind = "folder"\npath = "gone"\n')
    assert main(["run", "--sources", str(sources)]) == 1
    assert _last_err_line(capsys).startswith("pressroom: nothing ingested: 1 input, 1 quarantined (discover/not_found); see ")
