"""Media types of fetched content: which ones are pages, in which `Format`, and which are not.

Used for live HTTP responses and for WARC records alike, so both quarantine the same things
with the same reason codes: `non_text_content_type` (images, PDF, archives, octet-stream...) and
`unsupported_content_type` (text that is not a page, such as CSS, JavaScript or XML data).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from tasks.records import Format, Rejected

PAGE_FORMATS: dict[str, Format] = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "application/vnd.wap.xhtml+xml": "html",
    "text/plain": "text",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
}
# A page kept compressed and served as a gzip file (`/story.html.gz`), not with Content-Encoding.
GZIP_MEDIA_TYPES = frozenset({"application/gzip", "application/x-gzip", "application/gzip-compressed", "application/x-gunzip"})
_MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkd")
# Leading bytes of common binary formats, for responses that declare no content type.
_BINARY_MAGIC = (
    b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"RIFF", b"OggS",
    b"ID3", b"\x00\x00\x01\x00", b"BM", b"7z\xbc\xaf", b"Rar!", b"\x7fELF", b"wOFF", b"wOF2",
)
_HTML_OPENINGS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title", b"<!--")


def parse_content_type(value: str | None) -> tuple[str | None, str | None]:
    """`(media type, charset)` of a Content-Type value, both lower-cased; None for what is absent.

    >>> parse_content_type('text/html; Charset="ISO-8859-1"')
    ('text/html', 'iso-8859-1')
    """
    if not value:
        return None, None
    media, *params = value.split(";")
    media = media.strip().lower() or None
    charset = None
    for param in params:
        key, _, raw = param.partition("=")
        if key.strip().lower() == "charset":
            charset = raw.strip().strip("'\"").strip().lower() or None
    return media, charset


def check_page_media_type(media_type: str | None) -> None:
    """Reject a declared media type that is not a page; None (undeclared) passes, to be sniffed."""
    if media_type is None or media_type in PAGE_FORMATS:
        return
    textual = media_type.startswith("text/") or media_type.endswith(("+xml", "/xml", "+json", "/json"))
    if textual:
        raise Rejected("unsupported_content_type", f"content type {media_type} is not a page")
    raise Rejected("non_text_content_type", f"content type {media_type} is not text")


def check_page_or_gzip_media_type(media_type: str | None) -> None:
    """`check_page_media_type`, letting gzip files through too: they may hold a page."""
    if media_type not in GZIP_MEDIA_TYPES:
        check_page_media_type(media_type)


def sniff_page_format(head: bytes) -> Format:
    """Format of content with no declared type, from its first bytes; binary content is rejected."""
    start = head[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(_BINARY_MAGIC) or (b"\x00" in head[:1024] and not head.startswith((b"\xff\xfe", b"\xfe\xff"))):
        raise Rejected("non_text_content_type", "no content type declared and the content is binary")
    if start.startswith(_HTML_OPENINGS):
        return "html"
    return "text"


def page_format(media_type: str | None, body: bytes, url: str | None, hint: Format | None = None) -> Format:
    """The `Format` of a page: the caller's hint, else the declared media type, else sniffed.

    `text/plain` served for a path ending in `.md` is markdown: static hosts rarely know the type.
    Raises `Rejected` for content that is not a page.
    """
    check_page_media_type(media_type)
    if hint is not None:
        return hint
    if media_type is None:
        return sniff_page_format(body)
    found = PAGE_FORMATS[media_type]
    if found == "text" and url and urlsplit(url).path.lower().endswith(_MARKDOWN_SUFFIXES):
        return "markdown"
    return found
