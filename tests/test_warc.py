"""WARC files written with warcio read back into documents and quarantine rows, offline."""

from __future__ import annotations

import gzip
import socket
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from tasks.fetch.warc import read_warc, read_warc_record, warc_record_refs
from tasks.identity import doc_id_for_url, sha256_hex
from tasks.records import FetchedDocument, QuarantineRecord, Rejected

UTF8_PAGE = "<html><head><title>Été</title></head><body><p>Ünïcode page — 中文.</p></body></html>".encode()
CP1252_PAGE = "<html><body><p>Déjà vu: l’été à Paris.</p></body></html>".encode("cp1252")


def response(writer: WARCWriter, uri: str, status: str, headers: list[tuple[str, str]], body: bytes, date: str, **warc_headers: str):
    http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
    return writer.create_warc_record(uri, "response", payload=BytesIO(body), http_headers=http,
                                     warc_headers_dict={"WARC-Date": date, **warc_headers})


@pytest.fixture
def warc_file(tmp_path: Path) -> Path:
    """A crawl as a crawler writes it: warcinfo, requests, responses of every kind, a resource."""
    path = tmp_path / "crawl.warc.gz"
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "test"}))
        request = StatusAndHeaders("GET /utf8 HTTP/1.1", [("Host", "news.example")], is_http_request=True)
        writer.write_record(writer.create_warc_record("https://news.example/utf8", "request", payload=BytesIO(b""), http_headers=request))
        writer.write_record(response(writer, "https://news.example/utf8", "200 OK",
                                     [("Content-Type", "text/html; charset=UTF-8"), ("ETag", '"v1"'), ("Last-Modified", "Wed, 01 May 2024 10:00:00 GMT")],
                                     UTF8_PAGE, "2024-05-01T12:00:00Z"))
        writer.write_record(response(writer, "https://news.example/cp1252", "200 OK", [("Content-Type", "text/html")], CP1252_PAGE, "2024-05-01T12:00:01Z"))
        writer.write_record(response(writer, "https://news.example/zipped", "200 OK",
                                     [("Content-Type", "text/html; charset=utf-8"), ("Content-Encoding", "gzip")],
                                     gzip.compress(UTF8_PAGE), "2024-05-01T12:00:02Z"))
        writer.write_record(response(writer, "https://news.example/old", "301 Moved Permanently", [("Location", "https://news.example/utf8")], b"", "2024-05-01T12:00:03Z"))
        writer.write_record(response(writer, "https://news.example/gone", "404 Not Found", [("Content-Type", "text/html")], b"<p>gone</p>", "2024-05-01T12:00:04Z"))
        writer.write_record(response(writer, "https://news.example/logo.png", "200 OK", [("Content-Type", "image/png")], b"\x89PNG\r\n\x1a\n", "2024-05-01T12:00:05Z"))
        writer.write_record(response(writer, "https://news.example/robots.txt", "200 OK", [("Content-Type", "text/plain")], b"User-agent: *\n", "2024-05-01T12:00:06Z"))
        writer.write_record(response(writer, "https://news.example/cut", "200 OK", [("Content-Type", "text/html")], b"<p>half", "2024-05-01T12:00:07Z", **{"WARC-Truncated": "length"}))
        writer.write_record(writer.create_warc_record("https://news.example/notes.txt", "resource", payload=BytesIO(b"Plain notes."),
                                                      warc_content_type="text/plain", warc_headers_dict={"WARC-Date": "2024-05-01T12:00:08Z"}))
        writer.write_record(writer.create_revisit_record("https://news.example/utf8", digest="sha1:AAAA", refers_to_uri="https://news.example/utf8",
                                                         refers_to_date="2024-05-01T12:00:00Z"))
    return path


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to resolve a name or open a connection fails the test."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)


def test_warc_reads_back_without_network(warc_file: Path, no_network: None) -> None:
    rows = list(read_warc(warc_file, "archive"))
    docs = {r.url: r for r in rows if isinstance(r, FetchedDocument)}
    rejected = {r.detail.split(": ", 1)[0]: r.error for r in rows if isinstance(r, QuarantineRecord)}
    assert sorted(docs) == ["https://news.example/cp1252", "https://news.example/notes.txt", "https://news.example/utf8", "https://news.example/zipped"]
    assert rejected == {
        "https://news.example/old": "http_301",
        "https://news.example/gone": "http_404",
        "https://news.example/logo.png": "non_text_content_type",
        "https://news.example/robots.txt": "robots_txt",
        "https://news.example/cut": "truncated",
    }
    assert len(rows) == 9, "request, warcinfo and revisit records are not documents"

    page = docs["https://news.example/utf8"]
    assert page.body == UTF8_PAGE
    assert page.content_sha256 == sha256_hex(UTF8_PAGE)
    assert page.doc_id == doc_id_for_url("https://news.example/utf8")
    assert page.fetched_at == datetime(2024, 5, 1, 12, tzinfo=UTC)
    assert (page.content_type, page.declared_charset, page.format, page.http_status) == ("text/html", "utf-8", "html", 200)
    assert (page.etag, page.last_modified) == ('"v1"', "Wed, 01 May 2024 10:00:00 GMT")
    assert page.source == "archive" and page.uri.startswith(f"{warc_file}#urn:uuid:")

    assert docs["https://news.example/cp1252"].body == CP1252_PAGE
    assert docs["https://news.example/cp1252"].declared_charset is None
    assert docs["https://news.example/zipped"].body == UTF8_PAGE, "Content-Encoding is undone"
    notes = docs["https://news.example/notes.txt"]
    assert (notes.body, notes.format, notes.http_status) == (b"Plain notes.", "text", None)
    assert all(r.stage == "fetch" and r.source == "archive" for r in rows if isinstance(r, QuarantineRecord))


