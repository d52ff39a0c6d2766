import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from prefect_server import PROJECT
from web_server import Reply, WebServer, web_server_fixture  # noqa: F401 - provides the `web_server` fixture

from config.http import HttpSettings
from config.sources import FeedSource, FolderSource, SourcesError, UrlsSource, load_sources, parse_sources
from tasks.fetch.discover import choose_sources, plan_inputs, sources_for_uris
from tasks.fetch.globs import matching_files
from tasks.fetch.retrieve import fetch_inputs
from tasks.store import write_batch
from warehouse.catalog import ensure_catalog
from warehouse.query import run_query

FOLDER = """
[[source]]
name = "docs"
kind = "folder"
path = "corpus"
include = ["**/*"]
exclude = ["drafts/**"]
"""


def test_bundled_sources_file_is_valid():
    sources = load_sources(Path(__file__).resolve().parents[1] / "config" / "sources.toml").source
    assert sources and all(s.enabled for s in sources)
    assert isinstance(sources[0], FolderSource) and sources[0].path.is_absolute()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (FOLDER.replace("include", "includes"), "unknown key 'includes' in source[0] (docs) (did you mean 'include'?)"),
        (FOLDER.replace('"folder"', '"ftp"'), "unknown kind"),
        (FOLDER + 'max_bytes = -5\n', "source[0] (docs).max_bytes: Input should be greater than or equal to 1"),
        (FOLDER + FOLDER, "used twice"),
        ("[[source]\nname=", "not valid TOML"),
        ('[[source]]\nkind = "folder"\npath = "x"\n', "source[0].name: Field required"),
        ('[settings]\nx = 1\n', "unknown key 'settings' at the top level (expected one of: source, schedules)"),
    ],
)
def test_bad_sources_give_one_line_naming_the_key(text, message):
    with pytest.raises(SourcesError) as caught:
        parse_sources(text, Path("/tmp"))
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


def test_folder_globs_and_unsupported_files(tmp_path: Path):
    corpus = tmp_path / "corpus"
    (corpus / "a" / "b").mkdir(parents=True)
    (corpus / "drafts").mkdir()
    (corpus / ".git").mkdir()
    for name in ["one.html", "a/two.md", "a/b/three.TXT", "drafts/four.html", ".git/config.txt", "photo.jpg"]:
        (corpus / name).write_text("x")
    (tmp_path / "sources.toml").write_text(FOLDER)
    sources = choose_sources([], [], tmp_path / "sources.toml", HttpSettings())
    out = plan_inputs(sources, 1000, tmp_path / "wh", HttpSettings())
    assert sorted(Path(r.uri).relative_to(corpus).as_posix() for r in out.items) == ["a/b/three.TXT", "a/two.md", "one.html"]
    assert {r.format_hint for r in out.items} == {"html", "markdown", "text"}
    assert [(q.uri.endswith("photo.jpg"), q.error) for q in out.quarantined] == [(True, "unsupported_format")]
    assert out.stats.quarantined["unsupported_format"] == 1 and out.stats.docs_out == 3


def test_unknown_source_name_is_an_error(tmp_path: Path):
    (tmp_path / "sources.toml").write_text(FOLDER)
    with pytest.raises(SourcesError, match="no source named 'nope'"):
        choose_sources([], ["nope"], tmp_path / "sources.toml", HttpSettings())


def test_missing_folder_is_quarantined(tmp_path: Path):
    (tmp_path / "sources.toml").write_text(FOLDER)
    out = plan_inputs(choose_sources([], [], tmp_path / "sources.toml", HttpSettings()), 1000, tmp_path / "wh", HttpSettings())
    assert out.items == [] and [q.error for q in out.quarantined] == ["not_found"]


def test_every_source_kind_has_a_planner():
    from config.sources import KINDS
    from tasks.fetch.discover import PLANNERS, planner

    assert set(PLANNERS) == set(KINDS)
    assert all(callable(planner(kind)) for kind in KINDS)


