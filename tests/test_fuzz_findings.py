"""What the fuzz suite (`tests/test_fuzz.py`) found, each kept as the input that failed: every one
raised out of its stage (or reached the stage's `unexpected_error` safety net) before its fix."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tasks.clean.decode import decode_documents
from tasks.clean.document import clean_documents
from tasks.fetch.feeds import parse_feed
from tasks.fetch.sitemaps import parse_sitemap
from tasks.fetch.warc import warc_record_refs
from tasks.records import FetchedDocument, Rejected
from tasks.urls import canonical_url
from tests.fuzz_inputs import WARC_FILES

PAGE = b"<html><head><title>Budget</title></head><body><article><p>The council passed the budget on Tuesday after a long debate.</p></article></body></html>"


def fetched(body: bytes, url: str | None = None, declared_charset: str | None = None) -> FetchedDocument:
    return FetchedDocument("fuzz", "fuzz/0", "fuzz", body, hashlib.sha256(body).hexdigest(), datetime(2024, 5, 1, tzinfo=UTC), "html",
                           url=url, declared_charset=declared_charset)


@pytest.mark.parametrize("label", ["bz2", "base64", "rot13", "undefined", "unicode_escape", "punycode", "utf-8\x00"])
def test_a_charset_label_naming_a_python_codec_that_is_no_charset_declares_nothing(label: str) -> None:
    """`bytes.decode("bz2")` raised LookupError, `decode("undefined")` UnicodeError, and a NUL
    in a label ValueError: a header or `<meta charset>` could name them."""
    docs = [fetched(PAGE, declared_charset=label)]
    if label.isprintable():  # a page with a NUL in it is another case (`binary_content`)
        docs.append(fetched(PAGE.replace(b"<head>", f'<head><meta charset="{label}">'.encode())))
    for doc in docs:
        output = decode_documents([doc])
        assert output.quarantined == [] and output.items[0].encoding == "utf-8"
        assert "council passed the budget" in output.items[0].text


def test_an_unparseable_url_is_no_url_and_no_failure() -> None:
    """`http://[::1` (an unclosed IPv6 bracket) made urlsplit raise in `canonical_url` and in the
    metadata step, for the fetched URL and for a page's canonical link alike."""
    assert canonical_url(" http://[::1 ") == "http://[::1"
    page = PAGE.replace(b"<head>", b'<head><link rel="canonical" href="http://[::1">')
    output = clean_documents([fetched(page, url="https://news.example/budget")])
    assert output.quarantined == [] and output.items[0].url == "https://news.example/budget"
    output = clean_documents([fetched(PAGE, url="http://[::1")])
    assert output.quarantined == [] and output.items[0].url == "http://[::1"


def test_a_feed_whose_xml_declaration_is_not_utf8_is_no_feed() -> None:
    """feedparser decoded the declaration's bytes as UTF-8 unchecked: a UnicodeDecodeError."""
    body = b'<?xml version="1.0" encoding="utf\xfe\xb7-8"?>\n<rss version="2.0"><channel><item><link>https://news.example/one</link></item></channel></rss>'
    with pytest.raises(Rejected) as rejected:
        parse_feed(body, "https://news.example/feed.xml", "application/rss+xml")
    assert rejected.value.error == "not_a_feed"


def test_a_feed_date_before_the_year_1_is_no_date() -> None:
    """feedparser moves `0001-01-01T00:00:00+01:00` to UTC, the year 0, which datetime refused."""
    body = b'<rss version="2.0"><channel><item><link>https://news.example/a</link><pubDate>0001-01-01T00:00:00+01:00</pubDate></item></channel></rss>'
    [entry] = parse_feed(body, "https://news.example/feed.xml")
    assert entry.link == "https://news.example/a" and entry.updated is None


