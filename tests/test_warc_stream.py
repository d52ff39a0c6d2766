"""WARC and WET files served by a real HTTP server on 127.0.0.1, streamed record by record: whole
files ingest, a file cut short or a connection dropped mid-file is one quarantine row with every
other record kept, reruns add nothing; WAT files are refused; WET files are known by content."""

from __future__ import annotations

import random
from collections import Counter
from io import BytesIO
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter
from web_server import Reply, WebServer, web_server_fixture  # noqa: F401 - provides the `web_server` fixture

from config.http import HttpSettings
from config.sources import SourcesError
from tasks.fetch import guess_uri_kind, sources_for_uris, stream_archives
from tasks.fetch.warc import read_warc
from tasks.records import FetchedDocument, InputRef, QuarantineRecord
from tests.corpus_factory import WORDS, article_html
from warehouse.query import run_query

HTTP = HttpSettings(per_host_delay=0, backoff_base=0.05, retries=1, read_timeout=10)
DATE = "2024-05-01T12:00:00Z"


def crawl(records: int, wet: bool, seed: int = 1) -> tuple[bytes, list[int]]:
    """A gzipped crawl of `records` pages as Common Crawl writes it: a WARC of warcinfo, then a
    request, a response and a metadata record per page; or a WET of warcinfo and one conversion
    record of text per page. Also the offset where each page's record starts."""
    rng = random.Random(seed)
    stream = BytesIO()
    writer = WARCWriter(stream, gzip=True)
    writer.write_record(writer.create_warcinfo_record("crawl.warc.wet.gz" if wet else "crawl.warc.gz", {"software": "test"}))
    starts = []
    for i in range(records):
        url = f"https://news{i % 7}.example/{'wet' if wet else 'warc'}/{seed}/{i}"
        if wet:
            text = f"Report number {i}\n" + "\n".join(" ".join(rng.choice(WORDS) for _ in range(40)) + "." for _ in range(3))
            starts.append(stream.tell())
            writer.write_record(writer.create_warc_record(url, "conversion", payload=BytesIO(text.encode()), warc_content_type="text/plain",
                                                          warc_headers_dict={"WARC-Date": DATE}))
            continue
        request = StatusAndHeaders(f"GET /{i} HTTP/1.1", [("Host", "news.example")], is_http_request=True)
        writer.write_record(writer.create_warc_record(url, "request", payload=BytesIO(b""), http_headers=request))
        http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
        starts.append(stream.tell())
        writer.write_record(writer.create_warc_record(url, "response", payload=BytesIO(article_html(i, rng).encode()), http_headers=http,
                                                      warc_headers_dict={"WARC-Date": DATE}))
        writer.write_record(writer.create_warc_record(url, "metadata", payload=BytesIO(b"fetchTimeMs: 12\r\n"),
                                                      warc_content_type="application/warc-fields"))
    return stream.getvalue(), starts


def streamed(url: str, batch_size: int = 100) -> tuple[list[FetchedDocument], list[QuarantineRecord], Counter[str], int]:
    """Everything `stream_archives` gives for one URL: documents, rows, counts, batches."""
    documents, rows, counts, number = [], [], Counter(), 0
    for _, output in stream_archives([InputRef("s", url, "archive", None, 1 << 20)], batch_size, HTTP):
        documents += output.items
        rows += output.quarantined
        counts += output.stats.counts
        number += 1
    return documents, rows, counts, number


def _ingest(**params):
    from flows.ingest import ingest
    from flows.parameters import IngestParameters

    return ingest(IngestParameters(**params))


@pytest.fixture
def quick_http(monkeypatch: pytest.MonkeyPatch) -> None:
    for key, value in {"PER_HOST_DELAY": "0", "BACKOFF_BASE": "0.05", "RETRIES": "1", "READ_TIMEOUT": "10"}.items():
        monkeypatch.setenv(f"PRESSROOM_HTTP__{key}", value)


