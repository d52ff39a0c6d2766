"""Hypothesis strategies for the fuzz suite (`tests/test_fuzz.py`): damaged versions of real input.

Each strategy starts from something real (the sample corpus, the seed documents, feeds, sitemaps
and WARC files written the way publishers and crawlers write them) and breaks it the way the
world does: cut short, bytes flipped, NULs and invalid UTF-8 inserted, a huge attribute or deep
nesting spliced in, a byte order mark or a charset declaration that lies, or plain random bytes.
Mutations are cheap byte operations, so a batch of a hundred inputs costs Hypothesis little.
"""

from __future__ import annotations

import codecs
import gzip
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

PROJECT = Path(__file__).resolve().parents[1]
_SEEDS = PROJECT.parent / "shared" / "seeds"


def _real_files() -> list[Path]:
    """The sample corpus and test fixtures, and the seed documents when they are beside the project."""
    found = sorted((PROJECT / "examples" / "corpus").rglob("*.*")) + sorted((PROJECT / "tests" / "fixtures").rglob("*.*"))
    if _SEEDS.is_dir():
        found += sorted(_SEEDS.glob("0*.txt"))
    return [path for path in found if path.is_file()]


REAL_PAGES: tuple[bytes, ...] = tuple(path.read_bytes() for path in _real_files())

# Splices that break pages the way the web does. The huge attribute and the deep nesting are
# what parsers built on recursion or fixed buffers trip over.
_SPLICES: tuple[bytes, ...] = (
    b"\x00",
    b"\x00" * 64,
    b"\xff\xfe\xfd",
    b"\xc3\x28",
    b"\xe2\x82",
    b"\xf0\x9f\x98",
    b"\xed\xa0\x80",  # an encoded UTF-16 surrogate: invalid UTF-8
    codecs.BOM_UTF8,
    codecs.BOM_UTF16_LE,
    codecs.BOM_UTF16_BE,
    codecs.BOM_UTF32_LE,
    b'<meta charset="utf-16">',
    b'<meta charset="x-bogus">',
    b'<meta http-equiv="Content-Type" content="text/html; charset=shift_jis">',
    b'<?xml version="1.0" encoding="ebcdic-cp-us"?>',
    b'<div data-x="' + b"a" * 65_536 + b'">',
    b"<div><span>" * 3_000,
    b"<![CDATA[",
    b"<!--",
    b"<script>",
    b"</body></html>",
    b"\r",
    b"&#0;&#xD800;&#1114112;&#99999999999;&bogus;",
    b"<title>",
    b"---\n",
    b"+++\n",
    b"\x1b$B",  # an ISO-2022-JP escape
)

_BOM_PREFIXES: tuple[bytes, ...] = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)

# Charsets a transport may declare: right, wrong, unknown, and names of Python codecs that are
# no text encoding at all (bytes-to-bytes codecs, escapes) or that fail on any input.
DECLARED_CHARSETS: tuple[str | None, ...] = (
    None, "utf-8", "UTF-16", "utf-32", "iso-8859-1", "windows-1252", "shift_jis", "gb2312", "big5",
    "koi8-r", "euc-jp", "iso-2022-jp", "utf-7", "x-user-defined", "hz-gb-2312", "cp500", "bogus",
    "", " ", "utf-8\x00", "rot13", "base64", "zlib", "hex", "uu", "bz2", "quopri", "idna", "punycode",
    "unicode_escape", "raw_unicode_escape", "undefined", "mbcs", "oem", "latin_1", "'utf-8'",
)

# Text encodings a document may really be in (re-encoded real text).
_TEXT_ENCODINGS = ("utf-8", "utf-16", "utf-16-be", "utf-32", "cp1252", "cp1251", "shift_jis", "gb18030", "big5", "euc-kr", "koi8-r", "iso-8859-7")

URLS: tuple[str | None, ...] = (
    None, "https://news.example/2024/05/story.html", "http://news.example/", "https://news.example/a?b=1#c",
    "http://[::1", "https://exa mple.com/ü", "http://%zz/", "javascript:alert(1)", "file:///etc/passwd", "",
    "//no-scheme.example/x", "https://xn--.example/", "http://a" + "b" * 5_000 + ".example/",
    "https://news.example:99999/", "mailto:someone@example.com", "\x00http://nul.example/",
)


def _truncate(data: bytes, at: int, _: bytes) -> bytes:
    return data[:at]