def test_record_size_cap(warc_file: Path) -> None:
    rows = list(read_warc(warc_file, "archive", max_bytes=20))
    too_large = [r for r in rows if isinstance(r, QuarantineRecord) and r.error == "too_large"]
    assert len(too_large) == 3  # the three pages; the 12-byte resource fits
    assert [r.url for r in rows if isinstance(r, FetchedDocument)] == ["https://news.example/notes.txt"]


def test_uncompressed_warc_and_a_file_that_is_not_one(tmp_path: Path) -> None:
    plain = tmp_path / "one.warc"
    with plain.open("wb") as stream:
        writer = WARCWriter(stream, gzip=False)
        writer.write_record(response(writer, "http://h/p", "200 OK", [("Content-Type", "text/html")], b"<p>x</p>", "2024-01-01T00:00:00Z"))
    assert [r.url for r in read_warc(plain, "s")] == ["http://h/p"]

    broken = tmp_path / "broken.warc.gz"
    broken.write_bytes(b"this is not a WARC file at all\n" * 10)
    rows = list(read_warc(broken, "s"))
    assert [(type(r), r.error) for r in rows] == [(QuarantineRecord, "warc_unreadable")]


def _three_pages(path: Path, gzipped: bool) -> list[int]:
    """A WARC of three page records; the offsets where each starts, then the file's size."""
    offsets = []
    with path.open("wb") as stream:
        writer = WARCWriter(stream, gzip=gzipped)
        for n in range(3):
            offsets.append(stream.tell())
            body = f"<html><body><p>Page {n}: {'words of a page ' * 40}</p></body></html>".encode()
            writer.write_record(response(writer, f"https://news.example/{n}", "200 OK", [("Content-Type", "text/html")], body, "2024-01-01T00:00:00Z"))
        offsets.append(stream.tell())
    return offsets


def _cut_points(offsets: list[int], gzipped: bool) -> list[tuple[int, int]]:
    """(where to cut, how many pages stay whole): in the WARC headers, the HTTP headers and the
    body of the last record, its last bytes (the gzip trailer, or the body's end), and in the
    middle of the second record."""
    last, end = offsets[2], offsets[3]
    tail = 3 if gzipped else 10  # plain: the 4 bytes of CRLFs after a record are not part of it
    return [(last + 20, 2), (last + 300 if not gzipped else last + 40, 2), ((last + end) // 2, 2), (end - tail, 2),
            ((offsets[1] + offsets[2]) // 2, 1)]


@pytest.mark.parametrize("gzipped", [False, True], ids=["warc", "warc.gz"])
def test_a_warc_cut_short_quarantines_the_cut_record_and_ingests_the_rest(tmp_path: Path, gzipped: bool) -> None:
    whole = tmp_path / ("whole.warc.gz" if gzipped else "whole.warc")
    offsets = _three_pages(whole, gzipped)
    data = whole.read_bytes()
    for cut, intact in _cut_points(offsets, gzipped):
        path = tmp_path / ("cut.warc.gz" if gzipped else "cut.warc")
        path.write_bytes(data[:cut])
        expected = [f"https://news.example/{n}" for n in range(intact)]
        # as the ingest flow reads it: planned by offset, then each record read
        refs, planned_rows = warc_record_refs(path, "s", 10**6)
        assert [read_warc_record(r).url for r in refs] == expected, cut
        assert [(q.stage, q.error) for q in planned_rows] == [("fetch", "warc_truncated")], cut
        # and read in one pass
        rows = list(read_warc(path, "s"))
        assert [r.url for r in rows if isinstance(r, FetchedDocument)] == expected, cut
        assert [q.error for q in rows if isinstance(q, QuarantineRecord)] == ["warc_truncated"], cut
    # the whole file, and the plain one without its closing CRLFs, are read in full
    assert [r.url for r in read_warc(whole, "s")] == [f"https://news.example/{n}" for n in range(3)]
    if not gzipped:
        path.write_bytes(data[:-4])
        assert len([r for r in read_warc(path, "s") if isinstance(r, FetchedDocument)]) == 3


def test_a_record_cut_after_planning_is_not_read_as_a_whole_page(tmp_path: Path) -> None:
    path = tmp_path / "growing.warc.gz"
    offsets = _three_pages(path, True)
    refs, _ = warc_record_refs(path, "s", 10**6)
    path.write_bytes(path.read_bytes()[: offsets[3] - 3])
    assert read_warc_record(refs[1]).url == "https://news.example/1"
    with pytest.raises(Rejected) as caught:
        read_warc_record(refs[2])
    assert caught.value.error == "warc_truncated"
