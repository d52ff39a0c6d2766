"""Turning declared sources and command-line URIs into the list of inputs to fetch.

Each source kind has one planner, in the module that knows that kind; `PLANNERS` is the table
that maps a kind to it, so adding a source kind is a model in config/sources.py, a module with
its planner, and one entry here.
"""

from __future__ import annotations

import importlib
import time
from collections import Counter
from pathlib import Path

from config.http import HttpSettings
from config.sources import MODEL_BY_KIND, Source, SourcesError, named_sources
from tasks.fetch.plan import PlanContext, Planner
from tasks.fetch.robots import RobotsCache
from tasks.fetch.uri_kind import AMBIGUOUS, guess_uri_kind, is_wat_name, peek_web_kind
from tasks.identity import url_text
from tasks.records import InputRef, QuarantineRecord
from tasks.stage import StageOutput, StageStats
from warehouse.storage import WarehouseRoot

# "module:function" of each kind's planner, imported when a source of that kind is planned: a
# run of local files only (a rerun with nothing to do above all) does not import the HTTP client
PLANNERS: dict[str, str] = {
    "file": "tasks.fetch.local_files:file_inputs",
    "folder": "tasks.fetch.local_files:file_inputs",
    "urls": "tasks.fetch.url_lists:url_inputs",
    "feed": "tasks.fetch.feeds:feed_inputs",
    "sitemap": "tasks.fetch.sitemaps:sitemap_inputs",
    "warc": "tasks.fetch.warc:warc_inputs",
    "warc_paths": "tasks.fetch.archive_lists:archive_list_inputs",
}


def planner(kind: str) -> Planner:
    """The planner of a source kind (`PLANNERS`)."""
    module, name = PLANNERS[kind].split(":")
    return getattr(importlib.import_module(module), name)
_PATH_KINDS = frozenset({"file", "folder", "warc", "warc_paths"})
_WEB_SCHEMES = ("http://", "https://")
_DOCUMENT_LIST_KINDS = frozenset({"feed", "sitemap"})


def sources_for_uris(uris: list[str], http: HttpSettings, name: str = "cli") -> list[Source]:
    """Sources for URIs given on the command line or in a flow run's parameters, each of the
    kind `tasks.fetch.uri_kind` guesses (a web URL whose name does not tell is peeked at). A
    WAT file is refused with one line: it holds no text."""
    sources: list[Source] = []
    pages: list[str] = []
    for uri in uris:
        if is_wat_name(uri):
            from tasks.fetch.warc import WAT_REFUSAL  # the WARC reader imports the HTTP client

            raise SourcesError(f"{uri}: {WAT_REFUSAL}")
        kind = guess_uri_kind(uri)
        if kind == AMBIGUOUS:
            kind = peek_web_kind(uri, http)
        if kind in {"warc", "warc_paths"} and uri.lower().startswith(_WEB_SCHEMES):
            sources.append(MODEL_BY_KIND[kind](name=name, kind=kind, url=url_text(uri)))
        elif kind in _PATH_KINDS:
            path = Path(uri.removeprefix("file://")).expanduser().resolve()
            sources.append(MODEL_BY_KIND[kind](name=name, kind=kind, path=path))
        elif kind in _DOCUMENT_LIST_KINDS:
            sources.append(MODEL_BY_KIND[kind](name=name, kind=kind, url=url_text(uri)))
        else:
            pages.append(url_text(uri))  # an argument's bytes that are not UTF-8, percent-encoded
    if pages:
        sources.append(MODEL_BY_KIND["urls"](name=name, kind="urls", urls=pages))
    return sources


def plan_inputs(
    sources: list[Source], default_max_bytes: int, root: WarehouseRoot, http: HttpSettings, robots: RobotsCache | None = None
) -> StageOutput[list[InputRef]]:
    """Every input of the given sources (stage `discover`): files of folders, records of WARC
    files, listed URLs, and the new or changed entries of feeds and sitemaps. Sources that
    cannot be listed, and files of unsupported formats, are quarantined."""
    started = time.perf_counter()
    context = PlanContext(root, http, robots, default_max_bytes)
    refs: list[InputRef] = []
    quarantined: list[QuarantineRecord] = []
    for source in sources:
        found, failed = planner(source.kind)(source, context)
        refs += found
        quarantined += failed
    stats = StageStats(
        "discover",
        docs_in=len(refs) + len(quarantined) + sum(context.counts.values()),
        docs_out=len(refs),
        quarantined=Counter(q.error for q in quarantined),
        seconds=time.perf_counter() - started,
        counts=context.counts,
    )
    return StageOutput(refs, quarantined, stats)


def choose_sources(uris: list[str], names: list[str], sources_file: Path, http: HttpSettings) -> list[Source]:
    """The sources a run reads: the given URIs if any, else the named (or all enabled) sources
    of the sources file. An unknown source name is an error naming it."""
    if uris:
        return sources_for_uris(uris, http)
    return named_sources(sources_file, names)