def _flip(data: bytes, at: int, piece: bytes) -> bytes:
    if at >= len(data):
        return data
    return data[:at] + bytes([data[at] ^ (piece[0] if piece and piece[0] else 0x55)]) + data[at + 1 :]


def _insert(data: bytes, at: int, piece: bytes) -> bytes:
    return data[:at] + piece + data[at:]


def _delete(data: bytes, at: int, piece: bytes) -> bytes:
    return data[:at] + data[at + 1 + len(piece) * 16 :]


def _repeat(data: bytes, at: int, piece: bytes) -> bytes:
    return data[:at] + data[at : at + 64] * (2 + len(piece) % 32) + data[at:]


_OPERATIONS: tuple[Callable[[bytes, int, bytes], bytes], ...] = (_truncate, _flip, _insert, _delete, _repeat)


def damage(data: bytes, rng: random.Random, max_operations: int = 4) -> bytes:
    """`data` with up to `max_operations` damages, each at a random place."""
    for _ in range(rng.randint(0, max_operations)):
        operation = rng.choice(_OPERATIONS)
        piece = rng.choice(_SPLICES) if rng.random() < 0.7 else rng.randbytes(rng.randint(1, 24))
        data = operation(data, rng.randint(0, len(data)), piece)
    if rng.random() < 0.1:
        data = rng.choice(_BOM_PREFIXES) + data
    return data


# Hypothesis draws one seed per input and the damage is done from it: a draw costs far more than
# a byte operation, and 10,000 inputs per stage must fit in the test run.
seeds = st.integers(0, 2**32 - 1).map(random.Random)


def mutated(originals: tuple[bytes, ...], max_operations: int = 4) -> st.SearchStrategy[bytes]:
    """One of `originals`, damaged."""
    return st.tuples(st.sampled_from(originals), seeds).map(lambda drawn: damage(drawn[0], drawn[1], max_operations))


def _page_body(kind: int, rng: random.Random) -> bytes:
    """Random bytes (kind 0), a real page re-encoded (1), or a real page damaged (2-4: most often)."""
    page = rng.choice(REAL_PAGES)
    if kind == 0:
        return rng.randbytes(rng.randint(0, 2_048))
    if kind == 1:  # a real page's text in another encoding, characters it lacks replaced
        return damage(page.decode("utf-8", "replace").encode(rng.choice(_TEXT_ENCODINGS), "replace"), rng, 2)
    return damage(page, rng)


def page_bodies() -> st.SearchStrategy[bytes]:
    """Bytes of a page: a damaged real page (most often), random bytes, re-encoded text, or random text."""
    return st.one_of(
        st.tuples(st.integers(0, 4), seeds).map(lambda drawn: _page_body(*drawn)),
        st.text(max_size=300).map(lambda text: text.encode("utf-8", "surrogatepass")),
    )


# --- front matter -------------------------------------------------------------------------------

_YAML_LINES = (
    "title: A title", "title: 'quoted: colon'", "title:", "date: 2024-05-01", "date: 2024-13-45T99:99:99Z",
    "date: Fri, 06 Aug 2021 00:07:04 +0000", "author: Jane Doe, John Roe", "authors:", "  - Jane", "  - {name: Jo}",
    "categories: [a, b, [c, d]]", "tags: {x: 1}", "image: {src: /img.png}", "cover:", "  image: [1, 2]",
    "lang: en", "!!binary aGVsbG8=: x", "x: !!float nan", "y: .inf", "z: 1e400", "n: ~", "url: http://[::1",
    "canonical: //cdn.example/x", "# comment", "",
)
# Lines that make a YAML block no mapping (or no YAML): the loose reader or nothing takes over.
_YAML_BREAKING = (
    "\ttitle: tabbed", "key: value: more", "? complex", ": orphan", "&anchor a: 1", "*alias", "b: *nowhere",
    "!!python/object:os.system x", "title: [", "'unclosed", "{", "%YAML 1.1", "- item",
)
_TOML_LINES = (
    'title = "A title"', "date = 2024-05-01T10:00:00Z", "date = 1979-05-27", "time = 07:32:00", 'tags = ["a", "b"]',
    "authors = [{name = 'Jane'}]", "[cover]", 'image = "/img.png"', "[[images]]", 'src = "x.png"', "draft = true",
    "x = 1e999", "y = nan", '"quoted key" = 1', "",
)
_TOML_BREAKING = ('title = """multi', 'line"""', "[table", "key =", "= value")