def test_planning_local_files_leaves_the_http_client_unimported(tmp_path: Path):
    """A rerun of local files only is decided in a fraction of a second: the planners of web
    sources, and the HTTP client they bring, are imported only when such a source is planned."""
    (tmp_path / "inbox").mkdir()
    (tmp_path / "inbox" / "a.md").write_text("# A\n\nText.")
    script = (
        "import sys\nfrom pathlib import Path\n"
        "from config.http import HttpSettings\n"
        "from tasks.fetch.discover import choose_sources, plan_inputs\n"
        f"sources = choose_sources([{str(tmp_path / 'inbox')!r}], [], {str(tmp_path / 'none.toml')!r}, HttpSettings())\n"
        f"out = plan_inputs(sources, 1000, Path({str(tmp_path / 'wh')!r}), HttpSettings())\n"
        "assert len(out.items) == 1, out\n"
        "print(sorted(m for m in ('httpx', 'tasks.fetch.http', 'tasks.fetch.feeds') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=PROJECT, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("pattern", "message"),
    [
        ("**/" * 14 + "*.html", "source[0] (docs).include: pattern '" + "**/" * 14 + "*.html' has 14 '**' segments (at most 3"),
        ("/etc/*", "must be relative to the folder"),
        ("../other/*", "may not leave the folder with '..'"),
        ("a**/*.md", "'**' must be a whole segment"),
    ],
)
def test_bad_glob_patterns_are_one_error_line_naming_source_and_key(pattern: str, message: str):
    with pytest.raises(SourcesError) as caught:
        parse_sources(FOLDER.replace('include = ["**/*"]', f"include = [{pattern!r}]"), Path("/tmp"))
    assert message in str(caught.value) and "\n" not in str(caught.value)
    with pytest.raises(SourcesError, match=r"source\[0\] \(docs\)\.exclude: pattern '/abs/\*\*'"):
        parse_sources(FOLDER.replace('exclude = ["drafts/**"]', 'exclude = ["/abs/**"]'), Path("/tmp"))


def test_folder_walk_is_bounded_however_many_recursive_segments(tmp_path: Path):
    """Path.glob walks the tree again per '**': 8 of them took 1.9 s on this 30-file, 10-level
    tree and 10 took 19.5 s (about 3 times as long for each one more); one walk takes under 1 ms."""
    folder = tmp_path / "deep"
    for level in range(1, 11):
        folder = folder / f"l{level}"
        folder.mkdir(parents=True)
        for n in range(3):
            (folder / f"f{n}.txt").write_text("x")
    started = time.perf_counter()
    found = matching_files(tmp_path / "deep", ["**/" * 14 + "*.txt"], ["**/l9/**"])
    assert time.perf_counter() - started < 1.0
    assert len(found) == 24 and not any("l9" in p.parts for p in found)


def test_urls_that_are_not_utf8_are_stored_percent_encoded(web_server: WebServer, tmp_path: Path):
    """A byte that is not UTF-8 in a URL list, or a lone surrogate escape in a JSON feed, used
    to reach the write as text Parquet cannot hold and fail the whole batch."""
    web_server.add("/feed.json", Reply(200, b'{"version": "https://jsonfeed.org/version/1.1", "items": [{"id": "1", "url": "/a\\ud800b"}]}',
                                       {"Content-Type": "application/feed+json"}))
    (tmp_path / "urls.txt").write_bytes(web_server.url("/caf\xe9").encode("latin-1") + b"\n")
    sources = [UrlsSource(kind="urls", name="list", file=tmp_path / "urls.txt"), FeedSource(kind="feed", name="feed", url=web_server.url("/feed.json"))]
    root = tmp_path / "warehouse"
    ensure_catalog(root)
    http = HttpSettings(per_host_delay=0.0, retries=0)
    planned = plan_inputs(sources, 1000, root, http)
    fetched = fetch_inputs(planned.items, root, http)
    write_batch(root, "run", fetched.items, [], fetched.quarantined)
    _, rows = run_query(root, "select uri, error from quarantine order by uri")
    assert rows == [(web_server.url("/a%ED%A0%80b"), "http_404"), (web_server.url("/caf%E9"), "http_404")]


def test_a_url_argument_that_is_not_utf8_is_percent_encoded():
    argument = os.fsdecode(b"http://127.0.0.1:9/caf\xe9")  # how Python hands such an argument over
    (source,) = sources_for_uris([argument], HttpSettings())
    assert source.urls == ["http://127.0.0.1:9/caf%E9"]


def test_a_misspelt_key_is_named_before_the_key_it_leaves_missing():
    """`paht` makes two errors, an unknown key and a missing `path`; "path: Field required (and
    1 more)" hid the cause, so the unknown key comes first, with the key it most likely meant."""
    with pytest.raises(SourcesError) as caught:
        parse_sources('[[source]]\nname = "docs"\nkind = "folder"\npaht = "corpus"\n', Path("/tmp"))
    assert str(caught.value) == "sources.toml: unknown key 'paht' in source[0] (docs) (did you mean 'path'?)"
    # other errors are still counted; the missing `path` the suggestion explains is not
    with pytest.raises(SourcesError) as caught:
        parse_sources('[[source]]\nkind = "folder"\npaht = "corpus"\n', Path("/tmp"))
    assert str(caught.value) == "sources.toml: unknown key 'paht' in source[0] (did you mean 'path'?) (and 1 more)"
