"""Common Crawl path listings as a source (`warc_paths`): a `warc.paths.gz` or `wet.paths.gz`
file lists a crawl's WARC or WET files as paths relative to a base URL, one a line; each listed
file becomes one `archive` input, streamed record by record by `tasks.fetch.warc.stream_archives`."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

from config.http import HttpSettings
from config.sources import WarcPathsSource
from tasks.fetch.decompress import gunzip_document, is_gzip
from tasks.fetch.http import STAGE, HttpSession, run_async
from tasks.fetch.plan import PlanContext, Planned
from tasks.identity import path_text, url_text
from tasks.records import InputRef, QuarantineRecord, Rejected


def listed_archives(listing: bytes, base_url: str) -> list[str]:
    """The URLs of the files a path listing names: each non-blank line, not a `#` comment,
    joined to `base_url` (a line that is a whole http(s) URL is kept as it is)."""
    base = base_url if base_url.endswith("/") else base_url + "/"
    lines = url_text(listing.decode("utf-8", errors="surrogateescape")).splitlines()
    return [urljoin(base, line.strip().lstrip("/")) if not urlsplit(line.strip()).scheme else line.strip()
            for line in lines if line.strip() and not line.lstrip().startswith("#")]


async def _download(url: str, settings: HttpSettings) -> bytes:
    async with HttpSession(settings) as session:
        return (await session.get(url)).body


def _listing(source: WarcPathsSource, settings: HttpSettings) -> bytes:
    """The listing's lines as bytes: read or downloaded, gunzipped when gzipped."""
    if source.url is not None:
        body = run_async(lambda: _download(source.url, settings))
    else:
        try:
            body = source.path.read_bytes()
        except OSError as exc:
            raise Rejected("not_found", exc.strerror or str(exc)) from None
    return gunzip_document(body, settings.max_decompressed_bytes) if is_gzip(body) else body


def archive_list_inputs(source: WarcPathsSource, context: PlanContext) -> Planned:
    """The planner of `warc_paths` sources: one `archive` input per listed file (the first
    `max_files` of them when set); a listing that cannot be had is one quarantine row."""
    where = source.url or path_text(source.path)
    try:
        urls = listed_archives(_listing(source, context.http), source.base_url or context.http.archive_base_url)
    except Rejected as rejected:
        return [], [QuarantineRecord(source.name, where, STAGE, rejected.error, rejected.detail)]
    max_bytes = source.max_bytes or context.default_max_bytes
    return [InputRef(source.name, url, "archive", None, max_bytes) for url in urls[: source.max_files]], []