def _random_line(rng: random.Random) -> str:
    """A line of random characters from anywhere in Unicode (lone surrogates too)."""
    return "".join(chr(rng.randint(0, 0x10FFFF) if rng.random() < 0.05 else rng.randint(0x20, 0x7E) if rng.random() < 0.8 else rng.randint(0xA0, 0x2FFF))
                   for _ in range(rng.randint(0, 40)))


def _front_matter_text(rng: random.Random, body: str | None) -> bytes:
    """A fenced block of random lines (YAML-ish, TOML-ish, or random characters) above `body`
    (without one, the start of a real page)."""
    fence = rng.choice(("---", "+++", "---", "..."))
    pool, breaking = (_TOML_LINES, _TOML_BREAKING) if fence == "+++" else (_YAML_LINES, _YAML_BREAKING)
    # mostly well-formed lines: one bad line makes the block no front matter, and the metadata
    # mapping behind a parsed block is fuzzed too
    lines = [rng.choice(pool) if rng.random() < 0.96 else rng.choice(breaking) if rng.random() < 0.5 else _random_line(rng)
             for _ in range(rng.randint(0, 12))]
    closing = rng.choice((fence, fence, fence, fence, "---", "...", "+++", ""))
    if body is None:
        # short: the block above it is what is fuzzed here, and extraction costs by the byte
        body = rng.choice(REAL_PAGES)[: rng.randint(0, 400)].decode("utf-8", "replace")
    opening = rng.choice(("", "\ufeff", "\n\n", " \t\n"))
    text = opening + rng.choice(("\n", "\n", "\r\n", "\r")).join([fence, *lines, closing, body])
    return text.encode("utf-8", "surrogatepass")


def front_matter_texts() -> st.SearchStrategy[bytes]:
    """A post with a YAML or TOML block of random lines (well formed or not) above a body."""
    return st.tuples(seeds, st.none() | st.text(max_size=200)).map(lambda drawn: _front_matter_text(*drawn))


# --- feeds and sitemaps -----------------------------------------------------------------------

_RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Wire</title><link>https://news.example/</link>
<item><title>One</title><link>https://news.example/one</link><pubDate>Wed, 01 May 2024 10:00:00 GMT</pubDate></item>
<item><title>Two</title><link>/two?x=1&amp;y=2</link><guid isPermaLink="true">https://news.example/two</guid></item>
<item><title>Three</title><guid>https://news.example/three</guid><pubDate>not a date</pubDate></item>
<item><title>Four</title><link>file:///etc/passwd</link></item>
</channel></rss>"""
_ATOM = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://news.example/blog/"><title>Blog</title>
<entry><id>tag:news.example,2024:1</id><title>Été</title><link href="posts/ete.html"/><updated>2024-05-01T10:00:00+02:00</updated></entry>
<entry><id>https://news.example/blog/2</id><title>中文</title><link rel="alternate" href="https://news.example/blog/2"/><published>2024-13-01</published></entry>
</feed>""".encode()
_RDF = b"""<?xml version="1.0"?>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel rdf:about="https://news.example/"><title>RDF</title><link>https://news.example/</link></channel>
<item rdf:about="https://news.example/rdf1"><title>R1</title><link>https://news.example/rdf1</link><dc:date>2024-05-01</dc:date></item>
</rdf:RDF>"""
_JSON_FEED = json.dumps({
    "version": "https://jsonfeed.org/version/1.1", "title": "JSON",
    "items": [
        {"id": "1", "url": "https://news.example/j1", "date_published": "2024-05-01T10:00:00Z"},
        {"id": "https://news.example/j2", "date_modified": "yesterday"},
        {"id": 3, "external_url": "/j3"},
        {"id": None, "url": ["not", "a", "string"]},
        "not an item",
    ],
}).encode()
_ENTITY_FEED = b"""<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>
<rss version="2.0"><channel><item><link>https://news.example/&b;</link></item></channel></rss>"""
_FEED_SPLICES = (
    b"<!ENTITY x SYSTEM 'file:///etc/passwd'>", b"<!DOCTYPE rss>", b"<link>https://news.example/%zz</link>",
    b"<link>http://[::1</link>", b"<link>\x00</link>", b"<pubDate>Sun, 31 Dec 9999 23:59:59 +9999</pubDate>",
    b"<updated>0000-00-00T00:00:00Z</updated>", b'<link href="javascript:x"/>', b"&#x0;", b"]]>", b'"items": null',
    b'{"version": "https://jsonfeed.org/version/1", "items": [{"url": "http://[x"}]}', b"\xef\xbb\xbf{",
)
FEED_CONTENT_TYPES = (None, "application/rss+xml", "application/atom+xml; charset=utf-8", "application/json", "application/feed+json",
                      "text/html", "text/xml; charset=shift_jis", "application/xml; charset=bogus", ";;;", "text/plain")