@pytest.mark.usefixtures("prefect_harness", "quick_http")
def test_a_thousand_record_warc_and_wet_over_http_ingest_completely_and_once(web_server: WebServer, warehouse: Path) -> None:
    warc, _ = crawl(1000, wet=False)
    wet, _ = crawl(1000, wet=True)
    web_server.add("/crawl/CC-MAIN-1.warc.gz", Reply(200, warc, {"Content-Type": "application/warc"}))
    web_server.add("/crawl/CC-MAIN-1.warc.wet.gz", Reply(200, wet, {"Content-Type": "application/octet-stream"}))
    uris = [web_server.url("/crawl/CC-MAIN-1.warc.gz"), web_server.url("/crawl/CC-MAIN-1.warc.wet.gz")]

    summary = _ingest(uris=uris, batch_size=250)
    assert summary.rows_added["documents"] == 2000 and summary.quarantined == 0
    assert summary.rows_added["articles"] == 2000
    assert summary.stages["fetch"].counts["skipped_request"] == 1000
    assert summary.stages["fetch"].counts["skipped_metadata"] == 1000
    assert summary.inputs == 2000
    assert len(web_server.requests_to("/crawl/CC-MAIN-1.warc.gz")) == 1, "one pass over the file"
    _, rows = run_query(warehouse, "select count(*), count(published_at), min(fetched_at) = max(fetched_at), "
                                   "count(distinct url) from articles where url like '%/wet/%'")
    assert rows == [(1000, 0, True, 1000)], "WET text has a URL and a fetch date, never an invented publication date"
    _, [(text,)] = run_query(warehouse, "select text from articles where url = 'https://news0.example/wet/1/0'")
    assert text.startswith("Report number 0")

    again = _ingest(uris=uris, batch_size=250)
    assert again.rows_added["documents"] == 0 and again.rows_added["articles"] == 0 and again.rows_added["quarantine"] == 0


