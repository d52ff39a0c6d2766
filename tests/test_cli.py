"""The command line's bad-input paths: one clear line on stderr and exit status 2, before any flow runs."""

from __future__ import annotations

import os
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
        (["ingest", "https://data.commoncrawl.org/x/CC-MAIN-1.warc.wat.gz"], "a WAT file holds crawl metadata (JSON), not text"),
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


def test_version_is_the_installed_package_version(capsys):
    from importlib.metadata import version

    with pytest.raises(SystemExit) as exit:
        main(["--version"])
    assert exit.value.code == 0
    assert capsys.readouterr().out.strip() == f"pressroom {version('pressroom')}"


def test_help_lists_every_command_on_one_line(monkeypatch, capsys):
    monkeypatch.setenv("COLUMNS", "80")
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    listed = out.split("commands:")[1].split("\n\n")[0].splitlines()[2:]  # after the title and COMMAND
    assert [line.split()[0] for line in listed] == ["run", "ingest", "languages", "dedup", "sql", "export", "search", "report", "doctor", "serve", "deploy", "worker", "server", "check-env"]
    assert all(len(line.split(maxsplit=1)) == 2 for line in listed)  # name and help on the same line
    assert "-v, --verbose" in out and "-q, --quiet" in out and "--workers and --batch-size override" in out


@pytest.mark.parametrize("command", [["run"], ["ingest"], ["languages"], ["dedup"], ["sql", "SELECT 1"], ["export", "x.jsonl"], ["serve"], ["deploy"], ["worker"], ["server"]])
def test_verbose_and_quiet_before_or_after_every_command(command):
    from flows.cli import build_parser

    parse = build_parser().parse_args
    plain = parse(command)
    assert (plain.verbose, plain.quiet) == (False, False)
    assert parse(["-q", *command]).quiet and parse([*command[:1], "-q", *command[1:]]).quiet
    assert parse(["-v", *command]).verbose and parse([*command[:1], "--verbose", *command[1:]]).verbose


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["ingest", "--workers", "0", "x"], "argument --workers: must be at least 1: 0"),
        (["languages", "--batch-size", "many"], "argument --batch-size: not a whole number: 'many'"),
        (["languages", "--batch-size", "100001"], "batch_size: Input should be less than or equal to 100000"),
        (["sql", "-v", "-q", "SELECT 1"], "argument -q/--quiet: not allowed with argument -v/--verbose"),
        (["-v", "sql", "-q", "SELECT 1"], "-v/--verbose and -q/--quiet exclude each other"),
        (["dedup", "--batch-size", "5"], "unrecognized arguments: --batch-size 5"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(argv, message, monkeypatch, capsys):
    monkeypatch.setenv("PRESSROOM_BATCH_SIZE", "200")  # main puts --batch-size there; restored after
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    assert code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("pressroom: ") and message in err[0], err


def test_workers_and_batch_size_override_the_environment_for_the_command(monkeypatch):
    from config.settings import Settings
    from flows.cli import _override_settings, build_parser

    monkeypatch.setenv("PRESSROOM_WORKERS", "3")
    monkeypatch.setenv("PRESSROOM_BATCH_SIZE", "200")
    _override_settings(build_parser().parse_args(["run", "--workers", "2", "--batch-size", "50"]))
    assert (Settings().workers, Settings().batch_size) == (2, 50)  # what the flows read when they start
    _override_settings(build_parser().parse_args(["languages"]))
    assert (Settings().workers, Settings().batch_size) == (2, 50)  # no flag: the environment stands


@pytest.mark.parametrize(
    ("argv", "level"),
    [(["ingest", "-q"], "ERROR"), (["ingest", "-v"], "INFO"), (["serve", "-q"], "WARNING"), (["server", "-v"], "DEBUG"),
     (["worker", "-v"], "DEBUG"), (["deploy", "-v"], "INFO")],
)
def test_verbosity_sets_prefect_logging_over_the_environment(argv, level, monkeypatch):
    from flows.cli import _configure_prefect, build_parser

    monkeypatch.setenv("PREFECT_LOGGING_LEVEL", "WARNING")
    args = build_parser().parse_args(argv)
    _configure_prefect(args.command, args.quiet, args.verbose)
    assert os.environ["PREFECT_LOGGING_LEVEL"] == level


def test_the_progress_bar_shows_rate_and_time_remaining():
    import time

    from rich.progress import MofNCompleteColumn, TimeRemainingColumn

    from flows.cli import _progress_bar

    bar = _progress_bar(show=True)
    kinds = [type(c).__name__ for c in bar.columns]
    assert kinds == ["TextColumn", "BarColumn", "MofNCompleteColumn", "RateColumn", "TimeElapsedColumn", "TimeRemainingColumn"]
    task = bar.add_task("ingest", total=1000)
    rate = bar.columns[kinds.index("RateColumn")]
    assert str(rate.render(bar.tasks[0])) == ""  # no rate before two samples
    for _ in range(3):
        time.sleep(0.05)
        bar.advance(task, 100)
    assert str(rate.render(bar.tasks[0])).endswith("/s")
    assert str(bar.columns[kinds.index("TimeRemainingColumn")].render(bar.tasks[0])) not in {"", "-:--:--"}
    assert isinstance(bar.columns[2], MofNCompleteColumn) and isinstance(bar.columns[5], TimeRemainingColumn)


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