def _spliced(originals: tuple[bytes, ...], splices: tuple[bytes, ...], rng: random.Random) -> bytes:
    """One of `originals` with one of `splices` put in at a random place, then damaged a little."""
    data = rng.choice(originals)
    at = rng.randint(0, len(data))
    return damage(data[:at] + rng.choice(splices) + data[at:], rng, 2)


_FEEDS = (_RSS, _ATOM, _RDF, _JSON_FEED, _ENTITY_FEED)


def feed_bodies() -> st.SearchStrategy[bytes]:
    """A feed (RSS 2.0, Atom, RSS 1.0, JSON Feed, one with entity declarations), damaged."""
    return st.one_of(mutated(_FEEDS), seeds.map(lambda rng: _spliced(_FEEDS, _FEED_SPLICES, rng)), st.binary(max_size=512))


_NS = b'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:news="http://www.google.com/schemas/sitemap-news/0.9"'
_URLSET = (b'<?xml version="1.0" encoding="UTF-8"?><urlset ' + _NS + b">"
           b"<url><loc>https://news.example/a</loc><lastmod>2024-05-01</lastmod></url>"
           b"<url><loc>/relative/b</loc><lastmod>2024-05-01T10:00:00+02:00</lastmod></url>"
           b"<url><loc>https://news.example/c</loc><news:news><news:publication_date>2024-05-02T08:00:00Z</news:publication_date></news:news></url>"
           b"<url><loc> https://news.example/d </loc><lastmod>yesterday</lastmod></url>"
           b"</urlset>")
_INDEX = (b'<?xml version="1.0" encoding="UTF-8"?><sitemapindex ' + _NS + b">"
          b"<sitemap><loc>https://news.example/sitemap-1.xml.gz</loc><lastmod>2024-05-01</lastmod></sitemap>"
          b"<sitemap><loc>sitemap-2.xml</loc></sitemap></sitemapindex>")
_PLAIN_SITEMAP = b"https://news.example/p1\nhttps://news.example/p2\r\n  http://news.example/p3  \nnot a url\n"
_SITEMAP_SPLICES = (
    b"<loc>http://[::1</loc>", b"<loc>https://news.example:99999/</loc>", b"<lastmod>9999-99-99</lastmod>",
    b"<lastmod>2024-05-01T25:61:00Z</lastmod>", b"<loc>\x00</loc>", b"<!ENTITY x 'y'>", b"<loc></loc>", b"http://%zz\n",
)


_SITEMAPS = (_URLSET, _INDEX, _PLAIN_SITEMAP)


def sitemap_bodies() -> st.SearchStrategy[bytes]:
    """A sitemap (urlset, index, plain list of URLs), damaged; sometimes gzipped, as `.xml.gz` files are."""
    plain = st.one_of(mutated(_SITEMAPS), seeds.map(lambda rng: _spliced(_SITEMAPS, _SITEMAP_SPLICES, rng)), st.binary(max_size=512))
    gzipped = st.tuples(plain, seeds).map(lambda drawn: damage(gzip.compress(drawn[0]), drawn[1], 2))
    return st.one_of(plain, plain, gzipped)


# --- WARC files -------------------------------------------------------------------------------

@dataclass(frozen=True)
class WarcFile:
    """A WARC or WET file as written, and where each document record (response, resource,
    conversion) starts, where
    its content ends, and where the record ends (after the blank lines of a plain file; in a
    gzipped file a member ends where its content does, since a member cut anywhere is unreadable)."""

    data: bytes
    documents: tuple[tuple[int, int, int], ...]


