"""Turning declared sources and command-line URIs into the list of inputs to fetch."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import replace
from pathlib import Path

from config.sources import (
    FeedSource,
    FileSource,
    FolderSource,
    SitemapSource,
    Source,
    SourcesError,
    UrlsSource,
    WarcSource,
    load_sources,
)
from tasks.fetch.feeds import feed_entries
from config.http import HttpSettings
from tasks.fetch.known import last_fetched
from tasks.records import Format, InputRef, QuarantineRecord
from tasks.fetch.robots import RobotsCache
from tasks.fetch.sitemaps import sitemap_urls
from tasks.stage import StageOutput, StageStats
from tasks.fetch.uri_kind import AMBIGUOUS, guess_uri_kind, peek_web_kind
from tasks.fetch.warc import warc_record_refs

FORMAT_BY_SUFFIX: dict[str, Format] = {
    ".html": "html",
    ".htm": "html",
    ".xhtml": "html",
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
}


def format_for_path(path: Path) -> Format | None:
    """The document format a file's extension implies, or None for unsupported files."""
    return FORMAT_BY_SUFFIX.get(path.suffix.lower())


def _is_hidden(path: Path, root: Path) -> bool:
    return any(part.startswith(".") for part in path.relative_to(root).parts)


def _folder_files(source: FolderSource) -> list[Path]:
    root = source.path
    chosen: set[Path] = set()
    for pattern in source.include:
        chosen.update(p for p in root.glob(pattern) if p.is_file() and not _is_hidden(p, root))
    for pattern in source.exclude:
        for match in root.glob(pattern):
            # a pattern ending in '**' matches folders: exclude what they hold
            chosen.difference_update(match.rglob("*") if match.is_dir() else [match])
    return sorted(chosen)


def file_inputs(source: Source, default_max_bytes: int) -> tuple[list[InputRef], list[QuarantineRecord]]:
    """Inputs of a `file` or `folder` source; a missing path or unsupported file is quarantined.

    Hidden files and folders (names starting with '.') inside a folder are not inputs: they are
    version-control and editor state, not articles.
    """
    max_bytes = source.max_bytes or default_max_bytes
    if isinstance(source, FileSource):
        paths = [source.path]
    elif isinstance(source, FolderSource):
        if not source.path.is_dir():
            return [], [QuarantineRecord(source.name, str(source.path), "discover", "not_found", "folder does not exist")]
        paths = _folder_files(source)
    else:
        raise TypeError(f"not a local source: {source.kind}")
    refs: list[InputRef] = []
    quarantined: list[QuarantineRecord] = []
    for path in paths:
        fmt = format_for_path(path)
        if fmt is None:
            quarantined.append(
                QuarantineRecord(
                    source.name,
                    str(path),
                    "discover",
                    "unsupported_format",
                    f"extension {path.suffix or '(none)'!r} is not one of {', '.join(sorted(FORMAT_BY_SUFFIX))}",
                )
            )
            continue
        refs.append(InputRef(source.name, str(path), "file", fmt, max_bytes))
    return refs, quarantined


def sources_for_uris(uris: list[str], http: HttpSettings, name: str = "cli") -> list[Source]:
    """Sources for URIs given on the command line or in a flow run's parameters, each of the
    kind `tasks.fetch.uri_kind` guesses (a web URL whose name does not tell is peeked at)."""
    sources: list[Source] = []
    pages: list[str] = []
    for uri in uris:
        kind = guess_uri_kind(uri)
        if kind == AMBIGUOUS:
            kind = peek_web_kind(uri, http)
        if kind in {"file", "folder", "warc"}:
            path = Path(uri.removeprefix("file://")).expanduser().resolve()
            source = {"file": FileSource, "folder": FolderSource, "warc": WarcSource}[kind]
            sources.append(source(name=name, kind=kind, path=path))
        elif kind == "feed":
            sources.append(FeedSource(name=name, kind="feed", url=uri))
        elif kind == "sitemap":
            sources.append(SitemapSource(name=name, kind="sitemap", url=uri))
        else:
            pages.append(uri)
    if pages:
        sources.append(UrlsSource(name=name, kind="urls", urls=pages))
    return sources


def _web_inputs(source: Source, root: Path, http: HttpSettings, robots: RobotsCache | None) -> tuple[list[InputRef], list[QuarantineRecord]]:
    if isinstance(source, UrlsSource):
        urls = list(source.urls)
        if source.file is not None:
            try:
                lines = source.file.read_text(encoding="utf-8").splitlines()
            except OSError as exc:
                return [], [QuarantineRecord(source.name, str(source.file), "discover", "not_found", str(exc))]
            urls += [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
        return [InputRef(source.name, u, "url", None, source.max_bytes, source.obey_robots) for u in urls], []
    if isinstance(source, FeedSource):
        refs, failed, _ = feed_entries(source, http, last_fetched(root, source.name), robots)
    else:
        refs, failed, _ = sitemap_urls(source, http, last_fetched(root, source.name), max_depth=source.max_depth, robots=robots)
    return [replace(r, obey_robots=source.obey_robots) for r in refs], failed


def plan_inputs(
    sources: list[Source], default_max_bytes: int, root: Path, http: HttpSettings, robots: RobotsCache | None = None
) -> StageOutput[list[InputRef]]:
    """Every input of the given sources (stage `discover`): files of folders, records of WARC
    files, listed URLs, and the new or changed entries of feeds and sitemaps. Sources that
    cannot be listed, and files of unsupported formats, are quarantined."""
    started = time.perf_counter()
    refs: list[InputRef] = []
    quarantined: list[QuarantineRecord] = []
    for source in sources:
        if isinstance(source, (FileSource, FolderSource)):
            found, failed = file_inputs(source, default_max_bytes)
        elif isinstance(source, WarcSource):
            found, failed = warc_record_refs(source.path, source.name, source.max_bytes or default_max_bytes)
        else:
            found, failed = _web_inputs(source, root, http, robots)
        refs += found
        quarantined += failed
    stats = StageStats("discover", docs_in=len(refs) + len(quarantined), docs_out=len(refs),
                       quarantined=Counter(q.error for q in quarantined), seconds=time.perf_counter() - started)
    return StageOutput(refs, quarantined, stats)


def choose_sources(uris: list[str], names: list[str], sources_file: Path, http: HttpSettings) -> list[Source]:
    """The sources a run reads: the given URIs if any, else the named (or all enabled) sources
    of the sources file. An unknown source name is an error naming it."""
    if uris:
        return sources_for_uris(uris, http)
    declared = load_sources(sources_file).source
    if not names:
        return [s for s in declared if s.enabled]
    unknown = sorted(set(names) - {s.name for s in declared})
    if unknown:
        raise SourcesError(f"{sources_file}: no source named {', '.join(map(repr, unknown))}")
    return [s for s in declared if s.name in names]
