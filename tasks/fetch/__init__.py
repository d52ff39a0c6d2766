"""The fetch stage: which inputs a run reads, and their raw bytes.

`plan_inputs` (`discover.py`) turns sources into inputs: files of folders, records of WARC
files, listed URLs, new or changed entries of feeds and sitemaps. `fetch_inputs`
(`retrieve.py`) reads each input's bytes: local files, WARC records, and web pages through the
polite HTTP client (`http.py`, `robots.py`), conditionally when the warehouse holds a version.
`stream_archives` (`warc.py`) reads remote WARC and WET files in one pass, batch by batch.

The names below are imported on first use (PEP 562): the command line reads `uri_kind` before
anything heavy is imported, and importing this package must not pull in the HTTP client.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tasks.fetch.discover import choose_sources, plan_inputs, sources_for_uris
    from tasks.fetch.retrieve import fetch_inputs
    from tasks.fetch.robots import RobotsCache
    from tasks.fetch.uri_kind import AMBIGUOUS, guess_uri_kind, is_wat_name
    from tasks.fetch.warc import WAT_REFUSAL, stream_archives

_MODULES = {
    "choose_sources": "tasks.fetch.discover",
    "plan_inputs": "tasks.fetch.discover",
    "sources_for_uris": "tasks.fetch.discover",
    "fetch_inputs": "tasks.fetch.retrieve",
    "RobotsCache": "tasks.fetch.robots",
    "AMBIGUOUS": "tasks.fetch.uri_kind",
    "guess_uri_kind": "tasks.fetch.uri_kind",
    "is_wat_name": "tasks.fetch.uri_kind",
    "WAT_REFUSAL": "tasks.fetch.warc",
    "stream_archives": "tasks.fetch.warc",
}

__all__ = [
    "AMBIGUOUS", "WAT_REFUSAL", "RobotsCache", "choose_sources", "fetch_inputs", "guess_uri_kind", "is_wat_name",
    "plan_inputs", "sources_for_uris", "stream_archives",
]


def __getattr__(name: str) -> object:
    if name not in _MODULES:
        raise AttributeError(f"module 'tasks.fetch' has no attribute {name!r}")
    return getattr(import_module(_MODULES[name]), name)