def _warc(gzipped: bool) -> WarcFile:
    """A small crawl: warcinfo, a request, pages of several kinds, a revisit, as warcio writes them."""
    stream = BytesIO()
    writer = WARCWriter(stream, gzip=gzipped)
    page = REAL_PAGES[0][:3_000]

    def response(uri: str, status: str, headers: list[tuple[str, str]], body: bytes):
        http = StatusAndHeaders(status, headers, protocol="HTTP/1.1")
        return writer.create_warc_record(uri, "response", payload=BytesIO(body), http_headers=http,
                                         warc_headers_dict={"WARC-Date": "2024-05-01T12:00:00Z"})

    request = StatusAndHeaders("GET / HTTP/1.1", [("Host", "news.example")], is_http_request=True)
    records = [
        writer.create_warcinfo_record("crawl.warc", {"software": "fuzz"}),
        writer.create_warc_record("https://news.example/", "request", payload=BytesIO(b""), http_headers=request),
        response("https://news.example/a", "200 OK", [("Content-Type", "text/html; charset=utf-8")], page),
        response("https://news.example/gz", "200 OK", [("Content-Type", "text/html"), ("Content-Encoding", "gzip")], gzip.compress(page)),
        response("https://news.example/chunked", "200 OK", [("Content-Type", "text/html"), ("Transfer-Encoding", "chunked")],
                 b"5\r\n<p>ab\r\n0\r\n\r\n"),
        response("https://news.example/missing", "404 Not Found", [("Content-Type", "text/html")], b"<p>gone</p>"),
        writer.create_warc_record("https://news.example/notes.txt", "resource", payload=BytesIO(b"Plain notes, a resource record."),
                                  warc_content_type="text/plain", warc_headers_dict={"WARC-Date": "not a date"}),
        writer.create_revisit_record("https://news.example/a", digest="sha1:AAAA", refers_to_uri="https://news.example/a",
                                     refers_to_date="2024-05-01T12:00:00Z"),
    ]
    return _written(writer, stream, records, gzipped)


def _written(writer: WARCWriter, stream: BytesIO, records: list, gzipped: bool) -> WarcFile:
    documents = []
    for record in records:
        start = stream.tell()
        writer.write_record(record)
        if record.rec_type in ("response", "resource", "conversion"):
            end = stream.tell()
            documents.append((start, end if gzipped else end - len(b"\r\n\r\n"), end))
    return WarcFile(stream.getvalue(), tuple(documents))


def _wet(gzipped: bool) -> WarcFile:
    """A small WET file as Common Crawl writes them: warcinfo, then conversion records of
    extracted text in several scripts, one of them empty."""
    stream = BytesIO()
    writer = WARCWriter(stream, gzip=gzipped)

    def conversion(uri: str, text: str):
        return writer.create_warc_record(uri, "conversion", payload=BytesIO(text.encode("utf-8")), warc_content_type="text/plain",
                                         warc_headers_dict={"WARC-Date": "2024-05-01T12:00:00Z", "WARC-Refers-To": "<urn:uuid:1>"})

    records = [
        writer.create_warcinfo_record("crawl.warc.wet.gz", {"software": "fuzz", "description": "Wide Extracted Text"}),
        conversion("https://news.example/a", "Headline\nA paragraph of extracted text, as Common Crawl writes it.\n"),
        conversion("https://news.example/th", "ข่าววันนี้ ฝนตกหนักในกรุงเทพมหานคร\n"),
        conversion("https://news.example/empty", ""),
        conversion("https://news.example/zh", "今天的新闻：北京下雨了。\n"),
    ]
    return _written(writer, stream, records, gzipped)


WARC_FILES: tuple[WarcFile, ...] = (_warc(gzipped=False), _warc(gzipped=True), _wet(gzipped=False), _wet(gzipped=True))


@dataclass(frozen=True)
class DamagedWarc:
    """A WARC file cut at `cut` (None: not cut), then damaged at or after `damaged_from` (None: not)."""

    original: WarcFile
    data: bytes
    cut: int | None
    damaged_from: int | None


def _damaged_warc(original: WarcFile, rng: random.Random) -> DamagedWarc:
    """`original` cut at a random byte half the time, and damaged from a random byte on half the time."""
    data = original.data
    cut = rng.randint(0, len(data)) if rng.random() < 0.5 else None
    if cut is not None:
        data = data[:cut]
    damaged_from = rng.randint(0, len(data)) if rng.random() < 0.5 else None
    if damaged_from is not None:
        data = data[:damaged_from] + damage(data[damaged_from:], rng, 3)
    return DamagedWarc(original, data, cut, damaged_from)


def damaged_warcs() -> st.SearchStrategy[DamagedWarc]:
    """A WARC or WET file (plain or gzipped) cut short at a random byte, or damaged from there, or both."""
    return st.tuples(st.sampled_from(WARC_FILES), seeds).map(lambda drawn: _damaged_warc(*drawn))