def _cuts() -> list[tuple[int, int]]:
    """(file, cut) pairs: the plain WARC cut inside the header lines of its first page record (a
    WARC-Type, a target URI, a Content-Length without its value), after those headers with none of
    the block, and the gzipped WARC one byte into the first page record's gzip member."""
    plain = WARC_FILES[0].data
    first = WARC_FILES[0].documents[0][0]
    header_end = plain.index(b"\r\n\r\n", first) + 4
    cuts = [plain.index(mark, first) + len(mark) for mark in (b"WARC-Type: re", b"WARC-Target-URI: ht", b"Content-Length:")]
    return [(0, cut) for cut in (*cuts, header_end)] + [(1, WARC_FILES[1].documents[0][0] + 1)]


@pytest.mark.parametrize(("which", "cut"), _cuts())
def test_a_warc_file_cut_inside_a_records_headers_says_so(tmp_path: Path, which: int, cut: int) -> None:
    """Such a record was planned as a document (a truncated target URI, no length) or passed over
    without a word (a truncated WARC-Type, a block of no bytes)."""
    warc = WARC_FILES[which]
    path = tmp_path / "crawl.warc"
    path.write_bytes(warc.data[:cut])
    refs, rows = warc_record_refs(path, "fuzz", 1 << 20)
    assert refs == [] and [row.error for row in rows] == ["warc_truncated"]


def test_a_wet_file_cut_inside_the_blank_line_after_an_empty_records_headers_says_so(tmp_path: Path) -> None:
    """An empty conversion record (Content-Length: 0) whose header block the file cuts before its
    blank line ends: warcio reads headers to the end of the file and the empty block misses no
    byte, so the record was planned as whole and no row said the file was cut."""
    wet = WARC_FILES[2]  # plain WET: warcinfo, then conversion records, the third one empty
    empty_start = wet.documents[2][0]
    header_end = wet.data.index(b"Content-Length: 0\r\n", empty_start) + len(b"Content-Length: 0\r\n")
    for cut in (header_end, header_end + 1):  # before the blank line, inside it
        path = tmp_path / f"cut-{cut}.warc"
        path.write_bytes(wet.data[:cut])
        refs, rows = warc_record_refs(path, "fuzz", 1 << 20)
        assert len(refs) == 2 and [row.error for row in rows] == ["warc_truncated"], (cut, refs, rows)


def test_xml_declaring_an_unknown_encoding_is_ill_formed_xml() -> None:
    """expat raised LookupError, not a ParseError, for `encoding="UhF-8"`, out of both parsers."""
    declared = b'<?xml version="1.0" encoding="UhF-8"?>'
    sitemap = declared + b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://news.example/a</loc></url></urlset>'
    with pytest.raises(Rejected) as rejected:
        parse_sitemap(sitemap, "https://news.example/sitemap.xml")
    assert rejected.value.error == "not_a_sitemap"
    feed = declared + b'<rss version="2.0"><channel><item><link>https://news.example/a</link></item></channel></rss>'
    assert [entry.link for entry in parse_feed(feed, "https://news.example/feed.xml")] == ["https://news.example/a"]


def test_an_unparseable_link_in_a_feed_or_sitemap_is_no_link() -> None:
    """urljoin raised ValueError for `http://[::1` out of both parsers; the other entries stay."""
    feed = b'<rss version="2.0"><channel><item><link>http://[::1</link></item><item><link>/b</link></item></channel></rss>'
    assert [entry.link for entry in parse_feed(feed, "https://news.example/feed.xml")] == ["https://news.example/b"]
    sitemap = (b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>http://[::1</loc></url>'
               b"<url><loc>/b</loc></url></urlset>")
    assert [entry.loc for entry in parse_sitemap(sitemap, "https://news.example/sitemap.xml").entries] == ["https://news.example/b"]


def test_front_matter_that_pyyaml_fails_on_with_a_value_error_is_read_loosely() -> None:
    """PyYAML scanned `!!float nan` with the list item below it as one scalar and raised
    ValueError from float(), not a YAMLError, out of the extract step."""
    post = b"---\nx: !!float nan\n  - Jane\ntitle: Budget passed\n---\nThe council passed the budget on Tuesday.\n"
    output = clean_documents([fetched(post)])
    assert output.quarantined == [] and output.items[0].title == "Budget passed"
