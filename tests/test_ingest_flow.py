"""The ingest flow under Prefect's test harness, on real files, Parquet and DuckDB."""

from __future__ import annotations

import hashlib
import os
import struct
import zlib
from pathlib import Path
from urllib.parse import unquote_to_bytes

import pytest

from tests.corpus_factory import write_corpus
from warehouse.query import run_query

pytestmark = pytest.mark.usefixtures("prefect_harness")

TABLES = ("documents", "article_versions", "articles", "quarantine")


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + bytes([200, 30, 30] * 16) for _ in range(16))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 16, 16, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def _counts(root: Path) -> dict[str, int]:
    return {t: run_query(root, f"select count(*) from {t}")[1][0][0] for t in TABLES}


def _ingest(*uris: Path):
    from flows.ingest import ingest
    from flows.parameters import IngestParameters

    return ingest(IngestParameters(uris=[str(u) for u in uris]))


def test_bad_inputs_are_quarantined_and_the_rest_lands(warehouse: Path, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("PRESSROOM_MAX_DOCUMENT_BYTES", "50000")
    folder = tmp_path / "inbox"
    write_corpus(folder, 3)
    (folder / "picture.html").write_bytes(_png())
    (folder / "empty.txt").write_bytes(b"")
    (folder / "garbage.txt").write_bytes(b"\xff" * 4096)
    (folder / "huge.html").write_text("<p>" + "word " * 20000 + "</p>")

    summary = _ingest(folder)

    _, rows = run_query(warehouse, "select uri, stage, error, detail from quarantine order by uri")
    by_file = {Path(uri).name: (stage, error, detail) for uri, stage, error, detail in rows}
    assert set(by_file) == {"picture.html", "empty.txt", "garbage.txt", "huge.html"}
    assert by_file["picture.html"][:2] == ("decode", "binary_content")
    assert by_file["empty.txt"][:2] == ("decode", "empty")
    assert by_file["garbage.txt"][:2] == ("decode", "undecodable")
    assert by_file["huge.html"][:2] == ("fetch", "too_large")
    assert all(detail for _, _, detail in by_file.values())
    assert _counts(warehouse)["articles"] == 3
    assert summary.quarantined == 4
    assert summary.quarantine_reasons == {
        "decode/binary_content": 1, "decode/empty": 1, "decode/undecodable": 1, "fetch/too_large": 1
    }
    _, runs = run_query(warehouse, "select flow, status, quarantined, rows_added['articles'] from runs")
    assert runs == [("ingest", "completed", 4, 3)]


def test_rerun_adds_nothing_and_a_changed_file_is_a_new_version(warehouse: Path, tmp_path: Path):
    folder = tmp_path / "inbox"
    paths = write_corpus(folder, 4)
    (folder / "empty.md").write_bytes(b"")
    _ingest(folder)
    first = _counts(warehouse)
    assert first == {"documents": 5, "article_versions": 4, "articles": 4, "quarantine": 1}

    _ingest(folder)
    assert _counts(warehouse) == first

    paths[0].write_text(paths[0].read_text().replace("report number 0", "report number 0 (corrected)"))
    _ingest(folder)
    assert _counts(warehouse) == {"documents": 6, "article_versions": 5, "articles": 4, "quarantine": 1}
    _, rows = run_query(warehouse, f"select title from articles where uri = '{paths[0]}'")
    assert len(rows) == 1 and "(corrected)" in rows[0][0]
    _, runs = run_query(warehouse, "select count(*) from runs")
    assert runs == [(3,)]


def test_seed_facts(warehouse: Path, seeds: Path):
    _ingest(*sorted(seeds.glob("00[0-4]_*.txt")))
    _, rows = run_query(
        warehouse,
        "select regexp_extract(uri, '(00[0-4])_', 1) as seed, title, site, authors, categories, "
        "strftime(published_at, '%Y-%m-%dT%H:%M:%S') as published, image_url, text from articles order by seed",
    )
    arts = {r[0]: r[1:] for r in rows}
    assert sorted(arts) == ["000", "001", "002", "003", "004"]
    title, site, _, _, published, _, text = arts["003"]
    assert title == "China calls for international vaccine cooperation to defeat COVID-19 pandemic"
    assert "xinhua" in site.lower() and published.startswith("2021-01-21")
    assert "Press Room" not in " ".join(text.split()) and text.count("China calls on the international community to work together") == 1
    title, _, authors, categories, published, image, text = arts["004"]
    assert title == "推进疫苗国际合作进程 推动构建人类命运共同体" and "ZAKER" in authors
    assert {"新媒体", "ZAKER", "source"} <= set(categories) and published == "2021-08-06T00:07:04"
    assert image == "http://zkres2.myzaker.com/202108/610ce1ad8e9f0904fe64126a_1024.jpg"
    assert "习近平" in text and "<" not in text and "&nbsp;" not in text


def test_file_names_that_are_not_utf8_are_stored_escaped_beside_the_good_ones(warehouse: Path, tmp_path: Path):
    folder = tmp_path / "inbox"
    good = write_corpus(folder, 2)
    raw_folder = os.fsencode(folder)
    bad = Path(os.fsdecode(raw_folder + b"/bad\xffname.txt"))  # how Python hands such a name over
    bad.write_text("A report whose file name is not UTF-8.\n\nIt still has a body of several words.")
    Path(os.fsdecode(raw_folder + b"/photo\xfe.jpg")).write_bytes(_png())

    _ingest(folder)

    _, articles = run_query(warehouse, "select uri, doc_id from articles order by uri")
    stored = dict(articles)
    assert set(stored) == {str(p) for p in good} | {f"{folder}/bad%FFname.txt"}
    # the escape is lossless, and doc_id is the hash of the path's bytes
    assert unquote_to_bytes(f"{folder}/bad%FFname.txt") == raw_folder + b"/bad\xffname.txt"
    assert stored[f"{folder}/bad%FFname.txt"] == hashlib.sha256(raw_folder + b"/bad\xffname.txt").hexdigest()[:32]
    _, quarantined = run_query(warehouse, "select uri, stage, error from quarantine")
    assert quarantined == [(f"{folder}/photo%FE.jpg", "discover", "unsupported_format")]


def test_a_rerun_reads_no_unchanged_file_and_a_touched_one_is_checked_by_hash(warehouse: Path, tmp_path: Path):
    """Files whose size and modification time are those of their stored version are not read
    again; a file touched without a change is read, and its content hash says it is the same."""
    from flows.ingest import ingest
    from flows.parameters import IngestParameters

    folder = tmp_path / "folder"
    folder.mkdir()
    for n in range(3):
        (folder / f"story{n}.txt").write_text(f"Story {n}\n\nThe council met on Tuesday and voted {n} times on the budget.\n")
    params = IngestParameters(uris=[str(folder)])
    first = ingest(params)
    assert first.rows_added["articles"] == 3 and first.stages["fetch"].docs_in == 3

    second = ingest(params)
    assert second.inputs == 3 and "fetch" not in second.stages, "no file was read"
    assert second.stages["discover"].counts["unchanged"] == 3

    story = folder / "story1.txt"
    os.utime(story, ns=(story.stat().st_atime_ns, story.stat().st_mtime_ns + 1_000_000_000))
    third = ingest(params)
    assert third.stages["fetch"].docs_in == 1 and third.stages["versions"].docs_out == 0
    assert sum(third.rows_added.values()) == 0


@pytest.mark.timeout(300)
def test_a_page_over_the_document_time_limit_is_quarantined_in_process(warehouse: Path, tmp_path: Path, monkeypatch):
    """The flow runs the clean unit in its own process here (PRESSROOM_WORKERS=1): the time
    limit holds there too, and the setting reaches it."""
    monkeypatch.setenv("PRESSROOM_DOCUMENT_SECONDS", "2")
    folder = tmp_path / "inbox"
    write_corpus(folder, 3)
    # 17 MB of paragraphs: trafilatura ran for minutes on it
    paragraphs = "".join(f"<p>Paragraph {i} with some words in it here.</p>" for i in range(350_000))
    (folder / "endless.html").write_text(f"<html><body><article>{paragraphs}</article></body></html>")
    _ingest(folder)
    _, rows = run_query(warehouse, "select uri, stage, error from quarantine")
    assert [(Path(uri).name, stage, error) for uri, stage, error in rows] == [("endless.html", "extract", "timeout")]
    assert _counts(warehouse)["articles"] == 3