@pytest.mark.usefixtures("prefect_harness", "quick_http")
def test_a_dropped_connection_keeps_what_was_read_and_a_rerun_adds_the_rest(web_server: WebServer, warehouse: Path) -> None:
    data, starts = crawl(40, wet=True, seed=2)
    web_server.add("/seg.warc.wet.gz", [Reply(200, data, hang_up_after=(starts[25] + starts[26]) // 2), Reply(200, data)])
    url = web_server.url("/seg.warc.wet.gz")

    first = _ingest(uris=[url])
    assert first.rows_added["articles"] == 25
    _, rows = run_query(warehouse, "select uri, error from quarantine")
    assert rows == [(f"{url}@offset={starts[25]}", "connection_lost")], "one row, naming the record the connection dropped in"

    second = _ingest(uris=[url])
    assert second.rows_added["articles"] == 15 and second.quarantined == 0
    _, [(versions, items)] = run_query(warehouse, "select count(*), count(distinct doc_id) from article_versions")
    assert versions == items == 40


@pytest.mark.parametrize("wet", [False, True], ids=["warc", "wet"])
@pytest.mark.parametrize("where", ["in the middle of the last page", "in the gzip trailer of the last record"])
def test_a_file_cut_short_on_the_server_is_one_row_and_every_other_record_is_kept(web_server: WebServer, where: str, wet: bool) -> None:
    data, starts = crawl(30, wet=wet, seed=3)
    # in a WARC the last record is the last page's metadata: cut there, every page is whole
    cut = (starts[-1] + len(data)) // 2 if "middle" in where else len(data) - 3
    pages = 29 if wet or "middle" in where else 30
    web_server.add("/cut.warc.gz", Reply(200, data[:cut]))
    documents, rows, counts, _ = streamed(web_server.url("/cut.warc.gz"))
    assert len(documents) == pages and len({d.url for d in documents}) == pages
    assert [(r.stage, r.error) for r in rows] == [("fetch", "warc_truncated")]
    assert counts["skipped_request"] == (0 if wet else 30)


def test_batches_hold_a_batch_of_records_each(web_server: WebServer) -> None:
    data, _ = crawl(120, wet=True, seed=4)
    web_server.add("/a.wet", Reply(200, data, chunked=True))
    documents, rows, _, batches = streamed(web_server.url("/a.wet"), batch_size=50)
    assert (len(documents), rows, batches) == (120, [], 3)
    assert all(d.format == "text" and d.content_type == "text/plain" and d.fetched_at.isoformat() == "2024-05-01T12:00:00+00:00" for d in documents)


def test_what_is_not_an_archive_or_cannot_be_had_is_one_row(web_server: WebServer) -> None:
    web_server.add("/page.warc.gz", Reply(200, b"<html>not an archive</html>", {"Content-Type": "text/html"}))
    assert [r.error for r in streamed(web_server.url("/page.warc.gz"))[1]] == ["warc_unreadable"]
    assert [r.error for r in streamed(web_server.url("/missing.warc.gz"))[1]] == ["http_404"]


def test_wat_files_are_refused(web_server: WebServer, tmp_path: Path) -> None:
    with pytest.raises(SourcesError, match="WAT file holds crawl metadata"):
        sources_for_uris([web_server.url("/CC-MAIN-1.warc.wat.gz")], HTTP)
    stream = BytesIO()
    writer = WARCWriter(stream, gzip=True)
    writer.write_record(writer.create_warcinfo_record("x.warc.gz", {"software": "test"}))
    for i in range(3):
        writer.write_record(writer.create_warc_record(f"https://a.example/{i}", "metadata", payload=BytesIO(b'{"Envelope": {}}'),
                                                      warc_content_type="application/json"))
    web_server.add("/disguised.warc.gz", Reply(200, stream.getvalue()))
    assert [r.error for r in streamed(web_server.url("/disguised.warc.gz"))[1]] == ["wat_unsupported"]


def test_wet_files_are_known_by_name_and_by_content(tmp_path: Path) -> None:
    data, _ = crawl(3, wet=True)
    named = tmp_path / "CC-MAIN-2024-seg.warc.wet.gz"
    unnamed = tmp_path / "download.bin"
    for path in (named, unnamed):
        path.write_bytes(data)
        assert guess_uri_kind(str(path)) == "warc"
    assert guess_uri_kind("https://data.commoncrawl.org/crawl-data/x/wet/CC-MAIN-1.warc.wet.gz") == "warc"
    skipped: Counter[str] = Counter()
    documents = list(read_warc(unnamed, "s", skipped=skipped))
    assert [d.url for d in documents] == [f"https://news{i}.example/wet/1/{i}" for i in range(3)]
    assert skipped == Counter({"skipped_warcinfo": 1})


def test_a_streamed_file_reads_as_the_same_file_on_disk_wherever_it_is_cut(web_server: WebServer, tmp_path: Path) -> None:
    """The one record walk over a stream and over a file: the same documents and the same rows
    for the whole file and for cuts in headers, bodies, gzip members and between records."""
    data, starts = crawl(6, wet=False, seed=5)
    rng = random.Random(6)
    cuts = [len(data), starts[3], starts[3] + 1, starts[3] + 30, len(data) - 1, *(rng.randrange(len(data)) for _ in range(8))]
    for n, cut in enumerate(cuts):
        path = tmp_path / f"{n}.warc.gz"
        path.write_bytes(data[:cut])
        web_server.add(f"/{n}.warc.gz", Reply(200, data[:cut]))
        documents, rows, _, _ = streamed(web_server.url(f"/{n}.warc.gz"))
        local = list(read_warc(path, "s", 1 << 20))
        assert [d.url for d in documents] == [d.url for d in local if isinstance(d, FetchedDocument)], cut
        assert [r.error for r in rows] == [r.error for r in local if isinstance(r, QuarantineRecord)], cut
        url = web_server.url(f"/{n}.warc.gz")
        assert [r.uri.removeprefix(url) for r in rows] == [r.uri.removeprefix(str(path)) for r in local if isinstance(r, QuarantineRecord)], cut


def test_a_sources_file_names_a_remote_archive_by_url(tmp_path: Path) -> None:
    from config.sources import parse_sources

    parsed = parse_sources('[[source]]\nname = "cc"\nkind = "warc"\nurl = "https://data.commoncrawl.org/x.warc.wet.gz"\n', tmp_path)
    assert (parsed.source[0].url, parsed.source[0].path) == ("https://data.commoncrawl.org/x.warc.wet.gz", None)
    for body, problem in [('path = "a.warc.gz"\nurl = "https://h/x.warc.gz"', "exactly one of `path`"), ("", "exactly one of `path`"),
                          ('url = "ftp://h/x.warc.gz"', r"is not an http\(s\) URL")]:
        with pytest.raises(SourcesError, match=problem):
            parse_sources(f'[[source]]\nname = "cc"\nkind = "warc"\n{body}\n', tmp_path)


@pytest.mark.usefixtures("prefect_harness", "quick_http")
def test_a_common_crawl_path_listing_streams_each_listed_file(web_server: WebServer, warehouse: Path, tmp_path: Path) -> None:
    import gzip

    segment = "crawl-data/CC-MAIN-2024-18/segments/1712296816853.44/wet"
    for n in range(2):
        web_server.add(f"/{segment}/CC-MAIN-{n}.warc.wet.gz", Reply(200, crawl(20, wet=True, seed=10 + n)[0]))
    paths = [f"{segment}/CC-MAIN-{n}.warc.wet.gz" for n in range(3)] + [f"{segment}/CC-MAIN-3.warc.wet.gz"]
    web_server.add("/crawl-data/CC-MAIN-2024-18/wet.paths.gz", Reply(200, gzip.compress("\n".join(paths).encode() + b"\n")))
    sources = tmp_path / "sources.toml"
    sources.write_text(f'[[source]]\nname = "cc"\nkind = "warc_paths"\nurl = "{web_server.url("/crawl-data/CC-MAIN-2024-18/wet.paths.gz")}"\n'
                       f'base_url = "{web_server.base_url}"\nmax_files = 3\n')

    summary = _ingest(sources_file=str(sources))
    assert summary.rows_added["articles"] == 40
    _, rows = run_query(warehouse, "select uri, error from quarantine")
    assert rows == [(web_server.url(f"/{segment}/CC-MAIN-2.warc.wet.gz"), "http_404")], "a listed file that is missing is one row"
    assert not web_server.requests_to(f"/{segment}/CC-MAIN-3.warc.wet.gz"), "max_files: the fourth is not read"
    assert _ingest(sources_file=str(sources)).rows_added["articles"] == 0


def test_listed_archives_are_joined_to_the_base_url() -> None:
    from tasks.fetch.archive_lists import listed_archives

    listing = b"crawl-data/a.warc.gz\n\n# a comment\n/crawl-data/b.warc.gz\nhttps://mirror.example/c.warc.gz\n"
    assert listed_archives(listing, "https://data.commoncrawl.org") == [
        "https://data.commoncrawl.org/crawl-data/a.warc.gz", "https://data.commoncrawl.org/crawl-data/b.warc.gz", "https://mirror.example/c.warc.gz"]
    [source] = sources_for_uris(["https://data.commoncrawl.org/crawl-data/CC-MAIN-2024-18/wet.paths.gz"], HTTP)
    assert (source.kind, source.url) == ("warc_paths", "https://data.commoncrawl.org/crawl-data/CC-MAIN-2024-18/wet.paths.gz")


def test_a_limit_reads_only_the_first_records(web_server: WebServer) -> None:
    for n in range(2):
        web_server.add(f"/{n}.wet.gz", Reply(200, crawl(30, wet=True, seed=20 + n)[0]))
    refs = [InputRef("s", web_server.url(f"/{n}.wet.gz"), "archive", None, 1 << 20) for n in range(2)]
    got = [(batch, output) for batch, output in stream_archives(refs, 4, HTTP, limit=35)]
    documents = [d for _, output in got for d in output.items]
    assert len(documents) == 35 and len({d.url for d in documents}) == 35
    assert [len(batch) for batch, _ in got] == [4] * 7 + [2] + [4] + [1], "batches of 4 records, the limit cut across both files"
    assert list(stream_archives(refs, 4, HTTP, limit=0)) == []


def test_memory_does_not_grow_with_the_files_size(web_server: WebServer) -> None:
    """Python's allocations while streaming a file ten times larger grow by less than the
    reader's look-back window, far less than the file (peak RSS of the whole command: bench/)."""
    import tracemalloc

    def letters(n: int) -> bytes:
        stream, rng = BytesIO(), random.Random(n)
        writer = WARCWriter(stream, gzip=True)
        for i in range(n):  # random letters: gzip cannot make them much smaller than they are
            text = bytes(97 + rng.randrange(26) for _ in range(4000))
            writer.write_record(writer.create_warc_record(f"https://a.example/{i}", "conversion", payload=BytesIO(text), warc_content_type="text/plain"))
        return stream.getvalue()

    peaks, sizes = [], []
    for n in (300, 3000):
        data = letters(n)
        web_server.add(f"/{n}.wet.gz", Reply(200, data))
        sizes.append(len(data))
        tracemalloc.start()
        try:
            read = sum(len(output.items) for _, output in stream_archives([InputRef("s", web_server.url(f"/{n}.wet.gz"), "archive", None, 1 << 20)], 100, HTTP))
            peaks.append(tracemalloc.get_traced_memory()[1])
        finally:
            tracemalloc.stop()
        assert read == n
    growth = peaks[1] - peaks[0]
    assert growth < 4 * 2**20 and growth < (sizes[1] - sizes[0]) / 2, (peaks, sizes)
