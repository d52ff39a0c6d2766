"""The normalize-metadata stage: raw page metadata in, one clean `ArticleRecord` out.

Each field is a small pure function over the strings the extract stage found (title, authors,
date, url, site, categories, tags, image, description), so each can be tested alone; the stage
itself only wires them together and copies identity and provenance from the fetched document.
Text and lists are cleaned by `tasks.clean.values`, authors split by `tasks.clean.bylines`, dates
read by `tasks.clean.dates`: the same rules the extract stage applies where it finds them.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urljoin, urlsplit

from tasks.clean.bylines import people_first, split_authors
from tasks.clean.dates import parse_published, published_precision
from tasks.clean.steps import METADATA as STAGE
from tasks.clean.titles import strip_site_from_title
from tasks.clean.values import clean_list, clean_text
from tasks.clean.word_count import count_words
from tasks.identity import article_id
from tasks.records import ArticleRecord, ExtractedDocument, PageMetadata
from tasks.stage import StageOutput, run_stage
from tasks.urls import canonical_url

_HTTP = {"http", "https"}

def _is_http(url: str | None) -> bool:
    """Whether `url` is an absolute http(s) URL with a host."""
    if not url:
        return False
    try:
        parts = urlsplit(url)
    except ValueError:  # an unclosed IPv6 bracket: `http://[::1`
        return False
    return parts.scheme.lower() in _HTTP and bool(parts.netloc)


def absolute_http_url(value: object, base: str | None) -> str | None:
    """The canonical absolute http(s) URL `value` names, resolved against `base`; else None.

    Proxy and CORS-relay prefixes are unwrapped by `canonical_url`; protocol-relative links
    (`//cdn/x.jpg`) take the base's scheme, or https without one.
    """
    text = clean_text(value)
    if not text:
        return None
    base = base if _is_http(base) else None
    if text.startswith("//"):
        text = f"{urlsplit(base).scheme if base else 'https'}:{text}"
    if base:
        try:
            text = urljoin(base, text)
        except ValueError:  # `http://[::1` is no URL, relative or not
            return None
    url = canonical_url(text)
    return url if _is_http(url) else None


def _is_site_root(url: str) -> bool:
    """Whether `url` names a site's home page rather than a page on it."""
    parts = urlsplit(url)
    return parts.path in {"", "/"} and not parts.query


def page_url(metadata_url: str | None, fetched_url: str | None, uri: str) -> str:
    """The article's URL: the page's own canonical URL, else the fetched URL, else the file's URI.

    A canonical link to the site's home page from a deeper page is a common CMS mistake and is
    ignored. Local files get `file://` URIs, so the file name stays visible.
    """
    fetched = canonical_url(fetched_url) if fetched_url else None
    declared = absolute_http_url(metadata_url, fetched)
    if declared and not (_is_site_root(declared) and fetched and _is_http(fetched) and not _is_site_root(fetched)):
        return declared
    if fetched:
        return fetched
    if "://" in uri:
        return canonical_url(uri)
    return Path(uri).resolve().as_uri()


def site_name(declared: str | None, url: str | None) -> str | None:
    """The site's name as the page declares it, else its host without `www.` for http(s) URLs."""
    name = clean_text(declared)
    if name:
        return name
    if not _is_http(url):
        return None
    host = urlsplit(url).hostname or ""
    return host.removeprefix("www.") or None


def normalize_article(doc: ExtractedDocument) -> ArticleRecord:
    """One `ArticleRecord` from an extracted document: metadata cleaned, identity copied."""
    fetched = doc.decoded.doc
    meta: PageMetadata = doc.metadata
    url = page_url(meta.url, fetched.url, fetched.uri)
    site = site_name(meta.site, url)
    title = clean_text(meta.title)
    published_at = parse_published(meta.date, fetched.fetched_at, meta.language)
    text = doc.text.strip()
    return ArticleRecord(
        article_id=article_id(fetched.doc_id, fetched.content_sha256),
        doc_id=fetched.doc_id,
        content_sha256=fetched.content_sha256,
        source=fetched.source,
        uri=fetched.uri,
        url=url,
        site=site,
        title=strip_site_from_title(title, [site], urlsplit(url).hostname if _is_http(url) else None) if title else None,
        authors=people_first([split_authors(meta.authors)], [site] if site else []),
        published_at=published_at,
        published_at_precision=published_precision(meta.date) if published_at else None,
        fetched_at=fetched.fetched_at,
        categories=clean_list(meta.categories),
        tags=clean_list(meta.tags),
        image_url=absolute_http_url(meta.image, fetched.url if _is_http(fetched.url) else url),
        description=clean_text(meta.description),
        text=text,
        word_count=count_words(text),
        format=fetched.format,
        encoding=doc.decoded.encoding,
        encoding_repaired=doc.decoded.repaired,
        extractor=doc.extractor,
    )


def normalize_articles(docs: list[ExtractedDocument]) -> StageOutput[list[ArticleRecord]]:
    """The metadata stage over a batch: one `ArticleRecord` per document, failures quarantined."""
    return run_stage(
        STAGE,
        docs,
        normalize_article,
        describe=lambda d: (d.decoded.doc.source, d.decoded.doc.uri, d.decoded.doc.content_sha256),
        size=lambda d: len(d.text.encode()),
    )
