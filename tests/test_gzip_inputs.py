"""gzip-compressed inputs: `.html.gz`, `.txt.gz` and `.md.gz` files in folders and named directly,
supported names whose content turns out gzipped, and pages served as gzip files over HTTP."""

from __future__ import annotations

import gzip
from pathlib import Path

from web_server import Reply, WebServer, web_server_fixture  # noqa: F401 - provides the `web_server` fixture

from config.http import HttpSettings
from config.sources import FolderSource
from tasks.fetch.discover import plan_inputs, sources_for_uris
from tasks.fetch.http import fetch_urls
from tasks.fetch.retrieve import fetch_inputs
from tasks.records import InputRef

FAST = HttpSettings(connect_timeout=2.0, read_timeout=2.0, retries=0, jitter=0.0, per_host_delay=0.0, max_decompressed_bytes=256 * 1024)
PAGE = "<!doctype html><html><head><title>Río</title></head><body><article><p>El río creció durante la noche.</p></article></body></html>"
MARKDOWN = "# Titular\n\nEl río creció durante la noche y cortó la carretera.\n"
TEXT = "El río creció durante la noche.\n"


def write_gzip(path: Path, content: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(content.encode("utf-8")))
    return path


def test_gzipped_files_in_a_folder_are_planned_with_the_inner_format_and_read_decompressed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    write_gzip(corpus / "a.html.gz", PAGE)
    write_gzip(corpus / "notes" / "b.md.gz", MARKDOWN)
    write_gzip(corpus / "c.TXT.GZ", TEXT)
    write_gzip(corpus / "data.json.gz", "{}")
    folder = FolderSource(name="gz", kind="folder", path=corpus)
    planned = plan_inputs([folder], 10_000, tmp_path / "wh", FAST)
    formats = {Path(r.uri).name: r.format_hint for r in planned.items}
    assert formats == {"a.html.gz": "html", "b.md.gz": "markdown", "c.TXT.GZ": "text"}
    assert [(Path(q.uri).name, q.error) for q in planned.quarantined] == [("data.json.gz", "unsupported_format")]

    fetched = fetch_inputs(planned.items, tmp_path / "wh", FAST)
    bodies = {Path(d.uri).name: d.body.decode("utf-8") for d in fetched.items}
    assert bodies == {"a.html.gz": PAGE, "b.md.gz": MARKDOWN, "c.TXT.GZ": TEXT}
    assert fetched.quarantined == []


def test_a_gzipped_file_named_on_the_command_line_is_read(tmp_path: Path) -> None:
    path = write_gzip(tmp_path / "story.html.gz", PAGE)
    sources = sources_for_uris([str(path)], FAST)
    planned = plan_inputs(sources, 10_000, tmp_path / "wh", FAST)
    assert [(r.kind, r.format_hint) for r in planned.items] == [("file", "html")]
    assert fetch_inputs(planned.items, tmp_path / "wh", FAST).items[0].body == PAGE.encode()


def test_a_supported_name_holding_gzip_is_decompressed_by_its_magic_bytes(tmp_path: Path) -> None:
    path = write_gzip(tmp_path / "story.html", PAGE)
    fetched = fetch_inputs([InputRef("gz", str(path), "file", "html", 10_000)], tmp_path / "wh", FAST)
    assert [d.body for d in fetched.items] == [PAGE.encode()]


def test_a_gzip_bomb_stops_at_max_bytes_of_decompressed_content(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip.compress(b"<p>" + b" " * 50_000_000))
    assert bomb.stat().st_size < 100_000
    fetched = fetch_inputs([InputRef("gz", str(bomb), "file", "html", 1_000_000)], tmp_path / "wh", FAST)
    assert fetched.items == [] and [q.error for q in fetched.quarantined] == ["decompression_bomb"]
    corrupt = tmp_path / "corrupt.txt.gz"
    corrupt.write_bytes(gzip.compress(TEXT.encode())[:-12] + b"\x00" * 12)
    fetched = fetch_inputs([InputRef("gz", str(corrupt), "file", "text", 100_000)], tmp_path / "wh", FAST)
    assert [q.error for q in fetched.quarantined] == ["bad_content_encoding"]


def test_pages_served_as_gzip_files_are_decompressed(web_server: WebServer) -> None:
    web_server.add("/robots.txt", Reply(404))
    web_server.add("/a.html.gz", Reply(200, gzip.compress(PAGE.encode()), {"Content-Type": "application/gzip"}))
    web_server.add("/b.md.gz", Reply(200, gzip.compress(MARKDOWN.encode()), {"Content-Type": "application/x-gzip"}))
    web_server.add("/undeclared", Reply(200, gzip.compress(PAGE.encode())))
    # a server that gzips a .gz file again with Content-Encoding: the client undoes that layer
    web_server.add("/c.html.gz", Reply(200, gzip.compress(gzip.compress(PAGE.encode())), {"Content-Type": "application/gzip", "Content-Encoding": "gzip"}))
    web_server.add("/bomb.html.gz", Reply(200, gzip.compress(b" " * 10_000_000), {"Content-Type": "application/gzip"}))
    paths = ["/a.html.gz", "/b.md.gz", "/undeclared", "/c.html.gz", "/bomb.html.gz"]
    result = fetch_urls([InputRef("gz", web_server.url(p), "url") for p in paths], {}, FAST)
    got = {d.uri.removeprefix(web_server.base_url): (d.format, d.body) for d in result.items}
    assert got == {
        "/a.html.gz": ("html", PAGE.encode()),
        "/b.md.gz": ("markdown", MARKDOWN.encode()),
        "/undeclared": ("html", PAGE.encode()),
        "/c.html.gz": ("html", PAGE.encode()),
    }
    assert [(q.uri.removeprefix(web_server.base_url), q.error) for q in result.quarantined] == [("/bomb.html.gz", "decompression_bomb")]
